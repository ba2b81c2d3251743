import {
  DatabaseMigrationServiceClient,
  InvalidResourceStateFault,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readToastExposure } from '#adapters/postgres-toast';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import { endpointArnOf, instanceArnOf, keyOf, NOW, planFor, useHandlerWorld } from './fixtures.ts';

// The catalogue query runs against a real PostgreSQL in the adapter's tests; here only what the handler does with it.
vi.mock('#adapters/postgres-toast', () => ({ readToastExposure: vi.fn(async () => []) }));

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const secrets = mockClient(SecretsManagerClient);
const busy = () => new InvalidResourceStateFault({ message: 'resource is busy', $metadata: {} });
const CREDENTIALS = { host: 'db.internal', port: 5432, username: 'dms', password: 'pw', dbname: 'orders_db' };

beforeEach(() => {
  dms.reset();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(CREDENTIALS) });
  vi.mocked(readToastExposure).mockReset();
  vi.mocked(readToastExposure).mockResolvedValue([]);
});

describe('Handler: test-connections', () => {
  const endpoints = [endpointArnOf('src'), endpointArnOf('tgt')];
  const test = async (id: string) => {
    const plan = planFor(id);
    await world.seed(plan, 'PROVISIONING');
    const result = await invokeHandler('test-connections', {
      ...keyOf(plan),
      instanceArn: instanceArnOf('orders'),
      endpointArns: endpoints,
      now: NOW,
    });
    return { plan, result };
  };

  it('starts the test of each endpoint from the instance', async () => {
    // Prepare
    dms.on(TestConnectionCommand).resolves({ Connection: { Status: 'testing' } });
    // Act
    const { result } = await test('conn-1');
    // Assess
    expect(result).toEqual({
      instanceArn: instanceArnOf('orders'),
      connections: endpoints.map((endpointArn) => ({ endpointArn, status: 'testing' })),
      warnings: [],
    });
    expect(dms).toHaveReceivedCommandTimes(TestConnectionCommand, 2);
    expect(dms).toHaveReceivedNthCommandWith(TestConnectionCommand, 2, {
      ReplicationInstanceArn: instanceArnOf('orders'),
      EndpointArn: endpoints[1],
    });
  });

  it('warns about tables whose unchanged out-of-line values may reach the lake as NULL, with the columns', async () => {
    // Prepare
    dms.on(TestConnectionCommand).resolves({ Connection: { Status: 'testing' } });
    const docs = { name: 'body', type: 'text' };
    vi.mocked(readToastExposure).mockResolvedValue([
      {
        schema: 'public',
        table: 'documents',
        replicaIdentity: 'd',
        storesValuesOutOfLine: true,
        outOfLineColumns: [docs, { name: 'meta', type: 'jsonb' }],
      },
      {
        schema: 'public',
        table: 'kept',
        replicaIdentity: 'f',
        storesValuesOutOfLine: true,
        outOfLineColumns: [docs],
      },
      {
        schema: 'public',
        table: 'small',
        replicaIdentity: 'd',
        storesValuesOutOfLine: false,
        outOfLineColumns: [docs],
      },
      {
        schema: 'public',
        table: 'numbers',
        replicaIdentity: 'd',
        storesValuesOutOfLine: true,
        outOfLineColumns: [],
      },
    ]);
    // Act
    const { plan, result } = await test('conn-2');
    // Assess
    expect(result).toMatchObject({
      warnings: [
        { code: 'UNCHANGED_TOAST_MAY_BE_NULL', table: 'public.documents', columns: ['body', 'meta'] },
      ],
    });
    expect((result as { warnings: { message: string }[] }).warnings[0]?.message).toContain(
      'ALTER TABLE public.documents REPLICA IDENTITY FULL',
    );
    expect(readToastExposure).toHaveBeenCalledWith({
      credentials: CREDENTIALS,
      database: plan.source.databaseName,
      sslMode: plan.sourceEndpoint.SslMode,
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: plan.source.secretArn });
  });

  it('reports an instance that cannot test yet as ResourceBusy', async () => {
    // Prepare
    dms.on(TestConnectionCommand).rejects(busy());
    // Act
    const attempt = test('conn-3');
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });
});
