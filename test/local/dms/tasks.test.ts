import {
  CreateReplicationTaskCommand,
  DeleteReplicationTaskCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  InvalidResourceStateFault,
  ModifyReplicationInstanceCommand,
  ModifyReplicationTaskCommand,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DMS_EVENT_IDS, DMS_TASK_EVENT_TYPES, parseStopReason } from '#contracts/events';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  ALL_TABLES,
  assertedLater,
  availableInstance,
  createInstance,
  createSourceAndTarget,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const STOP_AFTER_CACHED = { FullLoadSettings: { StopTaskCachedChangesApplied: true } };

const start = (taskArn: string, type?: 'start-replication' | 'resume-processing' | 'reload-target') =>
  startTask(harness, taskArn, type);

const describeTask = async (taskArn: string) => {
  const answer = await harness.client.send(
    new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] }),
  );
  const [task] = answer.ReplicationTasks ?? [];
  if (!task) throw new Error('task missing');
  return task;
};

const tables = async (taskArn: string) =>
  (await harness.client.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn })))
    .TableStatistics ?? [];

/** Starts the task and lets it run through start-up, the 20-second full load and the cached changes. */
const runFullLoad = async (taskArn: string) => {
  await start(taskArn);
  await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
};

const taskEvents = () =>
  harness.events
    .filter((event) => event.detail.type === 'REPLICATION_TASK')
    .map((event) => [event.detail.eventType, event.detail.detailMessage]);

describe('CreateReplicationTask', () => {
  it('creates the task in creating, then ready with the created event, settings default-filled', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const instanceArn = await availableInstance(harness, 'one-rep');
    const { source, target } = await createSourceAndTarget(harness, 'one');

    // Act
    const created = await harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'One-Task',
        SourceEndpointArn: source.EndpointArn,
        TargetEndpointArn: target.EndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load-and-cdc',
        TableMappings: ALL_TABLES,
        ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { MaxFullLoadSubTasks: 4 } }),
      }),
    );
    await harness.advance(DEFAULT_DURATIONS.taskCreate);
    const task = await describeTask(created.ReplicationTask?.ReplicationTaskArn ?? '');

    // Assess
    expect(created.ReplicationTask).toMatchObject({
      ReplicationTaskIdentifier: 'one-task',
      Status: 'creating',
    });
    expect(created.ReplicationTask?.ReplicationTaskArn).toMatch(
      /^arn:aws:dms:us-east-1:000000000000:task:[A-Z2-7]{26}$/,
    );
    expect(task.Status).toBe('ready');
    const settings = JSON.parse(task.ReplicationTaskSettings ?? '{}');
    expect(settings.FullLoadSettings).toMatchObject({
      MaxFullLoadSubTasks: 4,
      TargetTablePrepMode: 'DO_NOTHING',
      CommitRate: 10000,
      StopTaskCachedChangesApplied: false,
    });
    expect(settings.ErrorBehavior.RecoverableErrorCount).toBe(-1);
    expect(taskEvents()).toEqual([[DMS_TASK_EVENT_TYPES.created, 'The replication task has been created.']]);
  });

  it.each([
    ['a table mapping that is not JSON', { TableMappings: 'rules' }, 'Invalid Table Mappings document'],
    [
      'a table mapping with no selection rule',
      { TableMappings: '{"rules":[]}' },
      'Invalid Table Mappings document',
    ],
    [
      'CloudWatch log names in the settings',
      { ReplicationTaskSettings: '{"Logging":{"CloudWatchLogGroup":"x"}}' },
      'Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create.',
    ],
    [
      'a start time for a PostgreSQL source',
      { CdcStartTime: new Date('2026-01-01T00:00:00Z') },
      'CdcStartTime is not supported for PostgreSQL sources',
    ],
    [
      'both CDC start options',
      { CdcStartTime: new Date('2026-01-01T00:00:00Z'), CdcStartPosition: '0/16B3748' },
      'Specify either CdcStartTime or CdcStartPosition, not both',
    ],
  ])('rejects %s and creates nothing', async (_, override, message) => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const instanceArn = await availableInstance(harness, 'one-rep');
    const { source, target } = await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'one-task',
        SourceEndpointArn: source.EndpointArn,
        TargetEndpointArn: target.EndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load-and-cdc',
        TableMappings: ALL_TABLES,
        ...override,
      }),
    );

    // Assess
    await expect(attempt).rejects.toThrow(message);
    expect(harness.emulator.snapshot().tasks).toEqual({});
  });

  it('rejects a target endpoint given as the source', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const instanceArn = await availableInstance(harness, 'one-rep');
    const { target } = await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'one-task',
        SourceEndpointArn: target.EndpointArn,
        TargetEndpointArn: target.EndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load',
        TableMappings: ALL_TABLES,
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: `SourceEndpointArn ${target.EndpointArn} is not a source endpoint`,
    });
  });

  it('refuses a task on an instance that is still being created', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { ReplicationInstanceArn: instanceArn } = await createInstance(harness, 'one-rep');
    const { source, target } = await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'one-task',
        SourceEndpointArn: source.EndpointArn,
        TargetEndpointArn: target.EndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load',
        TableMappings: ALL_TABLES,
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });

  it('enforces the tasks-per-instance quota', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload, quotas: { tasksPerInstance: 1 } });
    const { instanceArn, task } = await readyTask(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'two-task',
        SourceEndpointArn: task.SourceEndpointArn,
        TargetEndpointArn: task.TargetEndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load',
        TableMappings: ALL_TABLES,
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ResourceQuotaExceededFault);
  });
});

describe('StartReplicationTask', () => {
  it.each(['resume-processing', 'reload-target'] as const)('refuses %s on the first run', async (type) => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = start(taskArn, type);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
    await expect(attempt).rejects.toThrow('valid only for tasks that have run before');
    expect((await describeTask(taskArn)).Status).toBe('ready');
  });

  it('runs the full load and stops after the cached changes with STOPPED_AFTER_CACHED_EVENTS', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { settings: STOP_AFTER_CACHED });
    harness.events.length = 0;

    // Act
    const started = await start(taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart - 1);
    const starting = await describeTask(taskArn);
    await harness.advance(1);
    const running = await describeTask(taskArn);
    await harness.advance(60_000);
    const stopped = await describeTask(taskArn);

    // Assess
    expect(started.ReplicationTask?.Status).toBe('starting');
    expect(starting.Status).toBe('starting');
    expect(running.Status).toBe('running');
    expect(stopped).toMatchObject({
      Status: 'stopped',
      StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
    });
    expect(stopped.ReplicationTaskStats).toMatchObject({
      FullLoadProgressPercent: 100,
      TablesLoaded: 2,
      TablesLoading: 0,
      TablesQueued: 0,
      TablesErrored: 0,
    });
    expect(stopped.ReplicationTaskStats?.FullLoadFinishDate).toBeInstanceOf(Date);
    expect(stopped.RecoveryCheckpoint).toMatch(/^checkpoint:V1#1#[0-9A-F]{8}\/[0-9A-F]{8}#0#0#\*#0#0$/);
    expect(taskEvents()).toEqual([
      [DMS_TASK_EVENT_TYPES.started, 'Replication task started, with flag = fresh start'],
      // Terse by default, as captured payloads read: the stop reason is StopReason's, not the message's.
      [DMS_TASK_EVENT_TYPES.stopped, 'Replication task has stopped.'],
    ]);
    expect(harness.events.at(-1)?.detail.eventId).toBe(DMS_EVENT_IDS.taskStopped);
    const stats = await tables(taskArn);
    expect(stats.map((table) => [table.TableName, table.TableState, table.FullLoadRows])).toEqual([
      ['orders', 'Table completed', 100_000],
      ['customers', 'Table completed', 20_000],
    ]);
  });

  it('resumes after the stop with resume-processing, refuses start-replication, and catches up the changes', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { settings: STOP_AFTER_CACHED });
    await runFullLoad(taskArn);
    const stoppedAt = (await describeTask(taskArn)).ReplicationTaskStats?.StopDate?.getTime() ?? 0;
    const insertsAtStop = (await tables(taskArn)).reduce((sum, table) => sum + (table.Inserts ?? 0), 0);

    // Act
    const restart = assertedLater(start(taskArn, 'start-replication'));
    await start(taskArn, 'resume-processing');
    await harness.advance(DEFAULT_DURATIONS.taskStart + 10 * 60_000);
    const running = await describeTask(taskArn);
    const insertsInCdc = (await tables(taskArn)).reduce((sum, table) => sum + (table.Inserts ?? 0), 0);

    // Assess
    await expect(restart).rejects.toThrow(
      'Start Type : START_REPLICATION, valid only for tasks running for the first time',
    );
    expect(running.Status).toBe('running');
    // The source changes 2 times a second, 60 % inserts, stopped or not: all of it is applied by now, give or take
    // the one 5-second simulation step (6 inserts) in progress.
    const expected = ((harness.clock.now() - stoppedAt) / 1000) * 2 * 0.6;
    expect(Math.abs(insertsInCdc - insertsAtStop - expected)).toBeLessThanOrEqual(6);
    expect(harness.events.at(-1)?.detail.detailMessage).toBe(
      'Replication task started, with flag = resume processing',
    );
  });

  it('stops a running task through stopping with Stop Reason NORMAL, in the message when events carry the reason', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload, taskStopEvents: 'with-stop-reason' });
    const { taskArn } = await readyTask(harness, 'one');
    await runFullLoad(taskArn);

    // Act
    const stopping = await harness.client.send(
      new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }),
    );
    await harness.advance(DEFAULT_DURATIONS.taskStop);
    const stopped = await describeTask(taskArn);

    // Assess
    expect(stopping.ReplicationTask?.Status).toBe('stopping');
    expect(stopped).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' });
    expect(parseStopReason(harness.events.at(-1)?.detail.detailMessage)).toBe('NORMAL');
  });

  it('names the event id eventName instead of eventId when told to, as the AWS sample event does', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload, eventIdField: 'eventName' });
    const { taskArn } = await readyTask(harness, 'one');
    await runFullLoad(taskArn);

    // Act
    await harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await harness.advance(DEFAULT_DURATIONS.taskStop);

    // Assess
    expect(harness.events.at(-1)?.detail).toMatchObject({
      eventName: DMS_EVENT_IDS.taskStopped,
      detailMessage: 'Replication task has stopped.',
    });
    expect(harness.events.at(-1)?.detail.eventId).toBeUndefined();
  });

  it('names the CloudWatch log group and stream when a task with logging starts', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { settings: { Logging: { EnableLogging: true } } });

    // Act
    await start(taskArn);
    const logging = JSON.parse((await describeTask(taskArn)).ReplicationTaskSettings ?? '{}').Logging;

    // Assess
    expect(logging).toMatchObject({
      EnableLogging: true,
      CloudWatchLogGroup: 'dms-tasks-one-rep',
      CloudWatchLogStream: `dms-task-${taskArn.split(':').pop()}`,
    });
  });

  it('stops a full-load task with FULL_LOAD_ONLY_FINISHED', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { migrationType: 'full-load' });

    // Act
    await runFullLoad(taskArn);

    // Assess
    expect(await describeTask(taskArn)).toMatchObject({
      Status: 'stopped',
      StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED',
    });
  });

  it('stops before applying cached changes with STOPPED_AFTER_FULL_LOAD', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', {
      settings: { FullLoadSettings: { StopTaskCachedChangesNotApplied: true } },
    });

    // Act
    await runFullLoad(taskArn);

    // Assess
    expect((await describeTask(taskArn)).StopReason).toBe('Stop Reason STOPPED_AFTER_FULL_LOAD');
  });

  it('reloads everything with reload-target, setting a new fresh start date', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { migrationType: 'full-load' });
    await runFullLoad(taskArn);
    const first = await describeTask(taskArn);

    // Act
    await start(taskArn, 'reload-target');
    await harness.advance(DEFAULT_DURATIONS.taskStart + 5_000);
    const loading = await describeTask(taskArn);
    await harness.advance(60_000);
    const done = await describeTask(taskArn);

    // Assess
    expect(loading.ReplicationTaskStats?.FreshStartDate?.getTime()).toBeGreaterThan(
      first.ReplicationTaskStats?.FreshStartDate?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    expect(loading.ReplicationTaskStats?.FullLoadProgressPercent).toBeLessThan(100);
    expect(done.StopReason).toBe('Stop Reason FULL_LOAD_ONLY_FINISHED');
  });

  it('refuses to start a task whose instance is modifying', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn, instanceArn } = await readyTask(harness, 'one');
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: instanceArn,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      }),
    );

    // Act
    const attempt = start(taskArn);

    // Assess
    await expect(attempt).rejects.toThrow('is not available (current state: modifying)');
  });
});

describe('instance changes under a running task', () => {
  it('pauses a task in CDC during a class change and resumes it on its own', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn, instanceArn } = await readyTask(harness, 'one');
    await runFullLoad(taskArn);
    harness.events.length = 0;

    // Act
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: instanceArn,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      }),
    );
    await harness.advance(DEFAULT_DURATIONS.instanceClassChange);
    const before = (await tables(taskArn)).reduce((sum, table) => sum + (table.Inserts ?? 0), 0);
    await harness.advance(5 * 60_000);
    const after = (await tables(taskArn)).reduce((sum, table) => sum + (table.Inserts ?? 0), 0);

    // Assess
    expect((await describeTask(taskArn)).Status).toBe('running');
    expect(after).toBeGreaterThan(before);
    expect(taskEvents()).toEqual([
      [DMS_TASK_EVENT_TYPES.started, 'Replication task started, with flag = resume processing'],
    ]);
  });

  it('fails a task still loading tables with RECOVERABLE_ERROR when the instance reboots', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn, instanceArn } = await readyTask(harness, 'one');
    await start(taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 10_000);

    // Act
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: instanceArn,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      }),
    );
    const task = await describeTask(taskArn);

    // Assess
    expect(task.Status).toBe('failed');
    expect(parseStopReason(task.StopReason)).toBe('RECOVERABLE_ERROR');
    expect(task.LastFailureMessage).toMatch(
      /^Last Error Replication instance one-rep was modified .* Stop Reason RECOVERABLE_ERROR Error Level RECOVERABLE$/,
    );
    expect((await tables(taskArn)).find((table) => table.TableName === 'orders')?.TableState).toBe(
      'Table error',
    );
  });
});

describe('ModifyReplicationTask', () => {
  it('refuses to modify a running task with the DMS message', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await runFullLoad(taskArn);

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationTaskCommand({ ReplicationTaskArn: taskArn, ReplicationTaskSettings: '{}' }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
    await expect(attempt).rejects.toThrow(
      'Replication Task, excluding logging severity task settings, cannot be modified while it is running state',
    );
  });

  it('modifies a stopped task through modifying, merging the settings and announcing the change', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { settings: STOP_AFTER_CACHED });
    await runFullLoad(taskArn);

    // Act
    const answer = await harness.client.send(
      new ModifyReplicationTaskCommand({
        ReplicationTaskArn: taskArn,
        ReplicationTaskSettings: JSON.stringify({ FullLoadSettings: { CommitRate: 20000 } }),
      }),
    );
    await harness.advance(DEFAULT_DURATIONS.taskModify);
    const task = await describeTask(taskArn);

    // Assess
    expect(answer.ReplicationTask?.Status).toBe('modifying');
    expect(task.Status).toBe('stopped');
    expect(JSON.parse(task.ReplicationTaskSettings ?? '{}').FullLoadSettings).toMatchObject({
      CommitRate: 20000,
      StopTaskCachedChangesApplied: true,
    });
    expect(harness.events.at(-1)?.detail).toMatchObject({ eventId: DMS_EVENT_IDS.taskModified });
  });

  it('refuses to change the migration type', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationTaskCommand({ ReplicationTaskArn: taskArn, MigrationType: 'cdc' }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});

describe('DeleteReplicationTask', () => {
  it('refuses to delete a running task', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await runFullLoad(taskArn);

    // Act
    const attempt = harness.client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));

    // Assess
    await expect(attempt).rejects.toThrow('cannot be deleted in state running; stop the task first');
  });

  it('deletes a stopped task through deleting, after which Describe answers ResourceNotFoundFault', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { migrationType: 'full-load' });
    await runFullLoad(taskArn);

    // Act
    const answer = await harness.client.send(
      new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }),
    );
    await harness.advance(DEFAULT_DURATIONS.taskDelete);

    // Assess
    expect(answer.ReplicationTask?.Status).toBe('deleting');
    await expect(describeTask(taskArn)).rejects.toBeInstanceOf(ResourceNotFoundFault);
    expect(harness.events.at(-1)?.detail).toMatchObject({
      eventType: DMS_TASK_EVENT_TYPES.deleted,
      eventId: DMS_EVENT_IDS.taskDeleted,
    });
  });
});

describe('DescribeReplicationTasks and DescribeTableStatistics', () => {
  it('drops the settings documents with WithoutSettings', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    await readyTask(harness, 'one');

    // Act
    const answer = await harness.client.send(new DescribeReplicationTasksCommand({ WithoutSettings: true }));

    // Assess
    expect(answer.ReplicationTasks?.[0]?.ReplicationTaskSettings).toBeUndefined();
    expect(answer.ReplicationTasks?.[0]?.TableMappings).toBeUndefined();
    expect(answer.ReplicationTasks?.[0]?.Status).toBe('ready');
  });

  it('filters table statistics by table name and state', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await start(taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 10_000);

    // Act
    const loading = await harness.client.send(
      new DescribeTableStatisticsCommand({
        ReplicationTaskArn: taskArn,
        Filters: [{ Name: 'table-state', Values: ['Full load'] }],
      }),
    );
    const customers = await harness.client.send(
      new DescribeTableStatisticsCommand({
        ReplicationTaskArn: taskArn,
        Filters: [{ Name: 'table-name', Values: ['customers'] }],
        MaxRecords: 500,
      }),
    );

    // Assess
    expect(loading.TableStatistics?.map((table) => table.TableName)).toEqual(['orders']);
    expect(customers.TableStatistics?.map((table) => [table.TableName, table.TableState])).toEqual([
      ['customers', 'Table completed'],
    ]);
  });
});
