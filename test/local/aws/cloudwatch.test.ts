import { describe, expect, it } from 'vitest';
import { LocalCloudWatch } from '#local/aws/cloudwatch/service';
import type { ServiceEvent } from '#local/aws/shared/service-event';
import { ManualClock } from '#local/clock';

const START = Date.UTC(2026, 0, 1, 10, 0, 0);
const MINUTE = 60_000;
const instance = [{ Name: 'ReplicationInstanceIdentifier', Value: 'lakeshift-m-db-1' }];
const cpuId = { namespace: 'AWS/DMS', metricName: 'CPUUtilization', dimensions: instance };

const harness = () => {
  const clock = new ManualClock(START);
  const events: ServiceEvent[] = [];
  const cloudWatch = new LocalCloudWatch({ clock, publish: (event) => events.push(event) });
  /** Records one CPU datapoint per minute, stamped at the start of the minute, for `values`. */
  const publishEveryMinute = async (values: readonly number[]) => {
    for (const value of values) {
      cloudWatch.record(cpuId, { timestamp: clock.now(), value, unit: 'Percent' });
      await clock.advance(MINUTE);
    }
  };
  return { clock, events, cloudWatch, publishEveryMinute };
};

const cpuAlarm = {
  AlarmName: 'lakeshift-m-db-1-cpu-high',
  AlarmDescription: 'Sustained high CPU',
  Namespace: 'AWS/DMS',
  MetricName: 'CPUUtilization',
  Dimensions: instance,
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 3,
  DatapointsToAlarm: 3,
  Threshold: 80,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
};

describe('LocalCloudWatch alarms', () => {
  it('starts unchecked, then goes to ALARM on the clock and publishes the state change event', async () => {
    // Prepare
    const h = harness();
    await h.cloudWatch.handle('PutMetricAlarm', cpuAlarm);
    h.cloudWatch.start();

    // Act
    await h.publishEveryMinute([20, 20, 95, 95, 95]);
    await h.clock.advance(MINUTE);

    // Assess
    const alarmEvents = h.events.map((e) => (e.detail.state as { value: string }).value);
    expect(alarmEvents).toEqual(['OK', 'ALARM']);
    const alarm = h.events[1];
    expect(alarm).toMatchObject({
      source: 'aws.cloudwatch',
      detailType: 'CloudWatch Alarm State Change',
      resources: ['arn:aws:cloudwatch:us-east-1:000000000000:alarm:lakeshift-m-db-1-cpu-high'],
      detail: {
        alarmName: 'lakeshift-m-db-1-cpu-high',
        previousState: { value: 'OK' },
        configuration: {
          description: 'Sustained high CPU',
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: {
                  namespace: 'AWS/DMS',
                  name: 'CPUUtilization',
                  dimensions: { ReplicationInstanceIdentifier: 'lakeshift-m-db-1' },
                },
                period: 60,
                stat: 'Average',
              },
              returnData: true,
            },
          ],
        },
      },
    });
    const state = alarm?.detail.state as { reason: string; reasonData: string; timestamp: string };
    expect(state.reason).toMatch(
      /^Threshold Crossed: 3 out of the last 3 datapoints \[95 .*\] were greater than the threshold \(80\)/,
    );
    expect(JSON.parse(state.reasonData)).toMatchObject({
      statistic: 'Average',
      period: 60,
      threshold: 80,
      recentDatapoints: [95, 95, 95],
    });
    expect(state.timestamp).toMatch(/^2026-01-01T10:0\d:10\.000\+0000$/);
  });

  it('keeps the state while it holds and reports it in DescribeAlarms', async () => {
    // Prepare
    const h = harness();
    await h.cloudWatch.handle('PutMetricAlarm', cpuAlarm);
    h.cloudWatch.start();

    // Act
    await h.publishEveryMinute([95, 95, 95, 95, 95, 95]);
    const described = (await h.cloudWatch.handle('DescribeAlarms', { AlarmNamePrefix: 'lakeshift-' })) as {
      MetricAlarms: Record<string, unknown>[];
    };

    // Assess
    // Missing data counts as not breaching: OK at the first evaluation, ALARM once three minutes breach, then quiet.
    expect(h.events.map((e) => (e.detail.state as { value: string }).value)).toEqual(['OK', 'ALARM']);
    expect(described.MetricAlarms).toHaveLength(1);
    expect(described.MetricAlarms[0]).toMatchObject({
      AlarmName: 'lakeshift-m-db-1-cpu-high',
      StateValue: 'ALARM',
      Threshold: 80,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      Statistic: 'Average',
    });
  });

  it('SetAlarmState changes the state and publishes it; DeleteAlarms of an unknown alarm fails', async () => {
    // Prepare
    const h = harness();
    await h.cloudWatch.handle('PutMetricAlarm', cpuAlarm);

    // Act
    await h.cloudWatch.handle('SetAlarmState', {
      AlarmName: cpuAlarm.AlarmName,
      StateValue: 'ALARM',
      StateReason: 'testing',
    });

    // Assess
    expect(h.events[0]?.detail.state).toMatchObject({ value: 'ALARM', reason: 'testing' });
    await expect(h.cloudWatch.handle('DeleteAlarms', { AlarmNames: ['nope'] })).rejects.toMatchObject({
      type: 'ResourceNotFound',
    });
    await h.cloudWatch.handle('DeleteAlarms', { AlarmNames: [cpuAlarm.AlarmName] });
    expect(
      ((await h.cloudWatch.handle('DescribeAlarms', {})) as { MetricAlarms: unknown[] }).MetricAlarms,
    ).toEqual([]);
  });

  it('evaluates an alarm reset to OK at the next evaluation, and raises ALARM again while the breach lasts', async () => {
    // Prepare
    const h = harness();
    await h.cloudWatch.handle('PutMetricAlarm', cpuAlarm);
    h.cloudWatch.start();
    await h.publishEveryMinute([95, 95, 95, 95]);
    const states = () => h.events.map((e) => (e.detail.state as { value: string }).value);
    const beforeReset = states();

    // Act
    await h.cloudWatch.handle('SetAlarmState', {
      AlarmName: cpuAlarm.AlarmName,
      StateValue: 'OK',
      StateReason: 'lakeshift evaluated: stay (cooldown)',
    });
    const afterReset = states();
    await h.publishEveryMinute([95, 95, 95]);

    // Assess
    expect(beforeReset).toEqual(['OK', 'ALARM']);
    expect(afterReset).toEqual(['OK', 'ALARM', 'OK']);
    // One new ALARM at the first evaluation after the reset, then silence while the state holds.
    expect(states()).toEqual(['OK', 'ALARM', 'OK', 'ALARM']);
    expect(h.events[3]?.detail).toMatchObject({
      // The evaluation right after the reset (every emulated minute, 10 s past it).
      state: { value: 'ALARM', timestamp: '2026-01-01T10:04:10.000+0000' },
      previousState: { value: 'OK', reason: 'lakeshift evaluated: stay (cooldown)' },
    });
  });

  it('rejects a malformed alarm naming the field and the rule', async () => {
    // Prepare
    const h = harness();

    // Act + Assess
    await expect(h.cloudWatch.handle('PutMetricAlarm', { ...cpuAlarm, Period: 45 })).rejects.toThrow(
      "Value '45' at 'Period' failed to satisfy constraint: Member must be 10, 30 or a multiple of 60",
    );
    await expect(
      h.cloudWatch.handle('PutMetricAlarm', { ...cpuAlarm, ComparisonOperator: 'Above' }),
    ).rejects.toThrow(
      /at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set/,
    );
    await expect(
      h.cloudWatch.handle('PutMetricAlarm', { ...cpuAlarm, DatapointsToAlarm: 4 }),
    ).rejects.toThrow('DatapointsToAlarm (4) must be between 1 and EvaluationPeriods (3).');
  });
});

describe('LocalCloudWatch metrics', () => {
  it('aggregates datapoints into aligned periods for GetMetricStatistics and GetMetricData', async () => {
    // Prepare
    const h = harness();
    await h.cloudWatch.handle('PutMetricData', {
      Namespace: 'Custom/Test',
      MetricData: [
        { MetricName: 'Load', Dimensions: instance, Timestamp: START / 1000, Value: 10 },
        { MetricName: 'Load', Dimensions: instance, Timestamp: START / 1000 + 30, Value: 30 },
        { MetricName: 'Load', Dimensions: instance, Timestamp: START / 1000 + 300, Value: 50 },
      ],
    });

    // Act
    const statistics = (await h.cloudWatch.handle('GetMetricStatistics', {
      Namespace: 'Custom/Test',
      MetricName: 'Load',
      Dimensions: instance,
      StartTime: START / 1000,
      EndTime: START / 1000 + 3600,
      Period: 300,
      Statistics: ['Average', 'Maximum', 'SampleCount'],
    })) as { Datapoints: Record<string, number>[] };
    const data = (await h.cloudWatch.handle('GetMetricData', {
      StartTime: START / 1000,
      EndTime: START / 1000 + 3600,
      MetricDataQueries: [
        {
          Id: 'load',
          MetricStat: {
            Metric: { Namespace: 'Custom/Test', MetricName: 'Load', Dimensions: instance },
            Period: 300,
            Stat: 'Maximum',
          },
        },
      ],
    })) as { MetricDataResults: { Id: string; Timestamps: number[]; Values: number[] }[] };

    // Assess
    expect(statistics.Datapoints).toEqual([
      { Timestamp: START / 1000, Average: 20, Maximum: 30, SampleCount: 2, Unit: 'None' },
      { Timestamp: START / 1000 + 300, Average: 50, Maximum: 50, SampleCount: 1, Unit: 'None' },
    ]);
    expect(data.MetricDataResults).toEqual([
      {
        Id: 'load',
        Label: 'Load',
        Timestamps: [START / 1000 + 300, START / 1000],
        Values: [50, 30],
        StatusCode: 'Complete',
      },
    ]);
  });

  it('counts a datapoint sent late in its own period, and reads only the range asked for', async () => {
    // Prepare
    const h = harness();
    const put = (offsetSeconds: number, value: number) =>
      h.cloudWatch.handle('PutMetricData', {
        Namespace: 'Custom/Test',
        MetricData: [
          { MetricName: 'Load', Dimensions: instance, Timestamp: START / 1000 + offsetSeconds, Value: value },
        ],
      });
    await put(0, 1);
    await put(600, 3);
    await put(900, 4);
    await put(300, 2);
    await put(300, 20);

    // Act
    const statistics = (await h.cloudWatch.handle('GetMetricStatistics', {
      Namespace: 'Custom/Test',
      MetricName: 'Load',
      Dimensions: instance,
      StartTime: START / 1000 + 300,
      EndTime: START / 1000 + 900,
      Period: 300,
      Statistics: ['Sum', 'SampleCount'],
    })) as { Datapoints: Record<string, number>[] };

    // Assess
    expect(statistics.Datapoints).toEqual([
      { Timestamp: START / 1000 + 300, Sum: 22, SampleCount: 2, Unit: 'None' },
      { Timestamp: START / 1000 + 600, Sum: 3, SampleCount: 1, Unit: 'None' },
    ]);
  });

  it('refuses PutMetricData into a namespace reserved for AWS services', async () => {
    // Prepare
    const h = harness();

    // Act + Assess
    await expect(
      h.cloudWatch.handle('PutMetricData', {
        Namespace: 'AWS/DMS',
        MetricData: [{ MetricName: 'CPUUtilization', Value: 1 }],
      }),
    ).rejects.toMatchObject({ type: 'InvalidParameterValue' });
  });
});
