import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { usePostgres } from '#test/postgres';
import {
  awkwardRows,
  customerRows,
  DEMO_DATABASES,
  demoDatabase,
  LARGE_TEXT_CHARACTERS,
} from '../../../examples/demo/databases.ts';
import { databaseUrl, seedDemoDatabase } from '../../../examples/demo/seed.ts';
import { splitOperations, writeBatch } from '../../../examples/demo/write-load.ts';

const postgres = usePostgres();
const clients: pg.Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
});

const connect = async (url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
};

const count = async (client: pg.Client, table: string): Promise<number> =>
  Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

const ROWS = 2_000;

describe('demo databases', () => {
  it('creates and fills every demo database at the asked size', async () => {
    // Prepare
    const serverUrl = postgres.server().url;
    // Act
    for (const database of DEMO_DATABASES)
      await seedDemoDatabase(database, { serverUrl, rows: ROWS, replace: true });
    // Assess
    const orders = await connect(databaseUrl(serverUrl, 'orders'));
    expect(await count(orders, 'order_lines')).toBe(ROWS);
    expect(await count(orders, 'customers')).toBe(customerRows(ROWS));
    const awkward = await connect(databaseUrl(serverUrl, 'awkward'));
    expect(await count(awkward, 'everything')).toBe(awkwardRows(ROWS));
    expect(await count(awkward, 'no_primary_key')).toBe(20);
    const settings = await connect(databaseUrl(serverUrl, 'settings'));
    expect(await count(settings, 'feature_flags')).toBe(40);
  });

  it('gives every awkward column NULLs and real values, unicode text and a large text value', async () => {
    // Prepare
    const awkward = await connect(databaseUrl(postgres.server().url, 'awkward'));
    const columns = (
      await awkward.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = 'everything'::regclass AND attnum > 1 AND NOT attisdropped`,
      )
    ).rows.map((row) => row.name);
    // Act
    const nulls = await awkward.query(
      `SELECT ${columns.map((c) => `count(*) FILTER (WHERE "${c}" IS NULL) AS "${c}"`).join(', ')} FROM everything`,
    );
    const large = await awkward.query(`SELECT length(content) AS n FROM documents WHERE title = 'large'`);
    const unicode = await awkward.query(
      `SELECT count(*) AS n FROM everything WHERE label = '日本語のテキスト'`,
    );
    const duplicates = await awkward.query(
      `SELECT count(*) AS n FROM (SELECT 1 FROM no_primary_key GROUP BY 1, label, amount, noted_at HAVING count(*) > 1) AS d`,
    );
    // Assess
    const total = awkwardRows(ROWS);
    for (const column of columns) {
      const nullCount = Number(nulls.rows[0]?.[column]);
      expect(nullCount, column).toBeGreaterThan(0);
      expect(nullCount, column).toBeLessThan(total);
    }
    expect(columns).toHaveLength(22);
    expect(Number(large.rows[0]?.n)).toBe(LARGE_TEXT_CHARACTERS);
    expect(Number(unicode.rows[0]?.n)).toBeGreaterThan(0);
    expect(Number(duplicates.rows[0]?.n)).toBeGreaterThan(0);
  });

  it('refuses to overwrite an existing database unless asked, and a bad row count', async () => {
    // Prepare
    const serverUrl = postgres.server().url;
    const settings = demoDatabase('settings');
    if (settings === undefined) throw new Error('settings database missing');
    // Act / Assess
    await expect(seedDemoDatabase(settings, { serverUrl, rows: 10 })).rejects.toThrow(
      'database settings already exists on the server (pass replace to drop it)',
    );
    await expect(seedDemoDatabase(settings, { serverUrl, rows: 0 })).rejects.toThrow(
      'rows: must be a whole number >= 1, got 0',
    );
  });
});

describe('write load', () => {
  it('splits writes into 60% inserts, 30% updates and 10% deletes', () => {
    expect(splitOperations(10)).toEqual({ inserts: 6, updates: 3, deletes: 1 });
    expect(splitOperations(1)).toEqual({ inserts: 1, updates: 0, deletes: 0 });
    expect(splitOperations(0)).toEqual({ inserts: 0, updates: 0, deletes: 0 });
  });

  it('inserts, updates and deletes in each database, and only inserts into the table without a key', async () => {
    // Prepare
    const serverUrl = postgres.server().url;
    const orders = await connect(databaseUrl(serverUrl, 'orders'));
    const awkward = await connect(databaseUrl(serverUrl, 'awkward'));
    const settings = await connect(databaseUrl(serverUrl, 'settings'));
    const ordersBefore = await count(orders, 'order_lines');
    const looseBefore = await awkward.query(
      `SELECT count(*) AS n, sum(amount) AS s FROM no_primary_key WHERE label <> 'live'`,
    );
    // Act
    const ordersCounts = await writeBatch(orders, 'orders', 100);
    const awkwardCounts = await writeBatch(awkward, 'awkward', 100);
    const settingsCounts = await writeBatch(settings, 'settings', 100);
    // Assess
    expect(ordersCounts.inserts).toBe(60);
    expect(ordersCounts.updates).toBeGreaterThan(0);
    expect(ordersCounts.deletes).toBeGreaterThan(0);
    expect(await count(orders, 'order_lines')).toBe(ordersBefore + 60 - ordersCounts.deletes);
    expect(awkwardCounts.inserts).toBe(60);
    expect(
      Number(
        (await awkward.query(`SELECT count(*) AS n FROM no_primary_key WHERE label = 'live'`)).rows[0]?.n,
      ),
    ).toBe(30);
    const looseAfter = await awkward.query(
      `SELECT count(*) AS n, sum(amount) AS s FROM no_primary_key WHERE label <> 'live'`,
    );
    expect(looseAfter.rows[0]).toEqual(looseBefore.rows[0]);
    expect(settingsCounts).toMatchObject({ inserts: 60 });
    expect(settingsCounts.updates).toBeGreaterThan(0);
  });

  it('names the database it has no load for', async () => {
    // Prepare
    const orders = await connect(databaseUrl(postgres.server().url, 'orders'));
    // Act / Assess
    await expect(writeBatch(orders, 'nope', 10)).rejects.toThrow(
      'database: no write load for nope (known: orders, awkward, settings)',
    );
  });
});
