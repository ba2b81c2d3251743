import {
  DeleteEndpointCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
  StopReplicationTaskCommand,
  waitUntilEndpointDeleted,
  waitUntilReplicationInstanceAvailable,
  waitUntilReplicationInstanceDeleted,
  waitUntilReplicationTaskDeleted,
  waitUntilReplicationTaskReady,
  waitUntilReplicationTaskRunning,
  waitUntilReplicationTaskStopped,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  availableInstance,
  createInstance,
  createSourceAndTarget,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

/**
 * The SDK's own waiters against the emulator. Each Describe moves emulated time on by the poll delay DMS's waiters
 * use (60 s for instances, 15 s otherwise), so polls land where they would against DMS; real delays are milliseconds.
 */
const FAST = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 30 };

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const instanceFilter = (arn: string) => ({ Filters: [{ Name: 'replication-instance-arn', Values: [arn] }] });
const taskFilter = (arn: string) => ({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] });
const endpointFilter = (arn: string) => ({ Filters: [{ Name: 'endpoint-arn', Values: [arn] }] });

describe('waitUntilReplicationInstanceAvailable', () => {
  it('succeeds on the poll that first sees available, as 60-second polls would', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 60_000 });
    const { ReplicationInstanceArn: arn = '' } = await createInstance(harness, 'rep-a');

    // Act
    const result = await waitUntilReplicationInstanceAvailable(
      { client: harness.client, ...FAST },
      instanceFilter(arn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
    expect(harness.emulator.calls.get('DescribeReplicationInstances')).toBe(
      DEFAULT_DURATIONS.instanceCreate / 60_000 + 1,
    );
  });

  it('fails at once when the instance is being deleted', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');
    await harness.client.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }));

    // Act
    const attempt = waitUntilReplicationInstanceAvailable(
      { client: harness.client, ...FAST },
      instanceFilter(arn),
    );

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
    expect(harness.emulator.calls.get('DescribeReplicationInstances')).toBe(1);
  });
});

describe('waitUntilReplicationInstanceDeleted', () => {
  it('succeeds when Describe answers ResourceNotFoundFault', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000 });
    const arn = await availableInstance(harness, 'rep-a');
    await harness.client.send(new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }));

    // Act
    const result = await waitUntilReplicationInstanceDeleted(
      { client: harness.client, ...FAST },
      instanceFilter(arn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
    expect(result.reason).toMatchObject({ name: 'ResourceNotFoundFault' });
    expect(harness.emulator.calls.get('DescribeReplicationInstances')).toBe(
      DEFAULT_DURATIONS.instanceDelete / 15_000 + 1,
    );
  });

  it('fails when the instance is available', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');

    // Act
    const attempt = waitUntilReplicationInstanceDeleted(
      { client: harness.client, ...FAST },
      instanceFilter(arn),
    );

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});

describe('waitUntilReplicationTaskReady', () => {
  it('succeeds once the task leaves creating', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000, workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const result = await waitUntilReplicationTaskReady(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
  });

  it('fails when the task is already running', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);

    // Act
    const attempt = waitUntilReplicationTaskReady({ client: harness.client, ...FAST }, taskFilter(taskArn));

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});

describe('waitUntilReplicationTaskStopped', () => {
  it('succeeds when the task stops after its cached changes', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000, workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', {
      settings: { FullLoadSettings: { StopTaskCachedChangesApplied: true } },
    });
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);

    // Act
    const result = await waitUntilReplicationTaskStopped(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
    expect(JSON.stringify(result.reason)).toContain('Stop Reason STOPPED_AFTER_CACHED_EVENTS');
  });

  it('succeeds through stopping after StopReplicationTask', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000, workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    await harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));

    // Act
    const result = await waitUntilReplicationTaskStopped(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
  });

  it('fails when the task fails', async () => {
    // Prepare
    harness = await startHarness({
      advancePerDescribeMs: 15_000,
      workloadFor: salesWorkload,
      faults: { tasks: [{ task: 'one-task', at: 'cdc', stopReason: 'FATAL_ERROR' }] },
    });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);

    // Act
    const attempt = waitUntilReplicationTaskStopped({ client: harness.client, ...FAST }, taskFilter(taskArn));

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });

  it('fails when the task is still starting, as the DMS waiter does', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one', { migrationType: 'full-load' });
    await startTask(harness, taskArn);

    // Act
    const attempt = waitUntilReplicationTaskStopped({ client: harness.client, ...FAST }, taskFilter(taskArn));

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});

describe('waitUntilReplicationTaskRunning', () => {
  it('succeeds once a started task is running, and a stop then ends with Stop Reason NORMAL', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000, workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);

    // Act
    const running = await waitUntilReplicationTaskRunning(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );
    await harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    const stopped = await waitUntilReplicationTaskStopped(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );

    // Assess
    expect(running.state).toBe('SUCCESS');
    expect(stopped.state).toBe('SUCCESS');
    expect(JSON.stringify(stopped.reason)).toContain('"StopReason":"Stop Reason NORMAL"');
  });

  it('fails when the task is ready and was never started', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = waitUntilReplicationTaskRunning({ client: harness.client, ...FAST }, taskFilter(taskArn));

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});

describe('waitUntilReplicationTaskDeleted', () => {
  it('succeeds when Describe answers ResourceNotFoundFault after the task is deleted', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000, workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await harness.client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));

    // Act
    const result = await waitUntilReplicationTaskDeleted(
      { client: harness.client, ...FAST },
      taskFilter(taskArn),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
    expect(result.reason).toMatchObject({ name: 'ResourceNotFoundFault' });
  });

  it('fails when the task is ready', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = waitUntilReplicationTaskDeleted({ client: harness.client, ...FAST }, taskFilter(taskArn));

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});

describe('waitUntilEndpointDeleted', () => {
  it('succeeds when Describe answers ResourceNotFoundFault after the endpoint is deleted', async () => {
    // Prepare
    harness = await startHarness({ advancePerDescribeMs: 15_000 });
    const { target } = await createSourceAndTarget(harness, 'one');
    await harness.client.send(new DeleteEndpointCommand({ EndpointArn: target.EndpointArn }));

    // Act
    const result = await waitUntilEndpointDeleted(
      { client: harness.client, ...FAST },
      endpointFilter(target.EndpointArn ?? ''),
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
    expect(result.reason).toMatchObject({ name: 'ResourceNotFoundFault' });
  });

  it('fails when the endpoint is active', async () => {
    // Prepare
    harness = await startHarness();
    const { target } = await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = waitUntilEndpointDeleted(
      { client: harness.client, ...FAST },
      endpointFilter(target.EndpointArn ?? ''),
    );

    // Assess
    await expect(attempt).rejects.toThrow(/"state":"FAILURE"/);
  });
});
