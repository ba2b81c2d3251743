import { describe, expect, it } from 'vitest';
import { alarmNames, alarmSpecs, signalOfAlarm, taskResourceIdOf } from '#domain/alarms/alarm-specs';
import { resizeMetricQueries } from '#domain/alarms/metric-queries';
import { datapointsToFire, evaluationWindow } from '#domain/alarms/signals';
import { resizeSettings } from '../resize/settings-fixture.ts';

const settings = resizeSettings();

const TASK_ARN = 'arn:aws:dms:us-east-1:123456789012:task:UPIIRRYFTHAI7AAEHCM6X5CAFXH2ODSHQ7M3WUA';
const TASK_ID = 'UPIIRRYFTHAI7AAEHCM6X5CAFXH2ODSHQ7M3WUA';
const INSTANCE_DIMENSION = { Name: 'ReplicationInstanceIdentifier', Value: 'ls-mig-1-orders-ri' };

const target = {
  alarmPrefix: 'lakeshift-mig-1-orders',
  instanceIdentifier: 'LS-Mig-1-Orders-RI',
  taskArn: TASK_ARN,
  instanceClass: 'dms.r5.large' as const,
  settings,
};

describe('alarmSpecs', () => {
  it('builds the five CDC alarms with every field set deliberately', () => {
    // Act
    const specs = alarmSpecs(target);

    // Assess
    const common = {
      Namespace: 'AWS/DMS',
      TreatMissingData: 'notBreaching',
      Tags: undefined,
    };
    expect(specs).toEqual([
      {
        ...common,
        AlarmName: 'lakeshift-mig-1-orders-cpu-high',
        AlarmDescription:
          'Sustained high CPU on the replication instance (step-up); lakeshift resizes on ALARM.',
        MetricName: 'CPUUtilization',
        Dimensions: [INSTANCE_DIMENSION],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 15,
        DatapointsToAlarm: 12,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      {
        ...common,
        AlarmName: 'lakeshift-mig-1-orders-memory-low',
        AlarmDescription:
          'Freeable memory low on the replication instance (step-up); lakeshift resizes on ALARM.',
        MetricName: 'FreeableMemory',
        Dimensions: [INSTANCE_DIMENSION],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 15,
        DatapointsToAlarm: 12,
        // 10% of dms.r5.large's 16 GiB.
        Threshold: 1_717_986_918,
        ComparisonOperator: 'LessThanThreshold',
      },
      {
        ...common,
        AlarmName: 'lakeshift-mig-1-orders-swap-growth',
        AlarmDescription:
          'Swap in use grew past the allowed amount (the instance is short of memory) (step-up); lakeshift resizes on ALARM.',
        MetricName: 'SwapUsage',
        Dimensions: [INSTANCE_DIMENSION],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 15,
        DatapointsToAlarm: 12,
        Threshold: 268_435_456,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      {
        ...common,
        AlarmName: 'lakeshift-mig-1-orders-cdc-latency-high',
        AlarmDescription:
          'CDC source latency high on the replication task (the instance falls behind the source) (step-up); lakeshift resizes on ALARM.',
        MetricName: 'CDCLatencySource',
        Dimensions: [INSTANCE_DIMENSION, { Name: 'ReplicationTaskIdentifier', Value: TASK_ID }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 15,
        DatapointsToAlarm: 12,
        Threshold: 120,
        ComparisonOperator: 'GreaterThanThreshold',
      },
      {
        ...common,
        AlarmName: 'lakeshift-mig-1-orders-cpu-low',
        AlarmDescription:
          'CPU low for the whole quiet window: the instance can step down (step-down); lakeshift resizes on ALARM.',
        MetricName: 'CPUUtilization',
        Dimensions: [INSTANCE_DIMENSION],
        Statistic: 'Maximum',
        // 360 quiet minutes: 72 periods of 5 minutes, every one of them quiet.
        Period: 300,
        EvaluationPeriods: 72,
        DatapointsToAlarm: 72,
        Threshold: 25,
        ComparisonOperator: 'LessThanThreshold',
      },
    ]);
  });

  it('scales the memory threshold with the instance class', () => {
    // Act
    const specs = alarmSpecs({ ...target, instanceClass: 'dms.t3.medium' });

    // Assess
    expect(specs.find((spec) => spec.MetricName === 'FreeableMemory')?.Threshold).toBe(429_496_730);
  });

  it('puts the given tags on every alarm', () => {
    // Prepare
    const tags = [{ Key: 'lakeshift:managed', Value: 'true' }];

    // Act
    const specs = alarmSpecs({ ...target, tags });

    // Assess
    expect(specs.map((spec) => spec.Tags)).toEqual(Array(5).fill(tags));
  });

  it('rejects a prefix the alarm rule would not match and a task ARN that is not one', () => {
    // Act
    const badPrefix = () => alarmSpecs({ ...target, alarmPrefix: 'mine-orders' });
    const badArn = () => alarmSpecs({ ...target, taskArn: 'orders-task' });

    // Assess
    expect(badPrefix).toThrow(
      expect.objectContaining({
        name: 'InvalidHandlerInput',
        message: 'alarmPrefix: must start with "lakeshift-", got "mine-orders"',
      }),
    );
    expect(badArn).toThrow(
      expect.objectContaining({ name: 'InvalidHandlerInput', message: expect.stringContaining('taskArn') }),
    );
  });
});

describe('taskResourceIdOf', () => {
  it('takes the last segment of the task ARN', () => {
    // Act
    const id = taskResourceIdOf(TASK_ARN);

    // Assess
    expect(id).toBe(TASK_ID);
  });
});

describe('alarm names', () => {
  it('lists every alarm of a database and maps each name back to its signal', () => {
    // Act
    const names = alarmNames('lakeshift-mig-1-orders');

    // Assess
    expect(names.map(signalOfAlarm)).toEqual([
      'cpu-high',
      'memory-low',
      'swap-growth',
      'cdc-latency-high',
      'cpu-low',
    ]);
    expect(signalOfAlarm('someone-elses-cpu-high')).toBeUndefined();
  });
});

describe('evaluationWindow', () => {
  it.each([
    [1, 60, 1],
    [15, 60, 15],
    [60, 60, 60],
    [360, 300, 72],
    [1440, 300, 288],
    [2880, 3600, 48],
    // Beyond seven days CloudWatch cannot look back further: the last seven days are evaluated.
    [20_000, 3600, 168],
  ])('evaluates %i minutes as periods of %i s, %i of them', (minutes, periodSeconds, evaluationPeriods) => {
    // Act
    const window = evaluationWindow(minutes);

    // Assess
    expect(window).toEqual({ periodSeconds, evaluationPeriods });
    expect(window.periodSeconds * window.evaluationPeriods).toBeLessThanOrEqual(
      periodSeconds < 3600 ? 86_400 : 604_800,
    );
  });

  it('needs most datapoints to step up and all of them to step down', () => {
    // Act
    const counts = [
      datapointsToFire('cpu-high', 15),
      datapointsToFire('cpu-high', 1),
      datapointsToFire('cpu-low', 72),
    ];

    // Assess
    expect(counts).toEqual([12, 1, 72]);
  });
});

describe('resizeMetricQueries', () => {
  it('asks for each signal’s metric with its alarm’s statistic, period and dimensions', () => {
    // Act
    const plan = resizeMetricQueries({
      instanceIdentifier: 'LS-Mig-1-Orders-RI',
      taskResourceId: TASK_ID,
      settings,
    });

    // Assess
    expect(plan.lookbackSeconds).toBe(300 * 73);
    expect(plan.signalOfQuery).toEqual({
      cpu_high: 'cpu-high',
      memory_low: 'memory-low',
      swap_growth: 'swap-growth',
      cdc_latency_high: 'cdc-latency-high',
      cpu_low: 'cpu-low',
    });
    expect(plan.queries[3]).toEqual({
      Id: 'cdc_latency_high',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/DMS',
          MetricName: 'CDCLatencySource',
          Dimensions: [INSTANCE_DIMENSION, { Name: 'ReplicationTaskIdentifier', Value: TASK_ID }],
        },
        Period: 60,
        Stat: 'Average',
      },
      ReturnData: true,
    });
    expect(
      plan.queries.map((query) => [
        query.MetricStat?.Metric?.MetricName,
        query.MetricStat?.Stat,
        query.MetricStat?.Period,
      ]),
    ).toEqual([
      ['CPUUtilization', 'Average', 60],
      ['FreeableMemory', 'Minimum', 60],
      ['SwapUsage', 'Maximum', 60],
      ['CDCLatencySource', 'Average', 60],
      ['CPUUtilization', 'Maximum', 300],
    ]);
  });
});
