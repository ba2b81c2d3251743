/**
 * A table resync on the local AWS while writes go on at the source (docs/lake.md, "Resync"): one PostgreSQL table
 * migrated to CDC with its catalog, then resynced with its reload held after the folder is treated and again after
 * the new LOAD files are written, its view sampled through the catalog at each hold and while the resync ends. Each
 * reading of what a reload does to the folder runs in a file of its own (the handlers' AWS clients are made once per
 * process, for the first local endpoint).
 */
import { GetTablesCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKESHIFT_DETAIL_TYPES, LAKESHIFT_EVENT_SOURCE } from '#contracts/events';
import { GENERATION_PARAMETERS } from '#contracts/lake';
import { glueDatabaseName } from '#domain/lake/names';
import type { ReloadTableFolder } from '#local/dataplane/choices';
import { createCatalogLakeReader } from '#local/verify/catalog-reader';
import { credentialsOf, usePostgres } from '#test/postgres';
import { pollUntil } from '../../cli/run-cli.ts';
import { type E2eRun, executionsOf, migrateToCdc, startE2eRun } from './harness.ts';

export const describeResyncWhileWriting = (reading: ReloadTableFolder): void => {
  const MIGRATION_ID = `e2e-resync-${reading.replaceAll(/[^a-z]+/g, '-')}`;
  const DATABASE_ID = 'shop';
  const GLUE_DATABASE = glueDatabaseName(MIGRATION_ID, DATABASE_ID);
  const FIRST_ROWS = 300;

  const postgres = usePostgres();
  let run: E2eRun;
  let source: pg.Client;
  let glue: GlueClient;

  /**
   * The source table as the test changes it: every committed state, in order. A view of the table may lag the source,
   * but whatever it shows must be one of these states exactly: never a state that mixes two loads, never a key twice.
   */
  const model = new Map<number, string>();
  const committedStates: string[] = [];
  const stateOf = (rows: Iterable<readonly [number, string]>): string =>
    JSON.stringify([...rows].sort(([a], [b]) => a - b));
  let nextId = FIRST_ROWS + 1;
  let writes = 0;

  /** One transaction at the source (an update, an insert and a delete), recorded once committed. */
  const writeTransaction = async (): Promise<void> => {
    writes += 1;
    const updated = ((writes * 7) % (nextId - 1)) + 1;
    const deleted = ((writes * 13) % (nextId - 1)) + 1;
    const inserted = nextId++;
    await source.query('BEGIN');
    await source.query('UPDATE t SET v = $2 WHERE id = $1', [updated, `u${writes}`]);
    await source.query('INSERT INTO t VALUES ($1, $2)', [inserted, `i${writes}`]);
    await source.query('DELETE FROM t WHERE id = $1', [deleted]);
    await source.query('COMMIT');
    if (model.has(updated)) model.set(updated, `u${writes}`);
    model.set(inserted, `i${writes}`);
    model.delete(deleted);
    committedStates.push(stateOf(model));
  };

  const catalogTables = async (): Promise<Table[]> =>
    (await glue.send(new GetTablesCommand({ DatabaseName: GLUE_DATABASE }))).TableList ?? [];

  const viewOf = (tables: readonly Table[]) => tables.find((table) => table.Name === 't');

  /** The table's view read through the catalog (its locations, columns and view SQL, as Athena reads them). */
  /** A file listed but deleted before it was read (the prune, or a reload writing over it). */
  const FILE_GONE = /No files found that match the pattern/;
  /** Reads again when a file went between the listing and the read, as a query that met a deleted object is run again. */
  const READ_ATTEMPTS = 5;

  const sampleView = async (): Promise<Sample> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await readView();
      } catch (error) {
        if (attempt >= READ_ATTEMPTS || !(error instanceof Error) || !FILE_GONE.test(error.message))
          throw error;
      }
    }
  };

  const readView = async () => {
    const tables = await catalogTables();
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = createCatalogLakeReader(
        { databaseName: GLUE_DATABASE, tables },
        run.aws.lakeDir,
        connection,
      );
      const view = await reader.open({ schema: 'public', table: 't' }, ['id']);
      if (!view) throw new Error('the catalog has no readable view of public.t');
      const rows = (await connection.runAndReadAll(`SELECT id, v FROM ${view.relation}`)).getRows();
      const ids = rows.map(([id]) => Number(id));
      return {
        viewState: viewOf(tables)?.Parameters?.[GENERATION_PARAMETERS.viewState] ?? 'current',
        duplicateKeys: ids.length - new Set(ids).size,
        state: stateOf(rows.map(([id, v]) => [Number(id), String(v)] as const)),
      };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  };

  type Sample = Awaited<ReturnType<typeof readView>>;

  const resyncExecutions = () => executionsOf(run, 'resync-table');

  beforeAll(async () => {
    const db = await postgres.createDatabase(DATABASE_ID);
    source = await db.connect();
    await source.query(
      `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, ${FIRST_ROWS}) AS i`,
    );
    for (let id = 1; id <= FIRST_ROWS; id++) model.set(id, `v${id}`);
    committedStates.push(stateOf(model));
    run = await startE2eRun({
      migrationId: MIGRATION_ID,
      databaseIds: [DATABASE_ID],
      clockSpeed: 300,
      dataPlaneChoices: { reloadTableFolder: reading },
      sources: { [DATABASE_ID]: { ...credentialsOf(db), dbname: db.name } },
    });
    glue = new GlueClient({
      endpoint: run.aws.endpoint,
      region: run.aws.region,
      credentials: run.aws.credentials,
    });
  }, 60_000);

  afterAll(async () => {
    glue?.destroy();
    await run?.stop();
  });

  describe(`a table resync on the local AWS, while CDC writes go on (reload: folder ${reading})`, () => {
    it('never shows a mix of the old load and the new one, and ends with the view equal to the source', {
      timeout: 300_000,
    }, async () => {
      // Prepare: the database in CDC with its catalog, and a few changes in the lake.
      await migrateToCdc(run);
      await pollUntil('the catalog of shop', async () => viewOf(await catalogTables()) !== undefined);
      for (let i = 0; i < 3; i++) await writeTransaction();
      await pollUntil(
        'the lake to catch up with the source',
        async () => (await sampleView()).state === stateOf(model),
      );

      // Act: the resync, held at both points of its reload, sampled at each while writes go on.
      const reloads = run.aws.dms.reloads;
      reloads.hold({ table: 'public.t', at: 'prepared' });
      reloads.hold({ table: 'public.t', at: 'loaded' });
      const samples: Sample[] = [];
      const writeAndSample = async (times: number) => {
        for (let i = 0; i < times; i++) {
          await writeTransaction();
          samples.push(await sampleView());
        }
      };
      await sendResync();
      await reloads.whenHeld({ table: 'public.t', at: 'prepared' });
      await writeAndSample(3);
      reloads.release({ table: 'public.t', at: 'prepared' });
      await reloads.whenHeld({ table: 'public.t', at: 'loaded' });
      await writeAndSample(3);
      reloads.release({ table: 'public.t', at: 'loaded' });
      await pollUntil('the resync to end', async () => {
        await writeAndSample(1);
        return resyncExecutions().some((execution) => execution.status !== 'RUNNING');
      });
      await pollUntil(
        'the view to show the source',
        async () => (await sampleView()).state === stateOf(model),
      );
      const final = await sampleView();
      const tablesAfter = await catalogTables();

      // Assess
      expect(resyncExecutions().map((execution) => execution.status)).toEqual(['SUCCEEDED']);
      for (const [index, sample] of samples.entries()) {
        expect(sample.duplicateKeys, `sample ${index}`).toBe(0);
        expect(committedStates, `sample ${index} (${sample.viewState})`).toContain(sample.state);
      }
      expect(samples.slice(0, 6).map((sample) => sample.viewState)).toEqual(Array(6).fill('reloading'));
      expect(final).toMatchObject({ viewState: 'current', duplicateKeys: 0, state: stateOf(model) });
      expect(run.eventsOf(LAKESHIFT_DETAIL_TYPES.tableResynced)).toHaveLength(1);
      expect(tablesAfter.map((table) => table.Name).sort()).toEqual(['t', 't_changes']);
      expect(viewOf(tablesAfter)?.Parameters?.[GENERATION_PARAMETERS.generation]).toBe('1');
    });
  });

  const sendResync = async () => {
    const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const events = new EventBridgeClient({
      endpoint: run.aws.endpoint,
      region: run.aws.region,
      credentials: run.aws.credentials,
    });
    try {
      await events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: LAKESHIFT_EVENT_SOURCE,
              DetailType: LAKESHIFT_DETAIL_TYPES.tableResyncRequested,
              Detail: JSON.stringify({
                migrationId: MIGRATION_ID,
                databaseId: DATABASE_ID,
                schemaName: 'public',
                tableName: 't',
              }),
              EventBusName: run.aws.stack.eventBusName,
            },
          ],
        }),
      );
    } finally {
      events.destroy();
    }
  };
};
