import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { DMS_DETAIL_TYPES, DMS_EVENT_SOURCE, LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import type { DatabasePlan } from '#domain/planner/plan';
import { invokeHandler } from '#test/lambda-context';
import { keyOf, LATER, NOW, planFor, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const dms = mockClient(DatabaseMigrationServiceClient);

beforeEach(() => {
  sfn.reset();
  events.reset();
  dms.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

/** A DMS task state-change event as EventBridge delivers it (docs/dms-behaviour.md §3.1). */
const taskEvent = (taskArn: string, detail: Record<string, string>) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': DMS_DETAIL_TYPES.taskStateChange,
  source: DMS_EVENT_SOURCE,
  account: '123456789012',
  time: LATER,
  region: 'us-east-1',
  resources: [taskArn],
  detail: { type: 'REPLICATION_TASK', ...detail },
});

const stoppedAfterFullLoad = (taskArn: string) =>
  taskEvent(taskArn, {
    category: 'StateChange',
    eventType: 'REPLICATION_TASK_STOPPED',
    eventId: 'DMS-EVENT-0079',
    detailMessage: 'Replication task stopped. Stop Reason STOPPED_AFTER_CACHED_EVENTS',
  });

/** A database in FULL_LOAD whose execution waits on `token` (stored the way await-full-load stores it). */
const waitingDatabase = async (
  migrationId: string,
  token = `token-${migrationId}`,
): Promise<DatabasePlan> => {
  const plan = planFor(migrationId);
  await world.seed(plan, 'FULL_LOAD');
  await invokeHandler('await-full-load', {
    taskToken: token,
    ...keyOf(plan),
    taskArn: taskArnOf('orders'),
    now: NOW,
  });
  return plan;
};

/** Every seeded database shares the task ARN of `orders`; a fresh one per test keeps lookups unambiguous. */
const withOwnTask = async (plan: DatabasePlan): Promise<string> => {
  const taskArn = taskArnOf(`${plan.migrationId.replaceAll('-', '')}`);
  await world.registry().update(keyOf(plan), { taskArn }, { now: NOW });
  return taskArn;
};

describe('Handler: await-full-load', () => {
  it('stores the task token in the registry, for the full-load wait', async () => {
    // Act
    const plan = await waitingDatabase('await-1', 'token-abc');
    // Assess
    const item = await world.registry().require(keyOf(plan));
    expect(item.taskToken).toEqual({ token: 'token-abc', waitingFor: 'full-load', storedAt: NOW });
  });

  it('names a missing token', async () => {
    // Act
    const attempt = invokeHandler('await-full-load', {
      migrationId: 'm',
      databaseId: 'd',
      taskArn: taskArnOf('x'),
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toThrow(/^Invalid handler input: taskToken: /);
  });
});

describe('Handler: on-task-event', () => {
  it('completes the full-load wait once the task stopped after its cached changes', async () => {
    // Prepare
    const plan = await waitingDatabase('event-1');
    const taskArn = await withOwnTask(plan);
    // Act
    const result = await invokeHandler('on-task-event', stoppedAfterFullLoad(taskArn));
    // Assess
    expect(result).toMatchObject({ migrationId: 'event-1', action: 'completed' });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: 'token-event-1',
      output: JSON.stringify({
        stopReason: 'STOPPED_AFTER_CACHED_EVENTS',
        taskArn,
        stoppedAt: LATER,
        completedBy: 'task event',
      }),
    });
    expect((await world.registry().require(keyOf(plan))).taskToken).toBeUndefined();
  });

  it.each([
    [
      'eventId, terse message, FULL_LOAD_ONLY_FINISHED',
      'eventId',
      'Replication task stopped',
      'FULL_LOAD_ONLY_FINISHED',
    ],
    [
      'eventName, terse message, STOPPED_AFTER_CACHED_EVENTS',
      'eventName',
      'Replication task has stopped.',
      'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
    ],
  ])(
    'completes the full-load wait from a stop event without a stop reason (%s), reading StopReason from DMS',
    async (_, idField, message, described) => {
      // Prepare
      const plan = await waitingDatabase(`terse-${idField.toLowerCase()}`);
      const taskArn = await withOwnTask(plan);
      dms.on(DescribeReplicationTasksCommand).resolves({
        ReplicationTasks: [{ ReplicationTaskArn: taskArn, Status: 'stopped', StopReason: described }],
      });
      const event = taskEvent(taskArn, {
        category: 'StateChange',
        eventType: 'REPLICATION_TASK_STOPPED',
        [idField]: 'DMS-EVENT-0079',
        detailMessage: message,
      });
      // Act
      const result = await invokeHandler('on-task-event', event);
      // Assess
      expect(result).toMatchObject({ action: 'completed' });
      expect(dms).toHaveReceivedCommandWith(DescribeReplicationTasksCommand, {
        Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
      });
      expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    },
  );

  it('leaves the wait alone when a terse stop event belongs to a task stopped by request', async () => {
    // Prepare
    const plan = await waitingDatabase('terse-normal');
    const taskArn = await withOwnTask(plan);
    dms.on(DescribeReplicationTasksCommand).resolves({
      ReplicationTasks: [
        { ReplicationTaskArn: taskArn, Status: 'stopped', StopReason: 'Stop Reason NORMAL' },
      ],
    });
    // Act
    const result = await invokeHandler(
      'on-task-event',
      taskEvent(taskArn, {
        eventType: 'REPLICATION_TASK_STOPPED',
        eventName: 'DMS-EVENT-0079',
        detailMessage: 'Replication task stopped',
      }),
    );
    // Assess
    expect(result).toMatchObject({ action: 'ignored' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('is harmless when the same event arrives twice: the token is taken once', async () => {
    // Prepare
    const plan = await waitingDatabase('event-2');
    const taskArn = await withOwnTask(plan);
    await invokeHandler('on-task-event', stoppedAfterFullLoad(taskArn));
    // Act
    const duplicate = await invokeHandler('on-task-event', stoppedAfterFullLoad(taskArn));
    // Assess
    expect(duplicate).toMatchObject({
      action: 'ignored',
      reason: 'no execution is waiting for this full load',
    });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('ignores tasks lakeshift does not manage', async () => {
    // Act
    const result = await invokeHandler('on-task-event', stoppedAfterFullLoad(taskArnOf('someoneelses')));
    // Assess
    expect(result).toEqual({ action: 'ignored', reason: 'not a task lakeshift manages' });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('fails the waiting execution and records the failure when the task failed', async () => {
    // Prepare
    const plan = await waitingDatabase('event-3');
    const taskArn = await withOwnTask(plan);
    const message =
      'Last Error  No tables were found at task initialization. Stop Reason FATAL_ERROR Error Level FATAL';
    // Act
    const result = await invokeHandler(
      'on-task-event',
      taskEvent(taskArn, {
        category: 'Failure',
        eventType: 'REPLICATION_TASK_FAILED',
        detailMessage: message,
      }),
    );
    // Assess
    expect(result).toMatchObject({ action: 'failed the waiting execution' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-event-3',
      error: ERROR_NAMES.replicationTaskFailed,
      cause: message,
    });
    const item = await world.registry().require(keyOf(plan));
    expect(item).toMatchObject({
      phase: 'FAILED',
      failure: { error: 'ReplicationTaskFailed', cause: message, phase: 'FULL_LOAD' },
    });
    // The execution's Catch publishes Migration Failed for a failed wait.
    expect(events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('records a failure during CDC, where no execution waits, and publishes Migration Failed', async () => {
    // Prepare
    const plan = planFor('event-4');
    await world.seed(plan, 'CDC');
    const taskArn = await withOwnTask(plan);
    // Act
    const result = await invokeHandler(
      'on-task-event',
      taskEvent(taskArn, { eventType: 'REPLICATION_TASK_FAILED', detailMessage: 'Stop Reason FATAL_ERROR' }),
    );
    // Assess
    expect(result).toMatchObject({ action: 'recorded the failure' });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect((await world.registry().require(keyOf(plan))).phase).toBe('FAILED');
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe(LAKESHIFT_DETAIL_TYPES.migrationFailed);
  });

  it('leaves a recoverable error to DMS, which retries it by itself', async () => {
    // Prepare
    const plan = await waitingDatabase('event-5');
    const taskArn = await withOwnTask(plan);
    // Act
    const result = await invokeHandler(
      'on-task-event',
      taskEvent(taskArn, {
        eventType: 'REPLICATION_TASK_FAILED',
        detailMessage:
          'Last Error  ODBC general error. Stop Reason RECOVERABLE_ERROR Error Level RECOVERABLE',
      }),
    );
    // Assess
    expect(result).toMatchObject({ action: 'left to DMS' });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect((await world.registry().require(keyOf(plan))).taskToken?.token).toBe('token-event-5');
  });

  it('does nothing for a stop it did not ask for (a stop by hand)', async () => {
    // Prepare
    const plan = await waitingDatabase('event-6');
    const taskArn = await withOwnTask(plan);
    // Act
    const result = await invokeHandler(
      'on-task-event',
      taskEvent(taskArn, { eventType: 'REPLICATION_TASK_STOPPED', detailMessage: 'Stop Reason NORMAL' }),
    );
    // Assess
    expect(result).toMatchObject({ action: 'ignored' });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('names what is wrong with an event that is not a DMS task state change', async () => {
    // Act
    const attempt = invokeHandler('on-task-event', {
      ...stoppedAfterFullLoad(taskArnOf('x')),
      source: 'aws.ec2',
      resources: [],
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/source: .*resources\[0\]: /);
  });
});
