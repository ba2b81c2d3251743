import {
  CreateReplicationInstanceCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  InsufficientResourceCapacityFault,
  InvalidResourceStateFault,
  ModifyReplicationInstanceCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DMS_EVENT_IDS, DMS_TASK_EVENT_TYPES, parseStopReason } from '#contracts/events';
import { DEFAULT_DURATIONS, type DmsFaultConfig } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  assertedLater,
  availableInstance,
  createInstance,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const describeCall = () => harness.client.send(new DescribeReplicationInstancesCommand({}));

/** Outcome of each of `count` calls: the error name, or 'ok'. */
const outcomes = async (count: number) => {
  const results: string[] = [];
  for (let index = 0; index < count; index++) {
    try {
      await describeCall();
      results.push('ok');
    } catch (error) {
      results.push((error as Error).name);
    }
  }
  return results;
};

const task = async (taskArn: string) =>
  (
    await harness.client.send(
      new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] }),
    )
  ).ReplicationTasks?.[0];

describe('throttling', () => {
  it('throttles once the token bucket is empty and recovers as the emulated clock refills it', async () => {
    // Prepare
    harness = await startHarness({ faults: { throttleBucket: { capacity: 5, refillPerSecond: 4 } } });

    // Act
    const burst = await outcomes(6);
    await harness.advance(500);
    const afterHalfSecond = await outcomes(3);

    // Assess
    expect(burst).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ThrottlingException']);
    expect(afterHalfSecond).toEqual(['ok', 'ok', 'ThrottlingException']);
  });

  it("uses DMS's bucket of 100 tokens when asked for the default", async () => {
    // Prepare
    harness = await startHarness({ faults: { throttleBucket: true } });

    // Act
    const results = await outcomes(101);

    // Assess
    expect(results.filter((result) => result === 'ok')).toHaveLength(100);
    expect(results.at(-1)).toBe('ThrottlingException');
  });

  it('throttles a share of calls at random, identically for the same seed', async () => {
    // Prepare
    const faults: DmsFaultConfig = { seed: 7, api: [{ fault: 'throttling', probability: 0.3 }] };
    harness = await startHarness({ faults });
    const first = await outcomes(40);
    harness.emulator.configureFaults(faults);

    // Act
    const second = await outcomes(40);

    // Assess
    expect(second).toEqual(first);
    expect(first.filter((result) => result === 'ThrottlingException').length).toBeGreaterThan(4);
    expect(first.filter((result) => result === 'ok').length).toBeGreaterThan(20);
  });
});

describe('server errors', () => {
  it('answers 500 InternalFailure and 503 ServiceUnavailable as server faults on the chosen calls', async () => {
    // Prepare
    harness = await startHarness({
      faults: {
        api: [
          { fault: 'server-error', operations: ['DescribeReplicationInstances'], nth: [2] },
          { fault: 'unavailable', operations: ['DescribeReplicationInstances'], nth: [3] },
        ],
      },
    });

    // Act
    await describeCall();
    const second = await describeCall().catch((error: unknown) => error);
    const third = await describeCall().catch((error: unknown) => error);
    const fourth = await describeCall();

    // Assess
    expect(second).toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(third).toMatchObject({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
    });
    expect(fourth.ReplicationInstances).toEqual([]);
  });
});

describe('busy resources and capacity', () => {
  it('fails the nth call naming a resource with InvalidResourceStateFault', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');
    harness.emulator.configureFaults({
      api: [{ fault: 'busy', operations: ['ModifyReplicationInstance'], resource: 'rep-a', nth: [1] }],
    });
    const modify = () =>
      harness.client.send(
        new ModifyReplicationInstanceCommand({
          ReplicationInstanceArn: arn,
          ReplicationInstanceClass: 'dms.r5.large',
          ApplyImmediately: true,
        }),
      );

    // Act
    const first = assertedLater(modify());
    const second = await modify();

    // Assess
    await expect(first).rejects.toBeInstanceOf(InvalidResourceStateFault);
    expect(second.ReplicationInstance?.ReplicationInstanceStatus).toBe('modifying');
  });

  it('fails instance creation with InsufficientResourceCapacityFault and creates nothing', async () => {
    // Prepare
    harness = await startHarness({ faults: { api: [{ fault: 'insufficient-capacity', times: 1 }] } });

    // Act
    const first = harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'rep-a',
        ReplicationInstanceClass: 'dms.r5.4xlarge',
        AvailabilityZone: 'us-east-1c',
      }),
    );
    await expect(first).rejects.toBeInstanceOf(InsufficientResourceCapacityFault);
    const retry = await createInstance(harness, 'rep-a', 'dms.r5.4xlarge');

    // Assess
    await expect(first).rejects.toThrow(
      'Insufficient capacity for replication instance class dms.r5.4xlarge in us-east-1c',
    );
    expect(retry.ReplicationInstanceStatus).toBe('creating');
    expect(Object.keys(harness.emulator.snapshot().instances)).toHaveLength(1);
  });
});

describe('class changes that never apply', () => {
  const modifyTo = (arn: string, instanceClass: string) =>
    harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: instanceClass,
        ApplyImmediately: true,
      }),
    );
  const instanceNamed = async (identifier: string) =>
    (await describeCall()).ReplicationInstances?.find(
      (instance) => instance.ReplicationInstanceIdentifier === identifier,
    );

  it('keeps the instance modifying for good, or available with the class pending, once each', async () => {
    // Prepare
    harness = await startHarness();
    const stuck = await availableInstance(harness, 'rep-stuck');
    const deferred = await availableInstance(harness, 'rep-deferred');
    harness.emulator.configureFaults({
      instances: [
        { fault: 'modification-never-applies', instance: 'rep-stuck', times: 1 },
        { fault: 'modification-never-applies', instance: 'rep-deferred', stays: 'pending', times: 1 },
      ],
    });
    // Act
    await modifyTo(stuck, 'dms.r5.large');
    await modifyTo(deferred, 'dms.r5.large');
    await harness.advance(DEFAULT_DURATIONS.instanceClassChange * 10);
    const after = [await instanceNamed('rep-stuck'), await instanceNamed('rep-deferred')];
    // Assess
    expect(
      after.map((instance) => [
        instance?.ReplicationInstanceStatus,
        instance?.ReplicationInstanceClass,
        instance?.PendingModifiedValues?.ReplicationInstanceClass,
      ]),
    ).toEqual([
      ['modifying', 'dms.r5.xlarge', undefined],
      ['available', 'dms.r5.xlarge', 'dms.r5.large'],
    ]);
  });
});

describe('task failures', () => {
  it('fails a task with FATAL_ERROR during the full load; the failure event carries no eventId', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: {
        tasks: [
          { task: 'one-task', at: 'full-load', stopReason: 'FATAL_ERROR', message: 'ODBC general error.' },
        ],
      },
    });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);
    const failed = await task(taskArn);

    // Assess
    expect(failed?.Status).toBe('failed');
    expect(failed?.LastFailureMessage).toBe(
      'Last Error ODBC general error. Stop Reason FATAL_ERROR Error Level FATAL',
    );
    const event = harness.events.at(-1);
    expect(event?.detail).toEqual({
      type: 'REPLICATION_TASK',
      category: 'Failure',
      eventType: DMS_TASK_EVENT_TYPES.failed,
      resourceLink: 'https://console.aws.amazon.com/dms/v2/home?region=us-east-1#taskDetails/one-task',
      detailMessage: 'Last Error ODBC general error. Stop Reason FATAL_ERROR Error Level FATAL',
    });
    expect(parseStopReason(event?.detail.detailMessage)).toBe('FATAL_ERROR');
  });

  it('includes the failure eventId when configured to', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      failureEventsCarryEventId: true,
      faults: { tasks: [{ task: 'one-task', at: 'starting', stopReason: 'FATAL_ERROR' }] },
    });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);

    // Assess
    expect((await task(taskArn))?.Status).toBe('failed');
    expect(harness.events.at(-1)?.detail.eventId).toBe(DMS_EVENT_IDS.taskFailed);
  });

  it('retries a recoverable error by itself and carries on when the retry succeeds', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: { tasks: [{ task: 'one-task', at: 'cdc', stopReason: 'RECOVERABLE_ERROR', times: 1 }] },
    });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    const retrying = await task(taskArn);
    await harness.advance(5_000);
    const recovered = await task(taskArn);

    // Assess
    expect(retrying?.Status).toBe('running');
    expect(retrying?.LastFailureMessage).toContain('Stop Reason RECOVERABLE_ERROR');
    expect(recovered?.Status).toBe('running');
    expect(harness.events.filter((event) => event.detail.eventType === DMS_TASK_EVENT_TYPES.failed)).toEqual(
      [],
    );
  });

  it('fails the task once recoverable retries run out (RecoverableErrorCount 2)', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: { tasks: [{ task: 'one-task', at: 'running', stopReason: 'RECOVERABLE_ERROR' }] },
    });
    const { taskArn } = await readyTask(harness, 'one', {
      settings: { ErrorBehavior: { RecoverableErrorCount: 2 } },
    });

    // Act: retries after 5 s and 10 s, then DMS gives up.
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 14_999);
    const stillRetrying = await task(taskArn);
    await harness.advance(1);
    const failed = await task(taskArn);

    // Assess
    expect(stillRetrying?.Status).toBe('running');
    expect(failed?.Status).toBe('failed');
    expect(parseStopReason(failed?.StopReason)).toBe('RECOVERABLE_ERROR');
  });

  it('fails at a chosen share of the full load', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: { tasks: [{ task: 'one-task', at: { fullLoadPercent: 50 }, stopReason: 'FATAL_ERROR' }] },
    });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    const failed = await task(taskArn);

    // Assess
    expect(failed?.Status).toBe('failed');
    expect(failed?.ReplicationTaskStats?.FullLoadProgressPercent).toBeGreaterThanOrEqual(50);
    expect(failed?.ReplicationTaskStats?.FullLoadProgressPercent).toBeLessThan(100);
  });

  it('fails a chosen time after the task starts running', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: { tasks: [{ task: 'one-task', at: { afterMs: 120_000 }, stopReason: 'FATAL_ERROR' }] },
    });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);

    // Act
    await harness.advance(DEFAULT_DURATIONS.taskStart + 119_999);
    const before = await task(taskArn);
    await harness.advance(1);
    const after = await task(taskArn);

    // Assess
    expect(before?.Status).toBe('running');
    expect(after?.Status).toBe('failed');
  });
});

describe('event delivery faults', () => {
  it('drops the chosen event from EventBridge but keeps it for DescribeEvents', async () => {
    // Prepare
    harness = await startHarness({
      workloadFor: salesWorkload,
      faults: { events: [{ action: 'drop', eventId: DMS_EVENT_IDS.taskStopped }] },
    });
    const { taskArn } = await readyTask(harness, 'one', {
      settings: { FullLoadSettings: { StopTaskCachedChangesApplied: true } },
    });

    // Act
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);

    // Assess
    expect((await task(taskArn))?.Status).toBe('stopped');
    expect(harness.events.map((event) => event.detail.eventType)).not.toContain(DMS_TASK_EVENT_TYPES.stopped);
    expect(harness.emulator.snapshot().events.at(-1)?.message).toBe(
      'Replication task has stopped. Stop Reason STOPPED_AFTER_CACHED_EVENTS.',
    );
  });

  it('duplicates the chosen event with the same event id', async () => {
    // Prepare
    harness = await startHarness({
      faults: { events: [{ action: 'duplicate', eventId: DMS_EVENT_IDS.instanceCreated, copies: 2 }] },
    });

    // Act
    await availableInstance(harness, 'rep-a');

    // Assess
    const created = harness.events.filter((event) => event.detail.eventId === DMS_EVENT_IDS.instanceCreated);
    expect(created).toHaveLength(3);
    expect(new Set(created.map((event) => event.id)).size).toBe(1);
  });

  it('drops events at random, identically under the same seed', async () => {
    // Prepare
    const run = async () => {
      const local = await startHarness({
        faults: { seed: 'drops', events: [{ action: 'drop', probability: 0.5 }] },
      });
      for (let index = 0; index < 8; index++) await createInstance(local, `rep-${index}`);
      const delivered = local.events.map((event) => event.resources[0]);
      await local.close();
      return delivered;
    };
    harness = await startHarness();

    // Act
    const first = await run();
    const second = await run();

    // Assess
    expect(second).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(8);
  });
});
