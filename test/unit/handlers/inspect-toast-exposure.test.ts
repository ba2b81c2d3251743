import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readToastExposure } from '#adapters/postgres-toast';
import { invokeHandler } from '#test/lambda-context';
import { keyOf, NOW, planFor, useHandlerWorld } from './fixtures.ts';

// The catalogue query runs against a real PostgreSQL in the adapter's tests; here only what the handler does with it.
vi.mock('#adapters/postgres-toast', () => ({ readToastExposure: vi.fn(async () => []) }));

const world = useHandlerWorld();
const secrets = mockClient(SecretsManagerClient);
const CREDENTIALS = { host: 'db.internal', port: 5432, username: 'dms', password: 'pw', dbname: 'orders_db' };

beforeEach(() => {
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(CREDENTIALS) });
  vi.mocked(readToastExposure).mockReset();
  vi.mocked(readToastExposure).mockResolvedValue([]);
});

describe('Handler: inspect-toast-exposure', () => {
  const inspect = async (id: string) => {
    const plan = planFor(id);
    await world.seed(plan, 'PROVISIONING');
    const result = await invokeHandler('inspect-toast-exposure', { ...keyOf(plan), now: NOW });
    return { plan, result: result as { warnings: { code: string; message: string }[] } };
  };

  it('returns no warning for a source whose tables keep no values out of line', async () => {
    // Act
    const { result } = await inspect('toast-1');
    // Assess
    expect(result).toEqual({ warnings: [] });
  });

  it('warns about tables whose unchanged out-of-line values may reach the lake as NULL, with the columns', async () => {
    // Prepare
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
    const { plan, result } = await inspect('toast-2');
    // Assess
    expect(result).toMatchObject({
      warnings: [
        { code: 'UNCHANGED_TOAST_MAY_BE_NULL', table: 'public.documents', columns: ['body', 'meta'] },
      ],
    });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.message).toContain('ALTER TABLE public.documents REPLICA IDENTITY FULL');
    expect(readToastExposure).toHaveBeenCalledWith({
      credentials: CREDENTIALS,
      database: plan.source.databaseName,
      sslMode: plan.sourceEndpoint.SslMode,
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: plan.source.secretArn });
  });

  it('returns a source it cannot read as a warning, not an error', async () => {
    // Prepare
    vi.mocked(readToastExposure).mockRejectedValue(new Error('connect ETIMEDOUT 10.0.1.5:5432'));
    // Act
    const { result } = await inspect('toast-3');
    // Assess
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'SOURCE_NOT_INSPECTED', table: 'toast-3/orders', columns: [] }),
    ]);
    expect(result.warnings[0]?.message).toContain('connect ETIMEDOUT 10.0.1.5:5432');
  });

  it('returns a secret it cannot read as a warning, without connecting to the source', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    // Act
    const { result } = await inspect('toast-4');
    // Assess
    expect(result.warnings.map((warning) => warning.code)).toEqual(['SOURCE_NOT_INSPECTED']);
    expect(readToastExposure).not.toHaveBeenCalled();
  });
});
