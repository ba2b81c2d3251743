import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropReplicationSlot, listLogicalSlots, readReplicationSlot } from '#adapters/postgres';
import { credentialsOf, usePostgres } from '#test/postgres';

const postgres = usePostgres();

const slotNames = async (client: pg.Client): Promise<string[]> =>
  (
    await client.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots ORDER BY slot_name')
  ).rows.map((row) => row.slot_name);

/** A server that answers PostgreSQL's SSLRequest with "N", as a server without TLS does. */
const serverWithoutTls = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer((socket) => {
    socket.once('data', () => socket.end('N'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
};

/** Polls until `check` holds: the server updates slot state asynchronously. */
const waitUntil = async (check: () => Promise<boolean>, attempts = 200): Promise<void> => {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
};

describe('dropReplicationSlot', () => {
  it.each([
    { sslMode: 'none', how: 'in plain text' },
    { sslMode: 'require', how: 'over TLS, lakeshift’s default' },
  ] as const)('drops an inactive logical slot with SslMode $sslMode ($how)', async ({ sslMode }) => {
    // Prepare
    const db = await postgres.createDatabase('slots');
    const client = await db.connect();
    await client.query("SELECT pg_create_logical_replication_slot('ls_orders', 'test_decoding')");

    // Act
    const result = await dropReplicationSlot({
      credentials: credentialsOf(db),
      slotName: 'ls_orders',
      sslMode,
    });

    // Assess
    expect(result).toEqual({ dropped: true });
    expect(await slotNames(client)).not.toContain('ls_orders');
  });

  it('drops with verify-full when it trusts the server’s CA, and refuses without it', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');
    const client = await db.connect();
    await client.query("SELECT pg_create_logical_replication_slot('ls_verified', 'test_decoding')");
    const request = {
      credentials: credentialsOf(db),
      slotName: 'ls_verified',
      sslMode: 'verify-full',
    } as const;

    // Act
    const refused = await dropReplicationSlot(request).catch((error: unknown) => error);
    const slotsAfterRefusal = await slotNames(client);
    const trusted = await dropReplicationSlot({
      ...request,
      trustedCa: postgres.server().caCertificatePem,
    });

    // Assess
    expect(refused).toMatchObject({
      name: 'SourceTlsRefused',
      message: expect.stringContaining('SslMode verify-full: SSL error: self-signed certificate'),
    });
    expect(slotsAfterRefusal).toContain('ls_verified');
    expect(trusted).toEqual({ dropped: true });
    expect(await slotNames(client)).not.toContain('ls_verified');
  });

  it('reports a server without TLS as a TLS refusal naming the SslMode and the plain-text choice, never falling back to plain text', async () => {
    // Prepare
    const { server, port } = await serverWithoutTls();

    // Act
    const failure = await dropReplicationSlot({
      credentials: { host: '127.0.0.1', port, username: 'u', password: 'p', dbname: 'd' },
      slotName: 'ls_orders',
      sslMode: 'require',
    }).catch((error: unknown) => error);
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // Assess
    expect(failure).toMatchObject({
      name: 'SourceTlsRefused',
      message: expect.stringContaining('SslMode require: server does not support SSL, but SSL was required'),
    });
    expect(failure).toMatchObject({ message: expect.stringContaining("sslMode 'none'") });
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

  it('reports wrong credentials as a source login refusal', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');

    // Act
    const attempt = dropReplicationSlot({
      credentials: { ...credentialsOf(db), password: 'wrong' },
      slotName: 'ls_orders',
      sslMode: 'none',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'SourceAccessDenied',
      message: expect.stringContaining('refused the login'),
    });
  });

  it('reports an unreachable server as unreachable', async () => {
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
      name: 'SourceUnreachable',
      message: expect.stringContaining('unreachable'),
    });
  });
});

describe('connection timeouts', () => {
  it('reports a server that accepts the connection and never answers as unreachable', async () => {
    // Prepare
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const attempt = listLogicalSlots({
      credentials: { host: '127.0.0.1', port, username: 'dms', password: 'x', dbname: 'shop' },
      sslMode: 'none',
      connectTimeoutMs: 50,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'SourceUnreachable',
      message: expect.stringMatching(/the source database is unreachable: .*timeout/),
    });
    silent.close();
  });
});

describe('listLogicalSlots and readReplicationSlot', () => {
  it('lists only the logical slots of the database connected to, with the WAL each retains', async () => {
    // Prepare
    const db = await postgres.createDatabase('slots');
    const other = await postgres.createDatabase('slots');
    const client = await db.connect();
    const otherClient = await other.connect();
    await client.query(`SELECT pg_create_logical_replication_slot('ls_mine_${db.name}', 'test_decoding')`);
    await otherClient.query(
      `SELECT pg_create_logical_replication_slot('ls_theirs_${other.name}', 'test_decoding')`,
    );
    await client.query('CREATE TABLE grow AS SELECT generate_series(1, 1000) AS id');

    // Act
    const slots = await listLogicalSlots({ credentials: credentialsOf(db), sslMode: 'require' });
    const one = await readReplicationSlot(
      { credentials: credentialsOf(db), sslMode: 'require' },
      `ls_mine_${db.name}`,
    );
    const missing = await readReplicationSlot({ credentials: credentialsOf(db), sslMode: 'require' }, 'nope');

    // Assess
    expect(slots.map((slot) => [slot.name, slot.plugin, slot.active])).toEqual([
      [`ls_mine_${db.name}`, 'test_decoding', false],
    ]);
    expect(slots[0]?.retainedWalBytes).toBeGreaterThan(0);
    expect(one?.name).toBe(`ls_mine_${db.name}`);
    expect(missing).toBeUndefined();
    await client.query(`SELECT pg_drop_replication_slot('ls_mine_${db.name}')`);
    await otherClient.query(`SELECT pg_drop_replication_slot('ls_theirs_${other.name}')`);
  });
});
