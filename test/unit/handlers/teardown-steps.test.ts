import {
  DatabaseMigrationServiceClient,
  DeleteEndpointCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
  DescribeReplicationInstancesCommand,
  InvalidResourceStateFault,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dropReplicationSlot } from '#adapters/postgres';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import {
  endpointArnOf,
  instance,
  instanceArnOf,
  keyOf,
  NOW,
  planFor,
  task,
  taskArnOf,
  useHandlerWorld,
} from './fixtures.ts';

// The slot drop itself runs against a real PostgreSQL in the adapter's tests; here only what the handler asks.
vi.mock('#adapters/postgres', () => ({ dropReplicationSlot: vi.fn(async () => ({ dropped: true })) }));

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const secrets = mockClient(SecretsManagerClient);
const notFound = () => new ResourceNotFoundFault({ message: 'not found', $metadata: {} });
const KEY = { migrationId: 'down', databaseId: 'orders' };

beforeEach(() => {
  dms.reset();
  secrets.reset();
  vi.mocked(dropReplicationSlot).mockClear();
});

describe('Handler: delete-task', () => {
  it('deletes the task', async () => {
    // Prepare
    dms.on(DeleteReplicationTaskCommand).resolves({ ReplicationTask: task({ Status: 'deleting' }) });
    // Act
    const result = await invokeHandler('delete-task', { ...KEY, taskArn: taskArnOf('orders'), now: NOW });
    // Assess
    expect(result).toEqual({ taskArn: taskArnOf('orders'), deleting: true });
    expect(dms).toHaveReceivedCommandWith(DeleteReplicationTaskCommand, {
      ReplicationTaskArn: taskArnOf('orders'),
    });
  });

  it('is done when the task is already gone, or was never created', async () => {
    // Prepare
    dms.on(DeleteReplicationTaskCommand).rejects(notFound());
    // Act
    const gone = await invokeHandler('delete-task', { ...KEY, taskArn: taskArnOf('orders'), now: NOW });
    const never = await invokeHandler('delete-task', { ...KEY, taskArn: null, now: NOW });
    // Assess
    expect(gone).toEqual({ taskArn: taskArnOf('orders'), deleting: false });
    expect(never).toEqual({ taskArn: null, deleting: false });
    expect(dms).toHaveReceivedCommandTimes(DeleteReplicationTaskCommand, 1);
  });

  it('reports a running task as ResourceBusy', async () => {
    // Prepare
    dms
      .on(DeleteReplicationTaskCommand)
      .rejects(new InvalidResourceStateFault({ message: 'running', $metadata: {} }));
    // Act
    const attempt = invokeHandler('delete-task', { ...KEY, taskArn: taskArnOf('orders'), now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });
});

describe('Handler: delete-endpoints', () => {
  it('deletes the endpoints that exist and skips the others', async () => {
    // Prepare
    const [source, target] = [endpointArnOf('src'), endpointArnOf('tgt')];
    dms.on(DeleteEndpointCommand, { EndpointArn: source }).resolves({ Endpoint: { EndpointArn: source } });
    dms.on(DeleteEndpointCommand, { EndpointArn: target }).rejects(notFound());
    // Act
    const result = await invokeHandler('delete-endpoints', {
      ...KEY,
      endpointArns: [source, target, null],
      now: NOW,
    });
    // Assess
    expect(result).toEqual({ deleted: [source] });
    expect(dms).toHaveReceivedCommandTimes(DeleteEndpointCommand, 2);
  });
});

describe('Handler: delete-instance', () => {
  it('deletes the instance, leaves one already deleting alone, and is done when it is gone', async () => {
    // Prepare
    dms
      .on(DescribeReplicationInstancesCommand)
      .resolvesOnce({ ReplicationInstances: [instance({ ReplicationInstanceStatus: 'available' })] })
      .resolvesOnce({ ReplicationInstances: [instance({ ReplicationInstanceStatus: 'deleting' })] })
      .rejects(notFound());
    dms
      .on(DeleteReplicationInstanceCommand)
      .resolves({ ReplicationInstance: instance({ ReplicationInstanceStatus: 'deleting' }) });
    const input = { ...KEY, instanceArn: instanceArnOf('orders'), now: NOW };
    // Act
    const first = await invokeHandler('delete-instance', input);
    const whileDeleting = await invokeHandler('delete-instance', input);
    const again = await invokeHandler('delete-instance', input);
    // Assess
    expect([first, whileDeleting, again]).toEqual([
      { instanceArn: instanceArnOf('orders'), deleting: true },
      { instanceArn: instanceArnOf('orders'), deleting: true },
      { instanceArn: instanceArnOf('orders'), deleting: false },
    ]);
    expect(dms).toHaveReceivedCommandTimes(DeleteReplicationInstanceCommand, 1);
  });
});

describe('Handler: drop-replication-slot', () => {
  const SECRET = { host: 'db.internal', port: 5432, username: 'dms', password: 'pw', dbname: 'orders_db' };

  it("drops the slot recorded at the task's first start, with the secret's credentials and the endpoint's TLS mode", async () => {
    // Prepare
    const plan = planFor('slot-1');
    await world.seed(plan, 'TEARING_DOWN');
    await world
      .registry()
      .update(
        keyOf(plan),
        { replicationSlot: { name: 'dms_made_this_slot', recordedAt: NOW } },
        { now: NOW },
      );
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
    // Act
    const result = await invokeHandler('drop-replication-slot', { ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toEqual({ slotName: 'dms_made_this_slot', dropped: true });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: plan.source.secretArn });
    expect(dropReplicationSlot).toHaveBeenCalledWith({
      credentials: SECRET,
      database: plan.source.databaseName,
      slotName: 'dms_made_this_slot',
      sslMode: plan.sourceEndpoint.SslMode,
    });
  });

  it('succeeds without touching the source when the task never started, so no slot was recorded', async () => {
    // Prepare
    const plan = planFor('slot-2');
    await world.seed(plan, 'TEARING_DOWN');
    // Act
    const result = await invokeHandler('drop-replication-slot', { ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toEqual({
      slotName: null,
      dropped: false,
      reason: 'no slot recorded: the task never started',
    });
    expect(dropReplicationSlot).not.toHaveBeenCalled();
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  it('says so when the recorded slot is already gone', async () => {
    // Prepare
    const plan = planFor('slot-3');
    await world.seed(plan, 'TEARING_DOWN');
    await world
      .registry()
      .update(keyOf(plan), { replicationSlot: { name: 'gone_slot', recordedAt: NOW } }, { now: NOW });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SECRET) });
    vi.mocked(dropReplicationSlot).mockResolvedValueOnce({ dropped: false });
    // Act
    const result = await invokeHandler('drop-replication-slot', { ...keyOf(plan), now: NOW });
    // Assess
    expect(result).toMatchObject({
      slotName: 'gone_slot',
      dropped: false,
      reason: expect.stringContaining('already gone'),
    });
  });

  it('fails with ResourceNotFound for a database the registry does not know', async () => {
    // Act
    const attempt = invokeHandler('drop-replication-slot', {
      migrationId: 'nobody',
      databaseId: 'x',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceNotFound });
  });
});
