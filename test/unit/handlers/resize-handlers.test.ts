import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataResult,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { deriveIdentifiers } from '#domain/naming';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { invokeHandler } from '#test/lambda-context';
import { withValue } from '../domain/request/fixtures.ts';
import {
  alarmStateChange,
  fault,
  keyOf,
  LATER,
  NOW,
  planFor,
  ranTask,
  requestFor,
  taskArnOf,
  useHandlerWorld,
} from './fixtures.ts';

const world = useHandlerWorld();
const cloudWatch = mockClient(CloudWatchClient);
const dms = mockClient(DatabaseMigrationServiceClient);
const events = mockClient(EventBridgeClient);

beforeEach(() => {
  cloudWatch.reset();
  dms.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  cloudWatch.on(PutMetricAlarmCommand).resolves({});
  cloudWatch.on(DeleteAlarmsCommand).resolves({});
  cloudWatch.on(SetAlarmStateCommand).resolves({});
  dms.on(DescribeReplicationInstancesCommand).resolves({ ReplicationInstances: [] });
});

/** `count` one-minute datapoints of `value`, the newest at NOW. */
const series = (id: string, value: number, count: number): MetricDataResult => ({
  Id: id,
  Timestamps: Array.from(
    { length: count },
    (_, index) => new Date(Date.parse(NOW) - (count - 1 - index) * 60_000),
  ),
  Values: Array.from({ length: count }, () => value),
});

const decisionEvents = () =>
  events
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .filter((entry) => entry.DetailType === LAKESHIFT_DETAIL_TYPES.resizeDecided)
    .map((entry) => JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>);

describe('Handler: decide-resize', () => {
  it('steps down to the steady class after the full load, takes the lock and records the decision', async () => {
    // Prepare
    const plan = planFor('decide-1');
    await world.seed(plan, 'STEPPING_DOWN');
    // Act
    const result = await invokeHandler('decide-resize', { trigger: 'step-down', ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toMatchObject({
      migrationId: 'decide-1',
      act: true,
      action: 'step-down',
      rule: 'step-down-after-full-load',
      fromClass: 'dms.r5.xlarge',
      toClass: 'dms.r5.large',
      lockHolder: `step-down:decide-1/orders@${NOW}`,
    });
    const item = await world.registry().require(keyOf(plan));
    expect(item.lock?.holder).toBe(`step-down:decide-1/orders@${NOW}`);
    expect(item.history).toEqual([
      expect.objectContaining({
        action: 'step-down',
        targetClass: 'dms.r5.large',
        at: NOW,
        trigger: { kind: 'full-load-done' },
      }),
    ]);
    expect(decisionEvents()).toEqual([
      expect.objectContaining({
        migrationId: 'decide-1',
        databaseId: 'orders',
        action: 'step-down',
        targetClass: 'dms.r5.large',
      }),
    ]);
    expect(cloudWatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it("with 'auto' sizes the step-down from the peak seen while the full load and cached changes ran", async () => {
    // Prepare
    const request = withValue(requestFor('decide-2'), 'defaults.resize.steadyClass', 'auto');
    const plan = planFor('decide-2', 'orders', request);
    await world.seed(plan, 'STEPPING_DOWN');
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        ranTask({
          ReplicationTaskStats: {
            FullLoadStartDate: new Date('2026-03-01T11:00:10Z'),
            FullLoadFinishDate: new Date('2026-03-01T12:00:00Z'),
            StopDate: new Date('2026-03-01T12:05:00Z'),
          },
        }),
      ],
    });
    // 10% of 4 vCPU and 30 of 32 GiB free on dms.r5.xlarge: t3.medium (2 vCPU, 4 GiB) covers it with headroom.
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [series('cpu', 10, 20), series('freeable_memory', 30 * 1024 ** 3, 20)],
    });
    // Act
    const result = await invokeHandler('decide-resize', { trigger: 'step-down', ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toMatchObject({ act: true, toClass: 'dms.t3.medium' });
    expect(cloudWatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-03-01T11:00:00Z'),
      EndTime: new Date('2026-03-01T12:06:00Z'),
    });
    const item = await world.registry().require(keyOf(plan));
    expect(item.history[0]?.peak).toMatchObject({ found: true, peak: { cpuPercent: 10, datapoints: 20 } });
  });

  it("with 'auto' and no metrics in the window, steps one rung down and records why", async () => {
    // Prepare
    const request = withValue(requestFor('decide-2b'), 'defaults.resize.steadyClass', 'auto');
    const plan = planFor('decide-2b', 'orders', request);
    await world.seed(plan, 'STEPPING_DOWN');
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        ranTask({
          ReplicationTaskStats: {
            FullLoadStartDate: new Date('2026-03-01T11:00:00Z'),
            StopDate: new Date('2026-03-01T11:50:00Z'),
          },
        }),
      ],
    });
    // Act
    const result = await invokeHandler('decide-resize', { trigger: 'step-down', ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toMatchObject({ act: true, toClass: 'dms.r5.large' });
    const item = await world.registry().require(keyOf(plan));
    expect(item.history[0]?.peak).toMatchObject({ found: false });
    expect(item.history[0]?.reason).toContain(
      'auto without peak metrics (CloudWatch holds no CPUUtilization or FreeableMemory datapoints',
    );
  });

  it('names the class DMS reports for the instance, not the one the registry last recorded', async () => {
    // Prepare: the registry still says dms.r5.xlarge; the instance is on dms.t3.large.
    const plan = planFor('decide-class');
    await world.seed(plan, 'CDC');
    dms
      .on(DescribeReplicationInstancesCommand)
      .resolves({ ReplicationInstances: [{ ReplicationInstanceClass: 'dms.t3.large' }] });
    // Act
    const result = await invokeHandler('decide-resize', {
      trigger: 'manual',
      request: keyOf(plan),
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({ fromClass: 'dms.t3.large' });
    expect(String((result as { reason: unknown }).reason)).not.toContain('dms.r5.xlarge');
  });

  it('steps up on a sustained CPU alarm during CDC, reading the metric windows of the alarm', async () => {
    // Prepare
    const plan = planFor('decide-3');
    const item = await world.seed(plan, 'CDC');
    await world.registry().update(keyOf(plan), { currentClass: 'dms.r5.large' }, { now: NOW });
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('cpu_high', 95, 15)] });
    const alarmName = `${plan.identifiers.alarmPrefix}-cpu-high`;
    // Act
    const result = await invokeHandler('decide-resize', {
      trigger: 'alarm',
      alarm: alarmStateChange(alarmName, item.instanceIdentifier).detail,
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({
      act: true,
      action: 'step-up',
      fromClass: 'dms.r5.large',
      toClass: 'dms.r5.xlarge',
    });
    // The alarm goes back to OK when the resize is done and the alarms are armed again, not while it runs.
    expect(result).toMatchObject({ recorded: true, alarmReset: false });
    expect(cloudWatch).not.toHaveReceivedCommand(SetAlarmStateCommand);
    const history = (await world.registry().require(keyOf(plan))).history;
    expect(history[0]?.trigger).toEqual({ kind: 'alarm', alarmName, signal: 'cpu-high' });
    expect(history[0]?.metrics['cpu-high']).toMatchObject({
      expected: 15,
      fired: true,
      threshold: 80,
      min: 95,
    });
  });

  it('stays, and records why, when another resize holds the lock', async () => {
    // Prepare
    const plan = planFor('decide-4');
    await world.seed(plan, 'CDC');
    await world.registry().acquireResizeLock(keyOf(plan), { holder: 'someone', now: NOW, ttlSeconds: 3600 });
    // Act
    const result = await invokeHandler('decide-resize', {
      trigger: 'manual',
      request: { ...keyOf(plan), targetClass: 'dms.r5.2xlarge' },
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({ act: false, action: 'stay', rule: 'resize-in-flight', lockHolder: null });
    const item = await world.registry().require(keyOf(plan));
    expect(item.lock?.holder).toBe('someone');
    expect(item.history.map((entry) => entry.rule)).toEqual(['resize-in-flight']);
    // Asked by hand: there is no alarm to put back to OK.
    expect(cloudWatch).not.toHaveReceivedCommand(SetAlarmStateCommand);
  });

  it('never resizes during the full load, and records that it stayed', async () => {
    // Prepare
    const plan = planFor('decide-5');
    await world.seed(plan, 'FULL_LOAD');
    // Act
    const result = await invokeHandler('decide-resize', {
      trigger: 'manual',
      request: { ...keyOf(plan), targetClass: 'dms.r5.2xlarge' },
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({ act: false, rule: 'full-load' });
    expect(decisionEvents()).toHaveLength(1);
  });

  it('does nothing for an alarm about an instance lakeshift does not manage', async () => {
    // Act
    const result = await invokeHandler('decide-resize', {
      trigger: 'alarm',
      alarm: alarmStateChange('lakeshift-other-alarm-x-cpu-high', 'not-ours').detail,
      now: NOW,
    });
    // Assess
    expect(result).toEqual({
      act: false,
      action: 'stay',
      reason: 'the alarm is not about an instance lakeshift manages',
    });
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('names an unknown trigger', async () => {
    // Act
    const attempt = invokeHandler('decide-resize', { trigger: 'whim', now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/^Invalid handler input: trigger: /);
  });
});

describe('Handler: decide-resize on an alarm that stays in ALARM', () => {
  const TEN_MINUTES_AGO = '2026-03-01T11:50:00.000Z';

  /** A database in CDC on dms.r5.large, stepped up to it at `changedAt`, whose CPU is high now. */
  const seedBusyDatabase = async (migrationId: string, changedAt = TEN_MINUTES_AGO) => {
    const plan = planFor(migrationId);
    const item = await world.seed(plan, 'CDC');
    await world.registry().update(keyOf(plan), { currentClass: 'dms.r5.large' }, { now: NOW });
    const stepUp: ResizeHistoryEntry = {
      action: 'step-up',
      targetClass: 'dms.r5.large',
      rule: 'step-up',
      reason: 'cpu-high: dms.t3.large → dms.r5.large',
      metrics: {},
      at: changedAt,
      fromClass: 'dms.t3.large',
      trigger: { kind: 'alarm', alarmName: `${plan.identifiers.alarmPrefix}-cpu-high`, signal: 'cpu-high' },
    };
    await world.registry().appendHistory(keyOf(plan), stepUp);
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('cpu_high', 95, 15)] });
    const alarmName = `${plan.identifiers.alarmPrefix}-cpu-high`;
    const decideAt = (now: string) =>
      invokeHandler('decide-resize', {
        trigger: 'alarm',
        alarm: alarmStateChange(alarmName, item.instanceIdentifier, now).detail,
        now,
      });
    return { plan, alarmName, decideAt };
  };

  it('puts the alarm back to OK after a stay in the cooldown, naming the decision in the reason', async () => {
    // Prepare
    const { alarmName, decideAt } = await seedBusyDatabase('level-1');
    // Act
    const result = await decideAt(NOW);
    // Assess
    expect(result).toMatchObject({ act: false, rule: 'cooldown', recorded: true, alarmReset: true });
    expect(cloudWatch).toHaveReceivedCommandTimes(SetAlarmStateCommand, 1);
    expect(cloudWatch).toHaveReceivedCommandWith(SetAlarmStateCommand, {
      AlarmName: alarmName,
      StateValue: 'OK',
      StateReason:
        'lakeshift evaluated: stay (cooldown: cooling down after the last change until 2026-03-01T12:20:00.000Z)',
    });
  });

  it('records a stay that repeats the alarm’s previous one once, and resets the alarm every time', async () => {
    // Prepare
    const { plan, decideAt } = await seedBusyDatabase('level-2');
    // Act
    const first = await decideAt(NOW);
    const second = await decideAt(LATER);
    // Assess
    expect([first, second]).toMatchObject([
      { rule: 'cooldown', recorded: true, alarmReset: true },
      { rule: 'cooldown', recorded: false, alarmReset: true },
    ]);
    const history = (await world.registry().require(keyOf(plan))).history;
    expect(history.map((entry) => [entry.rule, entry.at])).toEqual([
      ['step-up', TEN_MINUTES_AGO],
      ['cooldown', NOW],
    ]);
    expect(decisionEvents().map((event) => event.rule)).toEqual(['cooldown']);
    expect(cloudWatch).toHaveReceivedCommandTimes(SetAlarmStateCommand, 2);
  });

  it('acts once the cooldown is over, and leaves the reset to the re-arm at the end of the resize', async () => {
    // Prepare
    const { decideAt } = await seedBusyDatabase('level-3', '2026-03-01T11:00:00.000Z');
    // Act
    const result = await decideAt(NOW);
    // Assess
    expect(result).toMatchObject({
      act: true,
      action: 'step-up',
      toClass: 'dms.r5.xlarge',
      recorded: true,
      alarmReset: false,
    });
    expect(cloudWatch).not.toHaveReceivedCommand(SetAlarmStateCommand);
  });

  it('leaves the alarm in ALARM when only a new class could change the answer (at the ceiling)', async () => {
    // Prepare
    const { plan, decideAt } = await seedBusyDatabase('level-4', '2026-03-01T11:00:00.000Z');
    await world.registry().update(keyOf(plan), { currentClass: plan.resize.ceiling }, { now: NOW });
    // Act
    const result = await decideAt(NOW);
    // Assess
    expect(result).toMatchObject({ act: false, rule: 'at-ceiling', recorded: true, alarmReset: false });
    expect(cloudWatch).not.toHaveReceivedCommand(SetAlarmStateCommand);
  });

  it('resets the alarm when another execution holds the lock: the lock ends without any other event', async () => {
    // Prepare
    const { plan, alarmName, decideAt } = await seedBusyDatabase('level-5', '2026-03-01T11:00:00.000Z');
    await world.registry().acquireResizeLock(keyOf(plan), { holder: 'someone', now: NOW, ttlSeconds: 3600 });
    // Act
    const result = await decideAt(NOW);
    // Assess
    expect(result).toMatchObject({ act: false, rule: 'resize-in-flight', alarmReset: true });
    expect(cloudWatch).toHaveReceivedCommandWith(SetAlarmStateCommand, {
      AlarmName: alarmName,
      StateValue: 'OK',
    });
  });

  it('still decides when the alarm was deleted in the meantime', async () => {
    // Prepare
    const { plan, decideAt } = await seedBusyDatabase('level-6');
    cloudWatch.on(SetAlarmStateCommand).rejects(fault('ResourceNotFound'));
    // Act
    const result = await decideAt(NOW);
    // Assess
    expect(result).toMatchObject({ act: false, rule: 'cooldown', recorded: true, alarmReset: false });
    expect((await world.registry().require(keyOf(plan))).history.map((entry) => entry.rule)).toEqual([
      'step-up',
      'cooldown',
    ]);
  });
});

describe('Handler: arm-alarms', () => {
  it('arms five alarms with the lower-case instance identifier and the task resource id as dimensions', async () => {
    // Prepare
    const plan = planFor('arm-1');
    const item = await world.seed(plan, 'STEPPING_DOWN');
    // Act
    const result = (await invokeHandler('arm-alarms', {
      ...keyOf(plan),
      instanceClass: 'dms.r5.large',
      now: NOW,
    })) as {
      alarmNames: string[];
    };
    // Assess
    const prefix = plan.identifiers.alarmPrefix;
    expect(result.alarmNames).toEqual(
      ['cpu-high', 'memory-low', 'swap-growth', 'cdc-latency-high', 'cpu-low'].map(
        (signal) => `${prefix}-${signal}`,
      ),
    );
    expect(cloudWatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 5);
    expect(cloudWatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      AlarmName: `${prefix}-cdc-latency-high`,
      Dimensions: [
        { Name: 'ReplicationInstanceIdentifier', Value: item.instanceIdentifier.toLowerCase() },
        { Name: 'ReplicationTaskIdentifier', Value: taskArnOf('orders').split(':').pop() },
      ],
    });
    // The freeable-memory threshold is 10% of the class the instance now runs on (dms.r5.large: 16 GiB).
    expect(cloudWatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      AlarmName: `${prefix}-memory-low`,
      Threshold: Math.round(16 * 1024 ** 3 * 0.1),
    });
  });

  it('puts every alarm back to OK once it is armed again, so that one still in ALARM can fire again', async () => {
    // Prepare
    const plan = planFor('arm-3');
    await world.seed(plan, 'RESIZING');
    // Act
    const result = (await invokeHandler('arm-alarms', {
      ...keyOf(plan),
      instanceClass: 'dms.r5.xlarge',
      now: NOW,
    })) as { alarmNames: string[] };
    // Assess
    expect(cloudWatch).toHaveReceivedCommandTimes(SetAlarmStateCommand, 5);
    for (const [index, alarmName] of result.alarmNames.entries()) {
      expect(cloudWatch).toHaveReceivedNthCommandWith(SetAlarmStateCommand, index + 1, {
        AlarmName: alarmName,
        StateValue: 'OK',
        StateReason: 'lakeshift re-armed the alarms for dms.r5.xlarge: evaluate afresh',
      });
    }
    // Reset only after the upsert: the new thresholds are the ones evaluated afresh.
    const calls = cloudWatch.calls().map((call) => call.args[0].constructor.name);
    expect(calls.lastIndexOf('PutMetricAlarmCommand')).toBeLessThan(calls.indexOf('SetAlarmStateCommand'));
  });

  it('fails with ResourceNotFound for a database without a task', async () => {
    // Prepare
    const plan = planFor('arm-2');
    await world.seed(plan, 'PROVISIONING');
    // Act
    const attempt = invokeHandler('arm-alarms', { ...keyOf(plan), instanceClass: 'dms.r5.large', now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceNotFound });
    expect(cloudWatch).not.toHaveReceivedCommand(PutMetricAlarmCommand);
  });
});

describe('Handler: disarm-alarms', () => {
  it('deletes the five resize alarms and the slot alarm named after the database, whatever the registry holds', async () => {
    // Act
    const result = await invokeHandler('disarm-alarms', {
      migrationId: 'gone',
      databaseId: 'orders',
      now: NOW,
    });
    // Assess
    const prefix = deriveIdentifiers('gone', 'orders').alarmPrefix;
    const names = [
      ...['cpu-high', 'memory-low', 'swap-growth', 'cdc-latency-high', 'cpu-low'].map(
        (signal) => `${prefix}-${signal}`,
      ),
      'lakeshift.slot-wal-gone-orders',
    ];
    expect(result).toEqual({ alarmNames: names });
    expect(cloudWatch).toHaveReceivedCommandWith(DeleteAlarmsCommand, { AlarmNames: names });
  });
});
