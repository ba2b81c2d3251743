import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  type ReplicationTask,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { heartbeatsWithoutDms, planReconciliation } from '#domain/reconciliation';
import type { RegistryItem } from '#domain/registry-item';
import { invokeHandler } from '#test/lambda-context';
import { instanceArnOf, keyOf, NOW, planFor, ranTask, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const sfn = mockClient(SFNClient);
const cloudWatch = mockClient(CloudWatchClient);

beforeEach(() => {
  dms.reset();
  cloudWatch.reset();
  cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
  cloudWatch.on(SetAlarmStateCommand).resolves({});
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(SendTaskHeartbeatCommand).resolves({});
  dms.on(StartReplicationTaskCommand).resolves({ ReplicationTask: ranTask({ Status: 'starting' }) });
});

const minutesBefore = (minutes: number) => new Date(Date.parse(NOW) - minutes * 60_000);

/** A registry item as the reconciler reads it (only the fields it looks at matter). */
const item = (databaseId: string, overrides: Partial<RegistryItem> = {}): RegistryItem => ({
  migrationId: 'sweep',
  databaseId,
  phase: 'FULL_LOAD',
  version: 3,
  attempt: 1,
  plan: planFor('sweep', databaseId),
  instanceIdentifier: `${databaseId}-ri`,
  taskArn: taskArnOf(databaseId),
  currentClass: 'dms.r5.xlarge',
  history: [],
  createdAt: NOW,
  updatedAt: NOW,
  phaseChangedAt: NOW,
  ...overrides,
});

const waiting = { taskToken: { token: 'tok', waitingFor: 'full-load', storedAt: NOW } };
const taskOf = (databaseId: string, overrides: Partial<ReplicationTask>) =>
  ranTask({ ReplicationTaskArn: taskArnOf(databaseId), ...overrides });

describe('Function: planReconciliation', () => {
  it('completes a full-load wait whose stop event was lost', () => {
    // Act
    const actions = planReconciliation(
      [item('a', waiting)],
      [
        taskOf('a', {
          Status: 'stopped',
          StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
          ReplicationTaskStats: { StopDate: minutesBefore(3) },
        }),
      ],
      NOW,
    );
    // Assess
    expect(actions).toEqual([
      {
        kind: 'complete-full-load',
        key: { migrationId: 'sweep', databaseId: 'a' },
        token: waiting.taskToken,
        taskArn: taskArnOf('a'),
        stopReason: 'STOPPED_AFTER_CACHED_EVENTS',
        stoppedAt: minutesBefore(3).toISOString(),
      },
    ]);
  });

  it('keeps a live wait alive with a heartbeat while the full load runs', () => {
    // Act
    const actions = planReconciliation([item('a', waiting)], [taskOf('a', { Status: 'running' })], NOW);
    // Assess
    expect(actions).toEqual([
      {
        kind: 'heartbeat',
        key: { migrationId: 'sweep', databaseId: 'a' },
        token: waiting.taskToken,
        progress: { mark: '-/-/-/-', advancedAt: NOW },
      },
    ]);
  });

  it('fails a wait whose task failed fatally', () => {
    // Act
    const actions = planReconciliation(
      [item('a', waiting)],
      [taskOf('a', { Status: 'failed', LastFailureMessage: 'Stop Reason FATAL_ERROR Error Level FATAL' })],
      NOW,
    );
    // Assess
    expect(actions).toEqual([
      {
        kind: 'fail-wait',
        key: { migrationId: 'sweep', databaseId: 'a' },
        token: waiting.taskToken,
        cause: 'Stop Reason FATAL_ERROR Error Level FATAL',
      },
    ]);
  });

  it('resumes a task stopped on a recoverable error only once DMS has given up on it', () => {
    // Prepare
    const recoverable = { Status: 'stopped', StopReason: 'Stop Reason RECOVERABLE_ERROR' };
    // Act
    const recent = planReconciliation(
      [item('a', { phase: 'CDC' })],
      [taskOf('a', { ...recoverable, ReplicationTaskStats: { StopDate: minutesBefore(10) } })],
      NOW,
    );
    const old = planReconciliation(
      [item('a', { phase: 'CDC' })],
      [taskOf('a', { ...recoverable, ReplicationTaskStats: { StopDate: minutesBefore(50) } })],
      NOW,
    );
    // Assess
    expect(recent).toEqual([]);
    expect(old).toEqual([
      {
        kind: 'resume',
        key: { migrationId: 'sweep', databaseId: 'a' },
        taskArn: taskArnOf('a'),
        stoppedAt: minutesBefore(50).toISOString(),
      },
    ]);
  });

  it('reports drift: a task DMS does not know, and CDC that is not running', () => {
    // Act
    const actions = planReconciliation(
      [item('a', { phase: 'CDC' }), item('b', { phase: 'CDC' })],
      [taskOf('b', { Status: 'stopped', StopReason: 'Stop Reason NORMAL' })],
      NOW,
    );
    // Assess
    expect(actions).toEqual([
      {
        kind: 'drift',
        key: { migrationId: 'sweep', databaseId: 'a' },
        issue: `the registry names task ${taskArnOf('a')}, which DMS does not know`,
      },
      {
        kind: 'drift',
        key: { migrationId: 'sweep', databaseId: 'b' },
        issue: 'phase CDC but the task is stopped (NORMAL)',
      },
    ]);
  });

  it('resumes, every sweep, a task a failed resize left stopped, and finishes once it runs', () => {
    // Prepare
    const pending = {
      phase: 'RESIZING' as const,
      instanceArn: instanceArnOf('a'),
      resumePending: { since: minutesBefore(20).toISOString(), error: 'ResourceBusy', cause: 'busy' },
    };
    // Act
    const stopped = planReconciliation(
      [item('a', pending)],
      [taskOf('a', { Status: 'stopped', StopReason: 'Stop Reason NORMAL' })],
      NOW,
    );
    const running = planReconciliation([item('a', pending)], [taskOf('a', { Status: 'running' })], NOW);
    const tearingDown = planReconciliation(
      [item('a', { ...pending, phase: 'TEARING_DOWN' })],
      [taskOf('a', { Status: 'stopped' })],
      NOW,
    );
    // Assess
    expect(stopped).toEqual([
      {
        kind: 'resume',
        key: { migrationId: 'sweep', databaseId: 'a' },
        taskArn: taskArnOf('a'),
        stoppedAt: minutesBefore(20).toISOString(),
      },
    ]);
    expect(running).toEqual([
      {
        kind: 'finish-resume',
        key: { migrationId: 'sweep', databaseId: 'a' },
        instanceArn: instanceArnOf('a'),
      },
    ]);
    expect(tearingDown).toEqual([]);
  });

  it('keeps a full load that still advances alive however long it takes, and fails one that stopped advancing', () => {
    // Prepare
    const loading = (percent: number) =>
      taskOf('a', {
        Status: 'running',
        ReplicationTaskStats: { FullLoadProgressPercent: percent, TablesLoading: 1 },
      });
    const seen = { mark: '40/-/1/-', advancedAt: minutesBefore(90).toISOString() };
    const key = { migrationId: 'sweep', databaseId: 'a' };
    // Act
    const advanced = planReconciliation(
      [item('a', { ...waiting, fullLoadProgress: seen })],
      [loading(41)],
      NOW,
      {
        fullLoadStallMinutes: 60,
      },
    );
    const stalled = planReconciliation(
      [item('a', { ...waiting, fullLoadProgress: seen })],
      [loading(40)],
      NOW,
      {
        fullLoadStallMinutes: 60,
      },
    );
    const patient = planReconciliation(
      [item('a', { ...waiting, fullLoadProgress: seen })],
      [loading(40)],
      NOW,
      {
        fullLoadStallMinutes: 120,
      },
    );
    // Assess
    expect(advanced).toEqual([
      { kind: 'heartbeat', key, token: waiting.taskToken, progress: { mark: '41/-/1/-', advancedAt: NOW } },
    ]);
    expect(stalled).toEqual([
      {
        kind: 'fail-wait',
        key,
        token: waiting.taskToken,
        error: 'FullLoadStalled',
        cause: `the full load has not advanced for 60 minutes (percent/loaded/loading/queued: 40/-/1/-, unchanged since ${seen.advancedAt})`,
      },
    ]);
    expect(patient).toEqual([{ kind: 'heartbeat', key, token: waiting.taskToken }]);
  });

  it('keeps only the full-load waits alive when DMS could not be asked', () => {
    // Prepare
    const items = [
      item('a', waiting),
      item('b'),
      item('c', { ...waiting, resumePending: { since: NOW, error: 'Busy', cause: 'resume refused' } }),
    ];
    // Act
    const actions = heartbeatsWithoutDms(items);
    // Assess
    expect(actions).toEqual([
      { kind: 'heartbeat', key: { migrationId: 'sweep', databaseId: 'a' }, token: waiting.taskToken },
    ]);
  });

  it('has nothing to do for a database without a task yet', () => {
    // Act
    const actions = planReconciliation([item('a', { phase: 'PROVISIONING', taskArn: undefined })], [], NOW);
    // Assess
    expect(actions).toEqual([]);
  });
});

describe('Handler: reconcile', () => {
  it('puts back to OK a CDC alarm left in ALARM for its whole window, and only that one', async () => {
    // Prepare: the plan's defaults give a 15-minute sustained window and a 360-minute quiet window.
    const plan = planFor('sweep-alarms', 'quiet');
    await world.seed(plan, 'CDC');
    const prefix = plan.identifiers.alarmPrefix;
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: `${prefix}-cpu-high`, StateValue: 'ALARM', StateUpdatedTimestamp: minutesBefore(16) },
        { AlarmName: `${prefix}-cpu-low`, StateValue: 'ALARM', StateUpdatedTimestamp: minutesBefore(60) },
        { AlarmName: `${prefix}-memory-low`, StateValue: 'OK', StateUpdatedTimestamp: minutesBefore(600) },
      ],
    });
    // Act
    const result = (await invokeHandler('reconcile', {
      'detail-type': 'Scheduled Event',
      time: NOW,
    })) as { alarmResets: unknown };
    // Assess
    expect(result.alarmResets).toEqual([{ alarmName: `${prefix}-cpu-high`, outcome: 'reset to OK' }]);
    expect(cloudWatch.commandCalls(SetAlarmStateCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ AlarmName: `${prefix}-cpu-high`, StateValue: 'OK' }),
    ]);
  });

  it('puts back to OK a quiet alarm held by a quiet window once that window since the class change is over', async () => {
    // Prepare: changed 361 minutes ago; the quiet alarm went into ALARM 10 minutes after, on the class before's data.
    const plan = planFor('sweep-quiet', 'stepped');
    await world.seed(plan, 'CDC');
    const prefix = plan.identifiers.alarmPrefix;
    const base = { metrics: {}, fromClass: 'dms.r5.large' } as const;
    await world.registry().appendHistory(keyOf(plan), {
      ...base,
      action: 'step-down',
      targetClass: 'dms.r5.large',
      rule: 'step-down-after-full-load',
      reason: 'full load done',
      fromClass: 'dms.r5.xlarge',
      at: minutesBefore(361).toISOString(),
      trigger: { kind: 'full-load-done' },
    });
    await world.registry().appendHistory(keyOf(plan), {
      ...base,
      action: 'stay',
      rule: 'quiet-too-short',
      reason: 'quiet, but dms.r5.large has not run a whole quiet window yet',
      at: minutesBefore(351).toISOString(),
      trigger: { kind: 'alarm', alarmName: `${prefix}-cpu-low`, signal: 'cpu-low' },
    });
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: `${prefix}-cpu-low`, StateValue: 'ALARM', StateUpdatedTimestamp: minutesBefore(351) },
      ],
    });
    // Act
    const result = (await invokeHandler('reconcile', {
      'detail-type': 'Scheduled Event',
      time: NOW,
    })) as { alarmResets: unknown };
    // Assess
    expect(result.alarmResets).toEqual([{ alarmName: `${prefix}-cpu-low`, outcome: 'reset to OK' }]);
    expect(cloudWatch.commandCalls(SetAlarmStateCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({ AlarmName: `${prefix}-cpu-low`, StateValue: 'OK' }),
    ]);
  });

  it('describes every task in one call, then completes, keeps alive and resumes what needs it', async () => {
    // Prepare
    const stoppedPlan = planFor('sweep-1', 'done');
    const runningPlan = planFor('sweep-1', 'busy');
    const cdcPlan = planFor('sweep-1', 'stuck');
    for (const [plan, phase] of [
      [stoppedPlan, 'FULL_LOAD'],
      [runningPlan, 'FULL_LOAD'],
      [cdcPlan, 'CDC'],
    ] as const) {
      await world.seed(plan, phase);
      await world
        .registry()
        .update(keyOf(plan), { taskArn: taskArnOf(`sweep1${plan.databaseId}`) }, { now: NOW });
    }
    for (const plan of [stoppedPlan, runningPlan]) {
      await world.registry().storeTaskToken(keyOf(plan), {
        token: `token-${plan.databaseId}`,
        waitingFor: 'full-load',
        now: NOW,
      });
    }
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        taskOf('sweep1done', {
          Status: 'stopped',
          StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
          ReplicationTaskStats: { StopDate: minutesBefore(2) },
        }),
        taskOf('sweep1busy', { Status: 'running' }),
        taskOf('sweep1stuck', {
          Status: 'stopped',
          StopReason: 'Stop Reason RECOVERABLE_ERROR',
          ReplicationTaskStats: { StopDate: minutesBefore(60) },
        }),
      ],
    });
    // Act
    const result = (await invokeHandler('reconcile', {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: NOW,
      detail: {},
    })) as { checked: number; actions: { databaseId: string; kind: string; outcome?: string }[] };
    // Assess
    expect(dms).toHaveReceivedCommandTimes(DescribeReplicationTasksCommand, 1);
    // A scan has no order: compare by database.
    const mine = result.actions
      .filter((action) => ['done', 'busy', 'stuck'].includes(action.databaseId))
      .sort((a, b) => a.databaseId.localeCompare(b.databaseId));
    expect(mine).toEqual([
      { migrationId: 'sweep-1', databaseId: 'busy', kind: 'heartbeat', outcome: 'heartbeat sent' },
      {
        migrationId: 'sweep-1',
        databaseId: 'done',
        kind: 'complete-full-load',
        outcome: 'completed the full-load wait',
      },
      {
        migrationId: 'sweep-1',
        databaseId: 'stuck',
        kind: 'resume',
        outcome: `resumed (stopped since ${minutesBefore(60).toISOString()})`,
      },
    ]);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-done' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'token-busy' });
    expect(dms).toHaveReceivedCommandWith(StartReplicationTaskCommand, {
      ReplicationTaskArn: taskArnOf('sweep1stuck'),
      StartReplicationTaskType: 'resume-processing',
    });
    expect((await world.registry().require(keyOf(stoppedPlan))).taskToken).toBeUndefined();
    expect((await world.registry().require(keyOf(runningPlan))).taskToken?.token).toBe('token-busy');
  });

  it('removes a stored token whose wait Step Functions says has ended', async () => {
    // Prepare
    const plan = planFor('sweep-3', 'ended');
    await world.seed(plan, 'FULL_LOAD');
    await world.registry().update(keyOf(plan), { taskArn: taskArnOf('sweep3ended') }, { now: NOW });
    await world
      .registry()
      .storeTaskToken(keyOf(plan), { token: 'token-ended', waitingFor: 'full-load', now: NOW });
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [taskOf('sweep3ended', { Status: 'running' })],
    });
    sfn
      .on(SendTaskHeartbeatCommand, { taskToken: 'token-ended' })
      .rejects(Object.assign(new Error('timed out'), { name: 'TaskTimedOut', $metadata: {} }));
    // Act
    const result = (await invokeHandler('reconcile', { time: NOW })) as {
      actions: { databaseId: string; outcome?: string }[];
    };
    // Assess
    expect(result.actions.find((action) => action.databaseId === 'ended')).toMatchObject({
      kind: 'heartbeat',
      outcome: 'the wait had ended',
    });
    expect((await world.registry().require(keyOf(plan))).taskToken).toBeUndefined();
  });

  it('still sends the heartbeats when DMS refuses the describe, and reports why', async () => {
    // Prepare
    const plan = planFor('sweep-4', 'loading');
    await world.seed(plan, 'FULL_LOAD');
    await world.registry().update(keyOf(plan), { taskArn: taskArnOf('sweep4loading') }, { now: NOW });
    await world
      .registry()
      .storeTaskToken(keyOf(plan), { token: 'token-loading', waitingFor: 'full-load', now: NOW });
    dms
      .on(DescribeReplicationTasksCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedFault', $metadata: {} }));
    // Act
    const result = (await invokeHandler('reconcile', { time: NOW })) as {
      describeError?: string;
      actions: { databaseId: string; kind: string; outcome?: string }[];
    };
    // Assess
    expect(result.describeError).toBe(
      'AccessDenied: DescribeReplicationTasks failed: AccessDeniedFault: denied',
    );
    expect(result.actions.find((action) => action.databaseId === 'loading')).toMatchObject({
      kind: 'heartbeat',
      outcome: 'heartbeat sent',
    });
    expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'token-loading' });
    expect((await world.registry().require(keyOf(plan))).fullLoadProgress).toBeUndefined();
  });

  it("reports one database's error and goes on with the others", async () => {
    // Prepare
    const plan = planFor('sweep-2', 'lost');
    await world.seed(plan, 'CDC');
    await world.registry().update(keyOf(plan), { taskArn: taskArnOf('sweep2lost') }, { now: NOW });
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        taskOf('sweep2lost', {
          Status: 'stopped',
          StopReason: 'Stop Reason RECOVERABLE_ERROR',
          ReplicationTaskStats: { StopDate: minutesBefore(90) },
        }),
      ],
    });
    dms
      .on(StartReplicationTaskCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedFault', $metadata: {} }));
    // Act
    const result = (await invokeHandler('reconcile', { time: NOW })) as {
      actions: { databaseId: string; error?: string }[];
    };
    // Assess
    expect(result.actions.find((action) => action.databaseId === 'lost')).toMatchObject({
      kind: 'resume',
      error: 'AccessDenied: StartReplicationTask failed: AccessDeniedFault: denied',
    });
  });
});
