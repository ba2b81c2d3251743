import type { Server } from 'node:http';
import { GetDatabasesCommand, GetTablesCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refreshCatalog } from '#adapters/lake-catalog';
import { readSourceTables } from '#adapters/source-catalog';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { SCHEMA_CHANGE_OUTCOMES } from '#contracts/lake';
import { RETIRED_COLUMN_COMMENT } from '#domain/lake/catalog-plan';
import { deleteCatalog } from '#handlers/delete-catalog';
import { LocalGlue } from '#local/aws/glue/service';
import { sdkEnvironment } from '#local/aws/shared/account';
import { ManualClock } from '#local/clock';
import { createAwsServer, listen } from '#local/http/server';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { streamingTask } from '../dataplane/streaming-task.ts';
import { STREAMED_RULES, viewRows } from './catalog-lake.ts';

const postgres = usePostgres();
let server: Server;
let glue: GlueClient;

beforeAll(async () => {
  server = createAwsServer({ services: [new LocalGlue({ clock: new ManualClock(Date.UTC(2026, 0, 1)) })] });
  const endpoint = await listen(server);
  for (const [name, value] of Object.entries(sdkEnvironment(endpoint))) vi.stubEnv(name, value);
  glue = new GlueClient({ maxAttempts: 1 });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const LAYOUT = { migrationId: 'm1', databaseId: 'shop', bucket: 'lake', bucketFolder: 'raw' } as const;
const DATABASE = 'lakeshift_m1__shop';

/** What the catalog step does: read the source's tables, then bring the catalog up to date. */
const publish = async (db: TestDatabase) =>
  refreshCatalog(
    LAYOUT,
    await readSourceTables({
      credentials: {
        host: db.host,
        port: db.port,
        username: db.user,
        password: db.password,
        dbname: db.name,
      },
      database: db.name,
      sslMode: 'require',
    }),
    '2026-01-01T12:00:00Z',
  );

const catalogTables = async (): Promise<Table[]> =>
  (await glue.send(new GetTablesCommand({ DatabaseName: DATABASE }))).TableList ?? [];

const columnsOf = (tables: readonly Table[], name: string) =>
  tables.find((table) => table.Name === name)?.StorageDescriptor?.Columns ?? [];

describe('the lake catalog under schema changes', () => {
  it('adds a column added during CDC to the table and the view with the source values; a dropped column stays, reported as Schema Changed', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text, gone int)');
    await client.query(`INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20)`);
    const { lakeDir, written, done } = await streamingTask(db, { rules: STREAMED_RULES });
    const first = await publish(db);

    // Act: a column added, then written
    await client.query('ALTER TABLE t ADD COLUMN extra integer');
    await client.query(`UPDATE t SET extra = 7 WHERE id = 1; INSERT INTO t VALUES (3, 'c', 30, 9)`);
    await written();
    const added = await publish(db);
    const afterAdd = await catalogTables();
    const rowsAfterAdd = await viewRows(DATABASE, lakeDir, afterAdd);

    // Act: a column dropped, then a write
    await client.query('ALTER TABLE t DROP COLUMN gone');
    await client.query(`UPDATE t SET v = 'b2' WHERE id = 2`);
    await written();
    const dropped = await publish(db);
    const afterDrop = await catalogTables();
    const rowsAfterDrop = await viewRows(DATABASE, lakeDir, afterDrop);
    await done();

    // Assess
    expect(first.event).toBeUndefined();
    expect(added.changes).toEqual([
      expect.objectContaining({ table: 't_changes', added: ['extra'], newlyDropped: [], retyped: [] }),
    ]);
    expect(added.event).toBeUndefined();
    expect(columnsOf(afterAdd, 't').map((column) => column.Name)).toEqual(['id', 'v', 'gone', 'extra']);
    expect(columnsOf(afterAdd, 't_changes').map((column) => column.Name)).toEqual([
      'op',
      'id',
      'v',
      'gone',
      'extra',
      'dms_change_seq',
    ]);
    const sourceAfterAdd = [
      [1, 'a', 10, 7],
      [2, 'b', 20, null],
      [3, 'c', 30, 9],
    ];
    expect(rowsAfterAdd).toEqual(sourceAfterAdd);

    expect(dropped.event).toMatchObject({
      detailType: LAKESHIFT_DETAIL_TYPES.schemaChanged,
      detail: {
        migrationId: 'm1',
        databaseId: 'shop',
        glueDatabase: DATABASE,
        tables: [
          {
            table: 't_changes',
            dropped: ['gone'],
            outcome: [SCHEMA_CHANGE_OUTCOMES.dropped],
          },
        ],
      },
    });
    expect(columnsOf(afterDrop, 't')).toContainEqual({
      Name: 'gone',
      Type: 'int',
      Comment: RETIRED_COLUMN_COMMENT,
    });
    // The kept column comes after the source's own: id, v, extra, gone.
    expect(columnsOf(afterDrop, 't').map((column) => column.Name)).toEqual(['id', 'v', 'extra', 'gone']);
    expect(rowsAfterDrop).toEqual([
      [1, 'a', 7, 10],
      [2, 'b2', null, null],
      [3, 'c', 9, 30],
    ]);
    expect((await publish(db)).event).toBeUndefined();
  });
});

describe('the lake catalog at teardown', () => {
  it("deletes the database's Glue database with its tables and views, and finds nothing to do the second time", async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await publish(db);
    const before = await catalogTables();

    // Act
    const first = await deleteCatalog({ migrationId: 'm1', databaseId: 'shop', now: '2026-01-02T00:00:00Z' });
    const second = await deleteCatalog({
      migrationId: 'm1',
      databaseId: 'shop',
      now: '2026-01-02T00:00:00Z',
    });
    const left = (await glue.send(new GetDatabasesCommand({}))).DatabaseList ?? [];

    // Assess
    expect(before.map((table) => table.Name).sort()).toEqual(['t', 't_changes']);
    expect(first).toEqual({ glueDatabase: DATABASE, deleted: true });
    expect(second).toEqual({ glueDatabase: DATABASE, deleted: false });
    expect(left.map((database) => database.Name)).not.toContain(DATABASE);
  });
});
