import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sep } from 'node:path';
import {
  CreateEndpointCommand,
  CreateReplicationTaskCommand,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
  StopReplicationTaskCommand,
  type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELOAD_TABLE_FOLDER_READINGS, type ReloadTableFolder } from '#local/dataplane/choices';
import { firstLoadTreatment, reloadTreatment } from '#local/dataplane/lake';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { createLakeReader } from '#local/verify/lake-replay';
import { verifyDatabase } from '#local/verify/verify';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { dropInactiveReplicationSlots, replicationSlotsOn } from '#test/replication-slots';
import {
  ALL_TABLES,
  availableInstance,
  createS3Target,
  type Harness,
  startHarness,
  startTask,
} from '../dms/support/harness.ts';
import { CdcDriver } from './cdc-driver.ts';
import { newLake, tableFiles } from './lake-queries.ts';

const postgres = usePostgres();
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  // Each harness numbers its tasks from the start, so the slot names derived from them repeat.
  await dropInactiveReplicationSlots(postgres.server().url);
});

const FOLDER = 'raw';
const POLL_MS = 500;

interface RunningTask {
  readonly harness: Harness;
  readonly driver: CdcDriver;
  readonly lakeDir: string;
  readonly taskArn: string;
  readonly reloaded: Promise<{ readonly table: string; readonly rows?: number; readonly error?: string }>;
}

/** A full-load-and-cdc task of the emulated DMS on the real data plane, streaming changes of `db`. */
const runningTask = async (db: TestDatabase, reading: ReloadTableFolder): Promise<RunningTask> => {
  const lakeDir = await newLake();
  const driver = new CdcDriver();
  let reloadEnded: (info: { table: string; rows?: number; error?: string }) => void = () => undefined;
  const reloaded = new Promise<{ table: string; rows?: number; error?: string }>((resolve) => {
    reloadEnded = resolve;
  });
  const workload = createPostgresToS3Workload({
    lakeDir,
    resolveSecret: async (id) => {
      throw new Error(`no secret ${id} in this test`);
    },
    pollIntervalMs: POLL_MS,
    undocumented: { reloadTableFolder: reading },
    observer: driver.observer({ tableReloaded: (info) => reloadEnded(info) }),
  });
  const started = await startHarness({ workloadFor: () => workload });
  harness = started;
  const instanceArn = await availableInstance(started, 'reload-rep');
  const source = await started.client.send(
    new CreateEndpointCommand({
      EndpointIdentifier: 'reload-source',
      EndpointType: 'source',
      EngineName: 'postgres',
      ServerName: db.host,
      Port: db.port,
      DatabaseName: db.name,
      Username: db.user,
      Password: db.password,
      SslMode: 'none',
    }),
  );
  const target = await createS3Target(started, FOLDER);
  const created = await started.client.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: 'reload-task',
      SourceEndpointArn: source.Endpoint?.EndpointArn,
      TargetEndpointArn: target.EndpointArn,
      ReplicationInstanceArn: instanceArn,
      MigrationType: 'full-load-and-cdc',
      TableMappings: ALL_TABLES,
      // lakeshift's tasks truncate before a load (a reload applies it too).
      ReplicationTaskSettings: JSON.stringify({
        FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD' },
      }),
    }),
  );
  const taskArn = created.ReplicationTask?.ReplicationTaskArn ?? '';
  await started.advance(DEFAULT_DURATIONS.taskCreate);
  await startTask(started, taskArn);
  await started.advance(DEFAULT_DURATIONS.taskStart);
  await driver.streaming;
  return { harness: started, driver, lakeDir, taskArn, reloaded };
};

const statisticsOf = async (task: RunningTask, table: string): Promise<TableStatistics | undefined> =>
  (
    await task.harness.client.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: task.taskArn }))
  ).TableStatistics?.find((statistics) => statistics.TableName === table);

/** The table folder's files: name (relative to the folder) and the MD5 of its content. */
const folderFiles = async (lakeDir: string, table: string): Promise<Map<string, string>> => {
  const { load, cdc } = await tableFiles(lakeDir, table, FOLDER);
  const folder = `${lakeDir}/lake/${FOLDER}/public/${table}/`;
  const files = new Map<string, string>();
  for (const file of [...load, ...cdc]) {
    files.set(
      file.slice(folder.length),
      createHash('md5')
        .update(await readFile(file))
        .digest('hex'),
    );
  }
  return files;
};

/** Every table of the database compared, by the demo's verification, with its current state in the lake. */
const verifyLake = async (db: TestDatabase, lakeDir: string) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const results = await verifyDatabase({
      database: db.name,
      sourceUrl: db.url,
      lake: createLakeReader({ lakeDir, bucket: 'lake', folder: FOLDER }, connection),
    });
    return results.map((result) => [result.table, result.status]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

/**
 * Steps the task's clock a poll at a time until a reload is held at `at`: the change stream takes the tables asked
 * for between its cycles, and a step taken while a cycle runs only ends that cycle.
 */
const untilHeld = async (task: RunningTask, at: 'prepared' | 'loaded') => {
  const held = task.harness.emulator.reloads.whenHeld({ at });
  let reached = false;
  void held.then(() => {
    reached = true;
  });
  for (let step = 0; step < 100 && !reached; step++) {
    await Promise.race([task.driver.step(task.harness.clock, POLL_MS), held]);
  }
  return held;
};

/** Steps the task's clock until a CDC cycle wrote files and holds no rows back. */
const allWritten = (task: RunningTask) =>
  task.driver.stepUntil(
    task.harness.clock,
    POLL_MS,
    (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0,
  );

/** Once the reload ends and its cached changes are written: how it ended, the items' statistics, the verification. */
const reloadEnded = async (task: RunningTask, db: TestDatabase) => {
  const outcome = await task.reloaded;
  await allWritten(task);
  return {
    outcome,
    after: await statisticsOf(task, 'items'),
    verified: await verifyLake(db, task.lakeDir),
  };
};

describe('ReloadTables on the PostgreSQL data plane', () => {
  it.each(RELOAD_TABLE_FOLDER_READINGS)(
    'reloads a table while another session writes to it, the lake equal to the source afterwards (folder %s)',
    async (reading) => {
      // Prepare: two tables loaded and streaming, one change of items already in a CDC file.
      const db = await postgres.createDatabase('reload');
      const writer = await db.connect();
      await writer.query(`CREATE TABLE items (id int PRIMARY KEY, v text);
        CREATE TABLE other (id int PRIMARY KEY, v text);
        INSERT INTO items SELECT i, 'v' || i FROM generate_series(1, 100) AS i;
        INSERT INTO other VALUES (1, 'one');`);
      const task = await runningTask(db, reading);
      await writer.query(`UPDATE items SET v = 'before reload' WHERE id = 1`);
      await allWritten(task);
      const before = await folderFiles(task.lakeDir, 'items');
      const { emulator } = task.harness;
      emulator.reloads.hold({ table: 'public.items', at: 'prepared' });
      emulator.reloads.hold({ table: 'public.items', at: 'loaded' });

      // Act: the reload starts and stops before reading the table; changes to both tables go on.
      await task.harness.client.send(
        new ReloadTablesCommand({
          ReplicationTaskArn: task.taskArn,
          TablesToReload: [{ SchemaName: 'public', TableName: 'items' }],
        }),
      );
      const requested = await statisticsOf(task, 'items');
      await untilHeld(task, 'prepared');
      await writer.query(`UPDATE items SET v = 'during' WHERE id = 2;
        DELETE FROM items WHERE id = 3;
        INSERT INTO other VALUES (2, 'two');`);
      const otherWritten = await task.driver.stepUntil(task.harness.clock, POLL_MS, (cycle) =>
        cycle.filesWritten.some((file) => file.includes(`${sep}other${sep}`)),
      );
      const prepared = await folderFiles(task.lakeDir, 'items');
      const otherDuring = await folderFiles(task.lakeDir, 'other');
      const whilePrepared = await statisticsOf(task, 'items');
      // The table is read; changes after its snapshot must come from the cached changes.
      emulator.reloads.release({ at: 'prepared' });
      await emulator.reloads.whenHeld({ at: 'loaded' });
      await writer.query(`UPDATE items SET v = 'after snapshot' WHERE id = 4;
        INSERT INTO items VALUES (101, 'new');
        DELETE FROM items WHERE id = 5;`);
      await task.driver.step(task.harness.clock, POLL_MS);
      const loaded = await folderFiles(task.lakeDir, 'items');
      const whileLoaded = await statisticsOf(task, 'items');
      emulator.reloads.release();
      const { outcome, after, verified } = await reloadEnded(task, db);
      await writer.end();

      // Assess: the states DescribeTableStatistics went through.
      expect(requested?.TableState).toBe('Table is being reloaded');
      expect(whilePrepared?.TableState).toBe('Table is being reloaded');
      expect(whileLoaded?.TableState).toBe('Table is being reloaded');
      expect(outcome).toEqual({ table: 'public.items', rows: 99 });
      expect(after).toMatchObject({
        TableState: 'Table completed',
        FullLoadReloaded: true,
        FullLoadRows: 99,
      });
      // Changes of the table being reloaded are cached, the other table's written as they come.
      expect([...prepared.keys()].filter((name) => !before.has(name))).toEqual([]);
      expect(otherDuring.size).toBeGreaterThan(0);
      expect(otherWritten.filesWritten.filter((file) => file.includes(`${sep}items${sep}`))).toEqual([]);
      expect(otherWritten.rowsBuffered).toBe(2);
      // The folder under the reading of what DMS does with it.
      const loads = (files: Map<string, string>) =>
        [...files.keys()].filter((name) => name.startsWith('LOAD'));
      const changeFiles = (files: Map<string, string>) =>
        [...files.keys()].filter((name) => !name.startsWith('LOAD'));
      if (reading === 'emptied') {
        expect(prepared.size).toBe(0);
        expect(loads(loaded)).toEqual(['LOAD00000001.parquet']);
        expect(changeFiles(loaded)).toEqual([]);
      } else {
        expect(prepared).toEqual(before);
        expect(changeFiles(loaded)).toEqual(changeFiles(before));
        expect(loads(loaded)).toEqual(
          reading === 'kept, numbered on'
            ? ['LOAD00000001.parquet', 'LOAD00000002.parquet']
            : ['LOAD00000001.parquet'],
        );
        expect(loaded.get('LOAD00000001.parquet') === before.get('LOAD00000001.parquet')).toBe(
          reading === 'kept, numbered on',
        );
      }
      // Afterwards the lake's current state of every table is the source's.
      expect(verified).toEqual([
        ['items', 'equal'],
        ['other', 'equal'],
      ]);
    },
    120_000,
  );
});

describe('ReloadTables on the PostgreSQL data plane, across a stop', () => {
  it('reloads again, once the task is resumed, a table whose reload the stop interrupted', async () => {
    // Prepare: a reload held before it reads the table.
    const db = await postgres.createDatabase('reload');
    const writer = await db.connect();
    await writer.query(`CREATE TABLE items (id int PRIMARY KEY, v text);
      INSERT INTO items SELECT i, 'v' || i FROM generate_series(1, 20) AS i;`);
    const task = await runningTask(db, 'emptied');
    const { emulator } = task.harness;
    emulator.reloads.hold({ table: 'public.items', at: 'prepared' });
    await task.harness.client.send(
      new ReloadTablesCommand({
        ReplicationTaskArn: task.taskArn,
        TablesToReload: [{ SchemaName: 'public', TableName: 'items' }],
      }),
    );
    await untilHeld(task, 'prepared');
    await writer.query(`UPDATE items SET v = 'while stopped' WHERE id = 7; DELETE FROM items WHERE id = 8;`);

    // Act
    await task.harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: task.taskArn }));
    await task.harness.advance(DEFAULT_DURATIONS.taskStop);
    const stopped = await statisticsOf(task, 'items');
    // The stopped run lets go of its slot in real time; a resume that meets it still read fails and is retried.
    await vi.waitFor(
      async () => {
        const { slots } = await replicationSlotsOn(postgres.server().url);
        if (slots.some((slot) => slot.endsWith(`(${db.name}, active)`)))
          throw new Error('the slot is still read');
      },
      { timeout: 20_000, interval: 20 },
    );
    emulator.reloads.release();
    await startTask(task.harness, task.taskArn, 'resume-processing');
    await task.harness.advance(DEFAULT_DURATIONS.taskStart);
    const { outcome, after, verified } = await reloadEnded(task, db);
    await writer.end();

    // Assess
    expect(stopped?.TableState).toBe('Table is being reloaded');
    expect(outcome).toEqual({ table: 'public.items', rows: 19 });
    expect(after).toMatchObject({ TableState: 'Table completed', FullLoadReloaded: true });
    expect(verified).toEqual([['items', 'equal']]);
  }, 120_000);
});

describe('the folder treatment of a load', () => {
  it('empties on a reload only when DMS truncates, and numbers as the reading says', () => {
    // Act
    const treatments = RELOAD_TABLE_FOLDER_READINGS.flatMap((reading) => [
      reloadTreatment('TRUNCATE_BEFORE_LOAD', reading),
      reloadTreatment('DO_NOTHING', reading),
    ]);

    // Assess
    expect(treatments).toEqual([
      { empty: true, numbering: 'from-one' },
      { empty: false, numbering: 'after-existing' },
      { empty: false, numbering: 'after-existing' },
      { empty: false, numbering: 'after-existing' },
      { empty: false, numbering: 'from-one' },
      { empty: false, numbering: 'from-one' },
    ]);
    expect(firstLoadTreatment('DROP_AND_CREATE')).toEqual({ empty: true, numbering: 'from-one' });
  });
});
