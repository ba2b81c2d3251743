import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropReplicationSlot } from '#adapters/postgres';
import type { PostgresCredentials } from '#adapters/secrets';
import { type TestDatabase, usePostgres } from '#test/postgres';

const postgres = usePostgres();

const credentialsOf = (db: TestDatabase): PostgresCredentials => ({
  host: db.host,
  port: db.port,
  username: db.user,
  password: db.password,
  dbname: db.name,
});

const slotNames = async (client: pg.Client): Promise<string[]> =>
  (
    await client.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots ORDER BY slot_name')
  ).rows.map((row) => row.slot_name);

/** Polls until `check` holds: the server updates slot state asynchronously. */
const waitUntil = async (check: () => Promise<boolean>, attempts = 200): Promise<void> => {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
};

describe('dropReplicationSlot', () => {
  it('drops an inactive logical slot', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');
    const client = await db.connect();
    await client.query("SELECT pg_create_logical_replication_slot('ls_orders', 'test_decoding')");

    // Act
    const result = await dropReplicationSlot({
      credentials: credentialsOf(db),
      slotName: 'ls_orders',
      sslMode: 'none',
    });

    // Assess
    expect(result).toEqual({ dropped: true });
    expect(await slotNames(client)).not.toContain('ls_orders');
  });

  it('treats a slot that is not there as already dropped', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');

    // Act
    const result = await dropReplicationSlot({
      credentials: credentialsOf(db),
      slotName: 'never_created',
      sslMode: 'none',
    });

    // Assess
    expect(result).toEqual({ dropped: false });
  });

  it('refuses to drop a slot a replication connection is using, as a retryable busy error', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');
    const admin = await db.connect();
    await admin.query("SELECT pg_create_logical_replication_slot('ls_busy', 'test_decoding')");
    const streamer = new pg.Client({ connectionString: db.url, replication: 'database' } as pg.ClientConfig);
    streamer.on('error', () => undefined);
    await streamer.connect();
    // The server starts streaming and never answers the query: the slot is active until the connection ends.
    streamer.query('START_REPLICATION SLOT ls_busy LOGICAL 0/0').catch(() => undefined);
    await waitUntil(async () => {
      const { rows } = await admin.query<{ active: boolean }>(
        "SELECT active FROM pg_replication_slots WHERE slot_name = 'ls_busy'",
      );
      return rows[0]?.active === true;
    });

    // Act
    const attempt = dropReplicationSlot({
      credentials: credentialsOf(db),
      slotName: 'ls_busy',
      sslMode: 'none',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceBusy',
      message: expect.stringContaining('"ls_busy"'),
    });
    expect(await slotNames(admin)).toContain('ls_busy');
    await streamer.end().catch(() => undefined);
  });

  it('reports wrong credentials as AccessDenied', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');

    // Act
    const attempt = dropReplicationSlot({
      credentials: { ...credentialsOf(db), password: 'wrong' },
      slotName: 'ls_orders',
      sslMode: 'none',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('reports an unreachable server as a retryable busy error', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');

    // Act
    const attempt = dropReplicationSlot({
      credentials: { ...credentialsOf(db), host: '127.0.0.1', port: 1 },
      slotName: 'ls_orders',
      sslMode: 'none',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceBusy',
      message: expect.stringContaining('unreachable'),
    });
  });
});
