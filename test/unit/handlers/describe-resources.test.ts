import {
  DatabaseMigrationServiceClient,
  DescribeConnectionsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler, setHandlerEnv } from '#test/lambda-context';
import {
  connection,
  endpointArnOf,
  instance,
  instanceArnOf,
  NOW,
  ranTask,
  task,
  taskArnOf,
} from './fixtures.ts';

const dms = mockClient(DatabaseMigrationServiceClient);
/** The shared DMS API budget's item in the registry: every call finds the bucket idle. */
const budget = mockClient(DynamoDBDocumentClient);
const notFound = () => new ResourceNotFoundFault({ message: 'not found', $metadata: {} });

beforeAll(() => {
  setHandlerEnv();
});
beforeEach(() => {
  dms.reset();
  budget.reset();
  budget.on(UpdateCommand).resolves({});
});

const probe = (kind: string, fields: Record<string, unknown>, loop = { attempt: 3, waitSeconds: 40 }) =>
  invokeHandler('describe-resources', { kind, ...fields, ...loop, maxWaitSeconds: 60, now: NOW });

const INSTANCE = { instanceArn: instanceArnOf('orders') };
const TASK = { taskArn: taskArnOf('orders') };

describe('Handler: describe-resources', () => {
  describe('instance-available', () => {
    it('is pending while the instance is created, and waits half again as long next time (up to the cap)', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [instance({ ReplicationInstanceStatus: 'creating' })],
      });
      // Act
      const result = await probe('instance-available', INSTANCE);
      // Assess
      expect(result).toEqual({
        kind: 'instance-available',
        outcome: 'PENDING',
        status: 'creating',
        attempt: 3,
        waitSeconds: 60,
      });
      expect(dms).toHaveReceivedCommandWith(DescribeReplicationInstancesCommand, {
        Filters: [{ Name: 'replication-instance-arn', Values: [INSTANCE.instanceArn] }],
      });
    });

    it('is ready once the instance is available', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).resolves({ ReplicationInstances: [instance()] });
      // Act
      const result = await probe('instance-available', INSTANCE, { attempt: 1, waitSeconds: 20 });
      // Assess
      expect(result).toEqual({
        kind: 'instance-available',
        outcome: 'READY',
        status: 'available',
        attempt: 1,
        waitSeconds: 30,
      });
    });

    it('waits for the expected class: the old class can still read available right after the change', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [
          instance({ PendingModifiedValues: { ReplicationInstanceClass: 'dms.r5.large' } }),
        ],
      });
      // Act
      const result = await probe('instance-available', { ...INSTANCE, expectedClass: 'dms.r5.large' });
      // Assess
      expect(result).toMatchObject({ outcome: 'PENDING', status: 'available on dms.r5.xlarge' });
    });

    it('is ready when the instance runs on the expected class with nothing pending', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [instance({ ReplicationInstanceClass: 'dms.r5.large' })],
      });
      // Act
      const result = await probe('instance-available', { ...INSTANCE, expectedClass: 'dms.r5.large' });
      // Assess
      expect(result).toMatchObject({ outcome: 'READY', status: 'available on dms.r5.large' });
    });

    it.each(['failed', 'incompatible-network', 'inaccessible-encryption-credentials'])(
      'fails with ResourceFailed when the instance is %s',
      async (status) => {
        // Prepare
        dms.on(DescribeReplicationInstancesCommand).resolves({
          ReplicationInstances: [instance({ ReplicationInstanceStatus: status })],
        });
        // Act
        const attempt = probe('instance-available', INSTANCE);
        // Assess
        await expect(attempt).rejects.toMatchObject({
          name: ERROR_NAMES.resourceFailed,
          message: `replication instance orders-ri is ${status}`,
        });
      },
    );
  });

  describe('connections-successful', () => {
    const endpoints = [endpointArnOf('src'), endpointArnOf('tgt')];

    it('is pending until both tests succeed', async () => {
      // Prepare
      dms.on(DescribeConnectionsCommand).resolves({
        Connections: [
          connection(endpoints[0] ?? '', 'successful'),
          connection(endpoints[1] ?? '', 'testing'),
        ],
      });
      // Act
      const result = await probe('connections-successful', { ...INSTANCE, endpointArns: endpoints });
      // Assess
      expect(result).toMatchObject({
        outcome: 'PENDING',
        status: 'ENDPOINTSRC: successful, ENDPOINTTGT: testing',
      });
    });

    it('is ready when both tests succeeded', async () => {
      // Prepare
      dms.on(DescribeConnectionsCommand).resolves({
        Connections: endpoints.map((arn) => connection(arn, 'successful')),
      });
      // Act
      const result = await probe('connections-successful', { ...INSTANCE, endpointArns: endpoints });
      // Assess
      expect(result).toMatchObject({ outcome: 'READY' });
    });

    it("fails with DMS's message when a test failed", async () => {
      // Prepare
      dms.on(DescribeConnectionsCommand).resolves({
        Connections: [
          connection(endpoints[0] ?? '', 'failed', { LastFailureMessage: 'password authentication failed' }),
        ],
      });
      // Act
      const attempt = probe('connections-successful', { ...INSTANCE, endpointArns: endpoints });
      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: ERROR_NAMES.connectionTestFailed,
        message: 'connection test of endpoint ENDPOINTSRC failed: password authentication failed',
      });
    });
  });

  describe('task states', () => {
    it.each([
      ['task-ready', 'creating', 'PENDING'],
      ['task-ready', 'ready', 'READY'],
      ['task-ready', 'stopped', 'READY'],
      ['task-running', 'starting', 'PENDING'],
      ['task-running', 'running', 'READY'],
      ['task-stopped', 'stopping', 'PENDING'],
      ['task-stopped', 'stopped', 'READY'],
      ['task-deleted', 'deleting', 'PENDING'],
    ])('%s: a task that is %s is %s', async (kind, status, outcome) => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [task({ Status: status })] });
      // Act
      const result = await probe(kind, TASK);
      // Assess
      expect(result).toMatchObject({ kind, outcome, status });
    });

    it('task-running: a task that stopped on a fatal error fails the wait with its stop reason', async () => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).resolves({
        ReplicationTasks: [
          ranTask({
            Status: 'stopped',
            StopReason: 'Last Error  No tables found. Stop Reason FATAL_ERROR Error Level FATAL',
          }),
        ],
      });
      // Act
      const attempt = probe('task-running', TASK);
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.replicationTaskFailed });
      await expect(attempt).rejects.toThrow(/stopped \(FATAL_ERROR\)/);
    });

    it('task-running: a task still stopped after the full load is pending, not failed', async () => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).resolves({
        ReplicationTasks: [
          ranTask({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS' }),
        ],
      });
      // Act
      const result = await probe('task-running', TASK);
      // Assess
      expect(result).toMatchObject({ outcome: 'PENDING', status: 'stopped (STOPPED_AFTER_CACHED_EVENTS)' });
    });

    it('task-deleted and task-stopped: a task DMS no longer knows is done', async () => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).rejects(notFound());
      // Act
      const deleted = await probe('task-deleted', TASK);
      const stopped = await probe('task-stopped', TASK);
      // Assess
      expect(deleted).toMatchObject({ outcome: 'READY', status: 'deleted' });
      expect(stopped).toMatchObject({ outcome: 'READY', status: 'deleted' });
    });

    it('task-stopped: a task that was never created (null ARN) is done without asking DMS', async () => {
      // Act
      const result = await probe('task-stopped', { taskArn: null });
      // Assess
      expect(result).toMatchObject({ outcome: 'READY' });
      expect(dms).not.toHaveReceivedCommand(DescribeReplicationTasksCommand);
    });

    it('task-ready: a task that does not exist fails with ResourceFailed', async () => {
      // Prepare
      dms.on(DescribeReplicationTasksCommand).rejects(notFound());
      // Act
      const attempt = probe('task-ready', TASK);
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceFailed });
    });
  });

  it('instance-deleted: done once DMS no longer knows the instance', async () => {
    // Prepare
    dms.on(DescribeReplicationInstancesCommand).rejectsOnce(notFound());
    // Act
    const result = await probe('instance-deleted', INSTANCE);
    // Assess
    expect(result).toMatchObject({ outcome: 'READY', status: 'deleted' });
  });

  it('names every invalid field of a probe', async () => {
    // Act
    const attempt = invokeHandler('describe-resources', {
      kind: 'instance-available',
      instanceArn: 'nope',
      attempt: 0,
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(
      /instanceArn: must be a dms rep ARN; attempt: must be >= 1; waitSeconds: .*maxWaitSeconds: /,
    );
  });

  it('rejects a kind it does not know', async () => {
    // Act
    const attempt = probe('instance-happy', INSTANCE);
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/^Invalid handler input: kind: /);
  });
});
