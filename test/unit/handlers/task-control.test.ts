import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  InvalidResourceStateFault,
  ModifyReplicationInstanceCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import {
  instance,
  instanceArnOf,
  NOW,
  planFor,
  ranTask,
  task,
  taskArnOf,
  useHandlerWorld,
} from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const busy = () => new InvalidResourceStateFault({ message: 'resource is busy', $metadata: {} });
const KEY = { migrationId: 'mig', databaseId: 'orders' };
const TASK_ARN = taskArnOf('orders');

/** The database the handlers act for, in CDC; one being torn down for the refusals. */
const TORN_DOWN_KEY = { migrationId: 'mig-gone', databaseId: 'orders' };
beforeAll(async () => {
  await world.seed(planFor(KEY.migrationId, KEY.databaseId), 'CDC');
  await world.seed(planFor(TORN_DOWN_KEY.migrationId, TORN_DOWN_KEY.databaseId), 'TEARING_DOWN');
});
beforeEach(() => {
  dms.reset();
  dms.on(StartReplicationTaskCommand).resolves({ ReplicationTask: task({ Status: 'starting' }) });
  dms.on(StopReplicationTaskCommand).resolves({ ReplicationTask: task({ Status: 'stopping' }) });
});

describe('Handler: start-task', () => {
  const start = () => invokeHandler('start-task', { ...KEY, taskArn: TASK_ARN, now: NOW });

  it('starts a task that never ran with start-replication', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: 'ready' })] });
    // Act
    const result = await start();
    // Assess
    expect(result).toEqual({ taskArn: TASK_ARN, startType: 'start-replication', status: 'starting' });
    expect(dms).toHaveReceivedCommandWith(StartReplicationTaskCommand, {
      ReplicationTaskArn: TASK_ARN,
      StartReplicationTaskType: 'start-replication',
    });
  });

  it('resumes a task that ran before with resume-processing (never start-replication again)', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        ranTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }),
      ],
    });
    // Act
    const result = await start();
    // Assess
    expect(result).toMatchObject({ startType: 'resume-processing' });
    expect(dms).toHaveReceivedCommandWith(StartReplicationTaskCommand, {
      StartReplicationTaskType: 'resume-processing',
    });
  });

  it('leaves a running task alone, so a retried state does not fail', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [ranTask({ Status: 'running' })] });
    // Act
    const result = await start();
    // Assess
    expect(result).toEqual({ taskArn: TASK_ARN, startType: 'none', status: 'running' });
    expect(dms).not.toHaveReceivedCommand(StartReplicationTaskCommand);
  });

  it("at an attempt's start, leaves a task stopped after its full load for the step-down to resume", async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        ranTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }),
      ],
    });
    // Act
    const result = await invokeHandler('start-task', {
      ...KEY,
      taskArn: TASK_ARN,
      stage: 'attempt',
      now: NOW,
    });
    // Assess
    expect(result).toEqual({ taskArn: TASK_ARN, startType: 'none', status: 'stopped', fullLoadDone: true });
    expect(dms).not.toHaveReceivedCommand(StartReplicationTaskCommand);
  });

  it("at an attempt's start, starts a task that never ran and says its full load is still to come", async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: 'ready' })] });
    // Act
    const result = await invokeHandler('start-task', {
      ...KEY,
      taskArn: TASK_ARN,
      stage: 'attempt',
      now: NOW,
    });
    // Assess
    expect(result).toEqual({
      taskArn: TASK_ARN,
      startType: 'start-replication',
      status: 'starting',
      fullLoadDone: false,
    });
  });

  it('refuses to start the task of a database being torn down: a resize must not undo its stop', async () => {
    // Act
    const attempt = invokeHandler('start-task', { ...TORN_DOWN_KEY, taskArn: TASK_ARN, now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
    expect(dms).not.toHaveReceivedAnyCommand();
  });

  it('reports a task in the middle of a transition as ResourceBusy (retried by the state machine)', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: 'creating' })] });
    // Act
    const attempt = start();
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });
});

describe('Handler: stop-task', () => {
  const stop = (taskArn: string | null = TASK_ARN) =>
    invokeHandler('stop-task', { ...KEY, taskArn, now: NOW });

  it('stops a running task', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [ranTask({ Status: 'running' })] });
    // Act
    const result = await stop();
    // Assess
    expect(result).toEqual({ taskArn: TASK_ARN, stopping: true, status: 'stopping' });
    expect(dms).toHaveReceivedCommandWith(StopReplicationTaskCommand, { ReplicationTaskArn: TASK_ARN });
  });

  it.each(['stopped', 'failed', 'ready', 'stopping'])(
    'has nothing to do for a task that is %s',
    async (status) => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: status })] });
      // Act
      const result = await stop();
      // Assess
      expect(result).toEqual({ taskArn: TASK_ARN, stopping: false, status });
      expect(dms).not.toHaveReceivedCommand(StopReplicationTaskCommand);
    },
  );

  it('has nothing to do for a task that was never created', async () => {
    // Act
    const result = await stop(null);
    // Assess
    expect(result).toEqual({ taskArn: null, stopping: false, status: 'never created' });
    expect(dms).not.toHaveReceivedAnyCommand();
  });

  it('reports a starting task as ResourceBusy', async () => {
    // Prepare
    dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: 'starting' })] });
    // Act
    const attempt = stop();
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });
});

describe('Handler: modify-instance', () => {
  const modify = (instanceClass: string) =>
    invokeHandler('modify-instance', {
      ...KEY,
      instanceArn: instanceArnOf('orders'),
      instanceClass,
      now: NOW,
    });

  it('changes the class with ApplyImmediately, or DMS would wait for the maintenance window', async () => {
    // Prepare
    dms.on(ModifyReplicationInstanceCommand).resolves({
      ReplicationInstance: instance({ ReplicationInstanceStatus: 'modifying' }),
    });
    // Act
    const result = await modify('dms.r5.large');
    // Assess
    expect(result).toEqual({
      instanceArn: instanceArnOf('orders'),
      instanceClass: 'dms.r5.large',
      status: 'modifying',
    });
    expect(dms).toHaveReceivedCommandWith(ModifyReplicationInstanceCommand, {
      ReplicationInstanceArn: instanceArnOf('orders'),
      ReplicationInstanceClass: 'dms.r5.large',
      ApplyImmediately: true,
    });
  });

  it('refuses to change the class of a database being torn down', async () => {
    // Act
    const attempt = invokeHandler('modify-instance', {
      ...TORN_DOWN_KEY,
      instanceArn: instanceArnOf('orders'),
      instanceClass: 'dms.r5.large',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
    expect(dms).not.toHaveReceivedAnyCommand();
  });

  it('reports a busy instance as ResourceBusy', async () => {
    // Prepare
    dms.on(ModifyReplicationInstanceCommand).rejects(busy());
    // Act
    const attempt = modify('dms.r5.large');
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });

  it('refuses a class DMS does not have, before calling DMS', async () => {
    // Act
    const attempt = modify('dms.r5.huge');
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.invalidInput,
      message: 'Invalid handler input: instanceClass: must be a known DMS instance class, e.g. dms.r5.large',
    });
    expect(dms).not.toHaveReceivedAnyCommand();
  });
});
