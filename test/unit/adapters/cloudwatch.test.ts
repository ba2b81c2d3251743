import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deleteAlarms,
  describeAlarmsByPrefix,
  getPeakUsage,
  getResizeMetrics,
  putMetricAlarms,
} from '#adapters/cloudwatch';
import { alarmSpecs } from '#domain/alarms/alarm-specs';
import { resizeSettings } from '../domain/resize/settings-fixture.ts';

const cloudWatch = mockClient(CloudWatchClient);

const settings = resizeSettings();

const NOW = '2026-03-01T12:00:00.000Z';
const MINUTE_1 = new Date('2026-03-01T10:01:00Z');
const MINUTE_2 = new Date('2026-03-01T10:02:00Z');

beforeEach(() => {
  cloudWatch.reset();
});

describe('cloudwatch adapter', () => {
  describe('putMetricAlarms', () => {
    it('puts every alarm spec as given', async () => {
      // Prepare
      cloudWatch.on(PutMetricAlarmCommand).resolves({});
      const specs = alarmSpecs({
        alarmPrefix: 'lakeshift-mig-1-orders',
        instanceIdentifier: 'ls-mig-1-orders-ri',
        taskArn: 'arn:aws:dms:us-east-1:123456789012:task:TASKID',
        instanceClass: 'dms.r5.large',
        settings,
      });

      // Act
      await putMetricAlarms(specs);

      // Assess
      expect(cloudWatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 5);
      expect(cloudWatch).toHaveReceivedNthCommandWith(PutMetricAlarmCommand, 5, specs[4] ?? {});
    });
  });

  describe('deleteAlarms', () => {
    it('deletes in batches of at most 100 names and sends nothing for none', async () => {
      // Prepare
      cloudWatch.on(DeleteAlarmsCommand).resolves({});
      const names = Array.from({ length: 205 }, (_, index) => `lakeshift-m-db${index}-cpu-high`);

      // Act
      await deleteAlarms([]);
      await deleteAlarms(names);

      // Assess
      const sizes = cloudWatch
        .commandCalls(DeleteAlarmsCommand)
        .map((call) => call.args[0].input.AlarmNames?.length);
      expect(sizes).toEqual([100, 100, 5]);
    });

    it('deletes the alarms that exist when CloudWatch refuses a batch naming one that does not', async () => {
      // Prepare
      const notFound = Object.assign(new Error('Alarm(s) not found: lakeshift.slot-wal-m-db'), {
        name: 'ResourceNotFound',
      });
      const existing = new Set(['lakeshift-m-db-cpu-high']);
      cloudWatch.on(DeleteAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
        const names = input.AlarmNames ?? [];
        if (names.some((name) => !existing.has(name))) throw notFound;
        for (const name of names) existing.delete(name);
        return {};
      });

      // Act
      await deleteAlarms(['lakeshift-m-db-cpu-high', 'lakeshift.slot-wal-m-db']);

      // Assess
      expect(existing.size).toBe(0);
    });

    it('passes on a fault other than a missing alarm', async () => {
      // Prepare
      cloudWatch
        .on(DeleteAlarmsCommand)
        .rejects(Object.assign(new Error('bad request'), { name: 'InvalidParameterValue' }));

      // Act
      const attempt = deleteAlarms(['lakeshift-m-db-cpu-high']);

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    });
  });

  describe('describeAlarmsByPrefix', () => {
    it('reads every page of metric alarms under the prefix', async () => {
      // Prepare
      cloudWatch
        .on(DescribeAlarmsCommand, { NextToken: undefined })
        .resolves({ MetricAlarms: [{ AlarmName: 'lakeshift-a-cpu-high' }], NextToken: 'next' })
        .on(DescribeAlarmsCommand, { NextToken: 'next' })
        .resolves({ MetricAlarms: [{ AlarmName: 'lakeshift-a-cpu-low' }] });

      // Act
      const alarms = await describeAlarmsByPrefix('lakeshift-a');

      // Assess
      expect(alarms.map((alarm) => alarm.AlarmName)).toEqual(['lakeshift-a-cpu-high', 'lakeshift-a-cpu-low']);
      expect(cloudWatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, {
        AlarmNamePrefix: 'lakeshift-a',
        AlarmTypes: ['MetricAlarm'],
      });
    });
  });

  describe('getResizeMetrics', () => {
    it('turns GetMetricData pages into one series per signal, with the window the policy needs', async () => {
      // Prepare
      const t1 = new Date('2026-03-01T11:58:00.000Z');
      const t2 = new Date('2026-03-01T11:59:00.000Z');
      cloudWatch
        .on(GetMetricDataCommand, { NextToken: undefined })
        .resolves({
          MetricDataResults: [
            { Id: 'cpu_high', Timestamps: [t1], Values: [91] },
            { Id: 'cpu_low', Timestamps: [new Date('2026-03-01T11:50:00.000Z')], Values: [12] },
          ],
          NextToken: 'more',
        })
        .on(GetMetricDataCommand, { NextToken: 'more' })
        .resolves({ MetricDataResults: [{ Id: 'cpu_high', Timestamps: [t2], Values: [94] }] });

      // Act
      const metrics = await getResizeMetrics({
        instanceIdentifier: 'ls-mig-1-orders-ri',
        taskResourceId: 'TASKID',
        settings,
        now: NOW,
      });

      // Assess
      expect(metrics).toEqual({
        'cpu-high': {
          periodSeconds: 60,
          samples: [
            { at: '2026-03-01T11:58:00.000Z', value: 91 },
            { at: '2026-03-01T11:59:00.000Z', value: 94 },
          ],
        },
        'memory-low': { periodSeconds: 60, samples: [] },
        'swap-growth': { periodSeconds: 60, samples: [] },
        'cdc-latency-high': { periodSeconds: 60, samples: [] },
        'cpu-low': { periodSeconds: 300, samples: [{ at: '2026-03-01T11:50:00.000Z', value: 12 }] },
      });
      const request = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
      expect(request?.EndTime).toEqual(new Date(NOW));
      // The quiet window (72 periods of 5 minutes) plus one period.
      expect(request?.StartTime).toEqual(new Date(Date.parse(NOW) - 73 * 300 * 1000));
      expect(request?.MetricDataQueries).toHaveLength(5);
    });

    it('rejects a now that is not an ISO date-time before calling CloudWatch', async () => {
      // Act
      const attempt = getResizeMetrics({
        instanceIdentifier: 'x',
        taskResourceId: 'y',
        settings,
        now: 'soon',
      });

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'InvalidHandlerInput' });
      expect(cloudWatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 0);
    });
  });

  describe('getPeakUsage', () => {
    it('reports the highest CPU and swap, the lowest freeable memory and the cached change rate in a window', async () => {
      // Prepare
      cloudWatch.on(GetMetricDataCommand).resolves({
        MetricDataResults: [
          { Id: 'cpu', Timestamps: [MINUTE_1, MINUTE_2], Values: [40, 73.5] },
          { Id: 'freeable_memory', Timestamps: [MINUTE_1, MINUTE_2], Values: [9e9, 7e9] },
          { Id: 'swap', Timestamps: [MINUTE_1], Values: [1024] },
          { Id: 'cdc_cached', Timestamps: [MINUTE_1, MINUTE_2], Values: [12, 180_000] },
        ],
      });

      // Act
      const reading = await getPeakUsage({
        instanceIdentifier: 'LS-Mig-1-Orders-RI',
        taskResourceId: 'TASKID',
        startTime: '2026-03-01T10:00:00Z',
        endTime: '2026-03-01T11:00:00Z',
        fullLoadSeconds: 1800,
        fullLoadEndTime: '2026-03-01T11:00:00Z',
      });

      // Assess
      expect(reading).toEqual({
        found: true,
        peak: {
          cpuPercent: 73.5,
          freeableMemoryBytes: 7e9,
          swapUsageBytes: 1024,
          // 180,000 changes cached over a 30-minute full load.
          cdcChangesPerSecond: 100,
          startTime: '2026-03-01T10:00:00Z',
          endTime: '2026-03-01T11:00:00Z',
          periodSeconds: 60,
          datapoints: 2,
        },
      });
      expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
        StartTime: new Date('2026-03-01T10:00:00Z'),
        EndTime: new Date('2026-03-01T11:00:00Z'),
      });
      const queries = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries;
      expect(queries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
        { Name: 'ReplicationInstanceIdentifier', Value: 'ls-mig-1-orders-ri' },
      ]);
      expect(queries?.at(-1)?.MetricStat?.Metric).toMatchObject({
        MetricName: 'CDCIncomingChanges',
        Dimensions: [
          { Name: 'ReplicationInstanceIdentifier', Value: 'ls-mig-1-orders-ri' },
          { Name: 'ReplicationTaskIdentifier', Value: 'TASKID' },
        ],
      });
    });

    it('says which metrics are missing when the instance published none in the window', async () => {
      // Prepare
      cloudWatch
        .on(GetMetricDataCommand)
        .resolves({ MetricDataResults: [{ Id: 'cpu', Timestamps: [], Values: [] }] });

      // Act
      const reading = await getPeakUsage({
        instanceIdentifier: 'X-RI',
        startTime: NOW,
        endTime: NOW,
        fullLoadSeconds: 60,
        fullLoadEndTime: NOW,
      });

      // Assess
      expect(reading).toEqual({
        found: false,
        why: `CloudWatch holds no CPUUtilization or FreeableMemory datapoints for x-ri between ${NOW} and ${NOW}`,
        startTime: NOW,
        endTime: NOW,
      });
    });
  });
});
