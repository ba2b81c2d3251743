import type { Server } from 'node:http';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetTablesCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSourceTables } from '#adapters/source-catalog';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { SCHEMA_CHANGE_OUTCOMES } from '#contracts/lake';
import { catalogSourceOf, selectedTables } from '#domain/lake/catalog-source';
import { LocalGlue } from '#local/aws/glue/service';
import { sdkEnvironment } from '#local/aws/shared/account';
import { ManualClock } from '#local/clock';
import { createAwsServer, listen } from '#local/http/server';
import { LocalStateMachines } from '#test/local-state-machines';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { keyOf, planFor, useHandlerWorld } from '../../unit/handlers/fixtures.ts';
import { streamingTask } from '../dataplane/streaming-task.ts';
import { STREAMED_RULES, viewRows } from './catalog-lake.ts';

const world = useHandlerWorld();
const postgres = usePostgres();
const events = mockClient(EventBridgeClient);
const START = Date.parse('2026-03-01T12:00:00.000Z');

let server: Server;
let glue: GlueClient;
let runtime: LocalStateMachines;
/** The source the test's database reads; read-source-tables reaches it through the same adapter as the handler. */
let source: TestDatabase | undefined;

beforeAll(async () => {
  server = createAwsServer({ services: [new LocalGlue({ clock: new ManualClock(START) })] });
  const endpoint = await listen(server);
  // Glue on the local AWS; the registry stays on the handler world's DynamoDB.
  vi.stubEnv('AWS_ENDPOINT_URL_GLUE', sdkEnvironment(endpoint).AWS_ENDPOINT_URL ?? endpoint);
  glue = new GlueClient({ maxAttempts: 1 });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event' }] });
  runtime = await new LocalStateMachines({
    start: START,
    bindings: {
      // The handler's secret and TLS handling have their own tests; here the same adapter reads the test's source.
      'read-source-tables': () => async (payload) => {
        if (!source) throw new Error('no source database');
        const item = await world.registry().require(payload as { migrationId: string; databaseId: string });
        const tables = await readSourceTables({
          credentials: {
            host: source.host,
            port: source.port,
            username: source.user,
            password: source.password,
            dbname: source.name,
          },
          database: source.name,
          sslMode: 'require',
        });
        return { tables: selectedTables(catalogSourceOf(item), tables) };
      },
    },
  }).deploy();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A database in CDC whose plan points its catalog at the folder the local data plane writes. */
const seedInCdc = async () => {
  const plan = planFor('refresh', 'shop');
  const target = plan.targetEndpoint;
  await world.seed(
    {
      ...plan,
      targetEndpoint: {
        ...target,
        S3Settings: { ...target.S3Settings, BucketName: 'lake', BucketFolder: 'raw' },
      },
      task: { ...plan.task, TableMappings: JSON.stringify({ rules: STREAMED_RULES }) },
    } as typeof plan,
    'CDC',
  );
  return plan;
};

const GLUE_DATABASE = 'lakeshift_refresh__shop';

const catalogTables = async (): Promise<Table[]> =>
  (await glue.send(new GetTablesCommand({ DatabaseName: GLUE_DATABASE }))).TableList ?? [];

const columnNames = (tables: readonly Table[], name: string) =>
  (tables.find((table) => table.Name === name)?.StorageDescriptor?.Columns ?? []).map(
    (column) => column.Name,
  );

const schemaChangedEvents = () =>
  events
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .filter((entry) => entry.DetailType === LAKESHIFT_DETAIL_TYPES.schemaChanged)
    .map((entry) => JSON.parse(entry.Detail ?? '{}'));

describe('State machine: refresh-catalogs (the scheduled catalog refresh)', () => {
  it('brings a column added during CDC into the catalog and the view, and reports a dropped column as Schema Changed', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    source = db;
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text, gone int)');
    await client.query(`INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20)`);
    const plan = await seedInCdc();
    const { lakeDir, written, done } = await streamingTask(db, { rules: STREAMED_RULES });
    const first = await runtime.run('refresh-catalogs', {});

    // Act: a column added during CDC, written, then the scheduled refresh
    await client.query('ALTER TABLE t ADD COLUMN extra integer');
    await client.query(`UPDATE t SET extra = 7 WHERE id = 1; INSERT INTO t VALUES (3, 'c', 30, 9)`);
    await written();
    const afterAddRun = await runtime.run('refresh-catalogs', {});
    const afterAdd = await catalogTables();
    const rowsAfterAdd = await viewRows(GLUE_DATABASE, lakeDir, afterAdd);
    const eventsAfterAdd = schemaChangedEvents();

    // Act: a column dropped, a write, then the scheduled refresh
    await client.query('ALTER TABLE t DROP COLUMN gone');
    await client.query(`UPDATE t SET v = 'b2' WHERE id = 2`);
    await written();
    const afterDropRun = await runtime.run('refresh-catalogs', {});
    await done();

    // Assess
    expect([first.status, afterAddRun.status, afterDropRun.status]).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(columnNames(afterAdd, 't')).toEqual(['id', 'v', 'gone', 'extra']);
    expect(rowsAfterAdd).toEqual([
      [1, 'a', 10, 7],
      [2, 'b', 20, null],
      [3, 'c', 30, 9],
    ]);
    expect(eventsAfterAdd).toEqual([]);
    expect(schemaChangedEvents()).toEqual([
      expect.objectContaining({
        ...keyOf(plan),
        glueDatabase: GLUE_DATABASE,
        tables: [
          expect.objectContaining({
            table: 't_changes',
            dropped: ['gone'],
            outcome: [SCHEMA_CHANGE_OUTCOMES.dropped],
          }),
        ],
      }),
    ]);
  });

  it('lists only the databases in CDC for the refresh', async () => {
    // Prepare
    await world.seed(planFor('refresh-cdc', 'billing'), 'CDC');
    await world.seed(planFor('refresh-loading', 'billing'), 'FULL_LOAD');
    await world.seed(planFor('refresh-stopped', 'billing'), 'STOPPED');

    // Act
    const listed = (await runtime.invoke('list-cdc-databases', { now: '2026-03-01T12:00:00Z' })) as {
      databases: { migrationId: string }[];
    };

    // Assess
    const migrations = listed.databases.map((database) => database.migrationId);
    expect(migrations).toContain('refresh-cdc');
    expect(migrations).not.toContain('refresh-loading');
    expect(migrations).not.toContain('refresh-stopped');
  });
});
