import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dropReplicationSlot } from '#adapters/postgres';
import { listLakeTableFiles } from '#local/dataplane/replay';
import {
  createPostgresToS3Workload,
  type DataPlaneObserver,
  generatedSlotName,
  type PostgresToS3WorkloadOptions,
} from '#local/dataplane/workload';
import { credentialsOf, type TestDatabase, usePostgres } from '#test/postgres';
import { CdcDriver } from './cdc-driver.ts';
import { allTypesDatabase, allTypesRows, expectedAllTypes, expectedNoKey, lakeRows } from './fixtures.ts';
import {
  fileList,
  newLake,
  parquetColumns,
  queryDuckDb,
  sortedRows,
  tableDir,
  tableFiles,
} from './lake-queries.ts';
import { type FakeTaskOptions, fakeTask, secretFor, taskArnOf } from './task-context.ts';

const postgres = usePostgres();

const slotOf = (db: TestDatabase): string => generatedSlotName(taskArnOf(db));

/** Runs a task in the background with a CDC driver attached. */
const startTask = (
  db: TestDatabase,
  lakeDir: string,
  task: Omit<FakeTaskOptions, 'db'>,
  observer: DataPlaneObserver = {},
  workloadOptions: Partial<PostgresToS3WorkloadOptions> = {},
) => {
  const driver = new CdcDriver();
  const fake = fakeTask({
    db,
    ...task,
    taskArn: taskArnOf(db),
  });
  const workload = createPostgresToS3Workload({
    ...workloadOptions,
    lakeDir,
    resolveSecret: secretFor(db),
    observer: driver.observer(observer),
  });
  const outcome = workload.run(fake.ctx);
  driver.watch(outcome);
  return { driver, fake, outcome };
};

/** `[Op, id]` of every row of the table's CDC files, in write order. */
const cdcOps = async (lakeDir: string, table: string): Promise<Array<[string, number]>> => {
  const files = (await listLakeTableFiles(tableDir(lakeDir, table))).cdc;
  if (files.length === 0) return [];
  const ops: Array<[string, number]> = [];
  for (const file of files) {
    for (const [op, id] of await queryDuckDb(`SELECT "Op", id FROM read_parquet('${file}')`)) {
      ops.push([String(op), Number(id)]);
    }
  }
  return ops;
};

const countOf = (ops: ReadonlyArray<[string, number]>, op: string, id: number): number =>
  ops.filter(([o, i]) => o === op && i === id).length;

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, index) => from + index);

const slotPosition = async (
  client: pg.Client,
  slot: string,
): Promise<{ confirmed: string; pending: number }> => {
  const found = await client.query<{ confirmed: string }>(
    'SELECT confirmed_flush_lsn::text AS confirmed FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const pending = await client.query<{ count: string }>(
    'SELECT count(*)::text AS count FROM pg_logical_slot_peek_changes($1, NULL, NULL)',
    [slot],
  );
  return { confirmed: found.rows[0]?.confirmed ?? '', pending: Number(pending.rows[0]?.count ?? 0) };
};

describe('change data capture', () => {
  it('captures changes made during and after the full load so that LOAD then CDC files rebuild the source', async () => {
    // Prepare
    const { db, client } = await allTypesDatabase(postgres);
    // What the lake must hold for the table without a key: its inserts only (DMS ignores its updates and deletes).
    await client.query('CREATE SCHEMA expected; CREATE TABLE expected.no_key AS TABLE no_key');
    const lakeDir = await newLake();
    const duringLoad = async (info: { created: boolean }) => {
      if (!info.created) return;
      await client.query(allTypesRows(11));
      await client.query(`UPDATE all_types SET body = 'changed during load', small = 2 WHERE id = 1;
        DELETE FROM all_types WHERE id = 2;
        INSERT INTO no_key VALUES ('c', 2, '2026-02-02 00:00:00+00'); INSERT INTO expected.no_key VALUES ('c', 2, '2026-02-02 00:00:00+00');
        UPDATE no_key SET amount = 99 WHERE kind = 'a'; DELETE FROM no_key WHERE kind = 'b';`);
      await client.query(`BEGIN; INSERT INTO all_types (id, body) VALUES (100, 'rolled back'); ROLLBACK`);
    };

    // Act
    const { driver, fake, outcome } = startTask(
      db,
      lakeDir,
      {
        s3Settings: {
          IncludeOpForFullLoad: true,
          TimestampColumnName: 'commit_ts',
          DatePartitionEnabled: true,
          CdcMaxBatchInterval: 5,
        },
        postgreSqlSettings: { MapBooleanAsBoolean: true },
      },
      { slotReady: duringLoad },
    );
    await driver.streaming;
    await client.query(allTypesRows(21));
    await client.query(`UPDATE all_types SET flag = NOT flag, docb = '{"after": true}' WHERE id IN (3, 11);
      DELETE FROM all_types WHERE id = 12; UPDATE all_types SET num = 1.23 WHERE id = 21;
      INSERT INTO no_key VALUES ('d', 3, NULL); INSERT INTO expected.no_key VALUES ('d', 3, NULL);
      UPDATE no_key SET kind = 'z' WHERE kind = 'c'`);
    await client.query(`BEGIN; DELETE FROM all_types; ROLLBACK`);
    const written = new Set<string>();
    await driver.stepUntil(fake.clock, 1000, (cycle) => {
      for (const file of cycle.filesWritten) written.add(basename(dirname(dirname(dirname(dirname(file))))));
      return written.has('all_types') && written.has('no_key');
    });
    fake.controller.abort();

    // Assess
    expect(await outcome).toBeUndefined();
    expect(await lakeRows(lakeDir, 'all_types', { key: ['id'], timestampColumnName: 'commit_ts' })).toEqual(
      await expectedAllTypes(client),
    );
    const noKeyExpected = await client.query({
      text: `SELECT kind, amount::text, (at AT TIME ZONE 'UTC')::text FROM expected.no_key`,
      rowMode: 'array',
    });
    expect(sortedRows(await lakeRows(lakeDir, 'no_key', { timestampColumnName: 'commit_ts' }))).toEqual(
      sortedRows(noKeyExpected.rows),
    );
    expect(sortedRows(await expectedNoKey(client))).not.toEqual(sortedRows(noKeyExpected.rows));
    const ops = await cdcOps(lakeDir, 'all_types');
    expect(ops.some(([, id]) => id === 100)).toBe(false);
    expect(new Set(ops.map(([op]) => op))).toEqual(new Set(['I', 'U', 'D']));
    // The snapshot taken with the slot keeps changes made during the load out of the LOAD files.
    const loadIds = await loadFileIds(lakeDir, 'all_types');
    expect(loadIds).toEqual([1, 2, 3, 4]);
    const folders = (await listLakeTableFiles(tableDir(lakeDir, 'all_types'))).cdc.map((file) =>
      relative(tableDir(lakeDir, 'all_types'), dirname(file)),
    );
    expect(folders.every((folder) => /^\d{4}\/\d{2}\/\d{2}$/.test(folder))).toBe(true);
    expect(fake.table('public.all_types')).toMatchObject({ Inserts: 8, Deletes: 2 });
  });

  it('stops after the cached changes, then resumes twice across a class change without losing or repeating a change', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE events (id int PRIMARY KEY, v text);
      INSERT INTO events SELECT g, 'v' || g FROM generate_series(1, 100) g`);
    const lakeDir = await newLake();
    const settings = {
      s3Settings: { IncludeOpForFullLoad: true, CdcMaxBatchInterval: 10 },
      fullLoadSettings: { StopTaskCachedChangesApplied: true },
    };
    const cached = async (info: { created: boolean }) => {
      if (info.created)
        await client.query(`INSERT INTO events SELECT g, 'cached' FROM generate_series(101, 110) g`);
    };

    // Act
    const first = startTask(db, lakeDir, settings, { slotReady: cached });
    const firstOutcome = await first.outcome;
    await client.query(`INSERT INTO events SELECT g, 'while stopped' FROM generate_series(111, 120) g;
      UPDATE events SET v = 'updated while stopped' WHERE id <= 5`);
    // The instance was stepped down while the task was stopped: the resumed run sees another class.
    const second = startTask(db, lakeDir, {
      ...settings,
      startType: 'resume-processing',
      checkpoint: first.fake.checkpoint(),
      clock: first.fake.clock,
      instance: { identifier: 'rep-one', instanceClass: 'dms.t3.medium', vCpu: 2, memoryGiB: 4 },
    });
    await second.driver.streaming;
    await second.driver.stepUntil(second.fake.clock, 1000, (cycle) => cycle.filesWritten.length > 0);
    await client.query(`INSERT INTO events SELECT g, 'buffered at stop' FROM generate_series(121, 130) g`);
    await second.driver.stepUntil(second.fake.clock, 1000, (cycle) => cycle.rowsBuffered === 10);
    second.fake.controller.abort();
    await second.outcome;
    const third = startTask(db, lakeDir, {
      ...settings,
      startType: 'resume-processing',
      checkpoint: second.fake.checkpoint(),
      clock: second.fake.clock,
    });
    await third.driver.streaming;
    await third.driver.stepUntil(third.fake.clock, 1000, (cycle) => cycle.filesWritten.length > 0);
    third.fake.controller.abort();
    await third.outcome;

    // Assess
    expect(firstOutcome).toEqual({ kind: 'stopped', stopReason: 'STOPPED_AFTER_CACHED_EVENTS' });
    expect(first.fake.fullLoadFinished()).toBe(1);
    expect(second.fake.fullLoadFinished()).toBe(0);
    const ops = await cdcOps(lakeDir, 'events');
    expect(range(101, 130).map((id) => countOf(ops, 'I', id))).toEqual(range(101, 130).map(() => 1));
    expect(range(1, 5).map((id) => countOf(ops, 'U', id))).toEqual([1, 1, 1, 1, 1]);
    expect(ops).toHaveLength(35);
    expect(await loadFileIds(lakeDir, 'events')).toEqual(range(1, 100));
    const source = await client.query({
      text: 'SELECT id::text, v FROM events ORDER BY events.id',
      rowMode: 'array',
    });
    expect(await lakeRows(lakeDir, 'events', { key: ['id'] })).toEqual(source.rows);
  });

  it('reloads only the tables a stop interrupted when a stopped full load resumes', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, v text);
      CREATE TABLE c (id int PRIMARY KEY, v text);
      INSERT INTO a SELECT g, 'a' FROM generate_series(1, 50) g; INSERT INTO b SELECT g, 'b' FROM generate_series(1, 50) g;
      INSERT INTO c SELECT g, 'c' FROM generate_series(1, 50) g`);
    const lakeDir = await newLake();
    const settings = {
      s3Settings: { CdcMaxBatchInterval: 1 },
      fullLoadSettings: { MaxFullLoadSubTasks: 1, StopTaskCachedChangesApplied: true },
    };
    const firstLoaded: string[] = [];
    const secondLoaded: string[] = [];

    // Act
    const first = startTask(db, lakeDir, settings, {
      tableLoaded: ({ table }) => {
        firstLoaded.push(table);
        // The instance starts modifying after the first table: the emulator aborts the run.
        if (firstLoaded.length === 1) first.fake.controller.abort();
      },
    });
    const firstOutcome = await first.outcome;
    await client.query(`UPDATE a SET v = 'changed while stopped'; INSERT INTO c VALUES (51, 'new')`);
    const second = startTask(
      db,
      lakeDir,
      {
        ...settings,
        startType: 'resume-processing',
        checkpoint: first.fake.checkpoint(),
        clock: first.fake.clock,
      },
      { tableLoaded: ({ table }) => secondLoaded.push(table) },
    );
    const secondOutcome = await second.outcome;

    // Assess
    expect(firstOutcome).toBeUndefined();
    expect(firstLoaded).toEqual(['public.a']);
    expect(secondLoaded.sort()).toEqual(['public.b', 'public.c']);
    expect(secondOutcome).toEqual({ kind: 'stopped', stopReason: 'STOPPED_AFTER_CACHED_EVENTS' });
    for (const table of ['a', 'b', 'c']) {
      const source = await client.query({
        text: `SELECT id::text, v FROM ${table} ORDER BY ${table}.id`,
        rowMode: 'array',
      });
      expect(await lakeRows(lakeDir, table, { key: ['id'] })).toEqual(source.rows);
    }
  });

  it('loses nothing when the process crashes after writing files and before acknowledging them', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(
      'CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items VALUES (1, $$a$$)',
    );
    const lakeDir = await newLake();
    const settings = { s3Settings: { CdcMaxBatchInterval: 2 } };
    let crashed = false;
    const crashOnce: DataPlaneObserver = {
      filesPublished: () => {
        if (crashed) return;
        crashed = true;
        throw new Error('simulated crash between file write and slot advance');
      },
    };

    // Act
    const first = startTask(db, lakeDir, settings, crashOnce);
    await first.driver.streaming;
    await client.query(
      `INSERT INTO items SELECT g, 'x' FROM generate_series(2, 20) g; UPDATE items SET v = 'b' WHERE id = 1`,
    );
    let ended = false;
    void first.outcome.then(() => {
      ended = true;
    });
    while (!ended) await Promise.race([first.driver.step(first.fake.clock, 1000), first.outcome]);
    const crashOutcome = await first.outcome;
    const afterCrash = await slotPosition(client, slotOf(db));
    const leftover = join(tableDir(lakeDir, 'items'), '.tmp-dead-20260101-000000000.parquet.partial');
    await writeFile(leftover, 'half a file');
    const restart = startTask(db, lakeDir, {
      ...settings,
      startType: 'resume-processing',
      checkpoint: first.fake.checkpoint(),
      clock: first.fake.clock,
    });
    await restart.driver.streaming;
    await restart.driver.stepUntil(restart.fake.clock, 1000, (cycle) => cycle.filesWritten.length > 0);
    restart.fake.controller.abort();
    await restart.outcome;
    const afterRestart = await slotPosition(client, slotOf(db));

    // Assess
    expect(crashOutcome).toMatchObject({ kind: 'failed', stopReason: 'RECOVERABLE_ERROR' });
    expect(afterCrash.pending).toBeGreaterThan(0);
    expect(afterRestart.pending).toBe(0);
    const ops = await cdcOps(lakeDir, 'items');
    // At least once: the changes written before the crash are written again after it.
    expect(range(2, 20).map((id) => countOf(ops, 'I', id))).toEqual(range(2, 20).map(() => 2));
    const source = await client.query({
      text: 'SELECT id::text, v FROM items ORDER BY items.id',
      rowMode: 'array',
    });
    expect(await lakeRows(lakeDir, 'items', { key: ['id'] })).toEqual(source.rows);
    expect(await readdir(tableDir(lakeDir, 'items'))).not.toContain(basename(leftover));
  });

  it('writes a table once CdcMaxBatchInterval has passed on the task clock, or sooner once it reaches CdcMinFileSize', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(
      'CREATE TABLE small (id int PRIMARY KEY, v text); CREATE TABLE large (id int PRIMARY KEY, v text)',
    );
    const lakeDir = await newLake();

    // Act
    const task = startTask(db, lakeDir, {
      migrationType: 'cdc',
      s3Settings: { CdcMaxBatchInterval: 30, CdcMinFileSize: 1 },
    });
    await task.driver.streaming;
    await client.query(`INSERT INTO small VALUES (1, 'tiny');
      INSERT INTO large SELECT g, repeat('x', 100) FROM generate_series(1, 50) g`);
    const early = await task.driver.stepUntil(task.fake.clock, 500, (cycle) => cycle.filesWritten.length > 0);
    const earlyAt = task.fake.clock.now();
    const late = await task.driver.stepUntil(task.fake.clock, 1000, (cycle) => cycle.filesWritten.length > 0);
    const lateAt = task.fake.clock.now();
    task.fake.controller.abort();
    await task.outcome;

    // Assess
    expect(early.filesWritten.map((file) => basename(dirname(file)))).toEqual(['large']);
    expect(late.filesWritten.map((file) => basename(dirname(file)))).toEqual(['small']);
    expect(lateAt - earlyAt).toBeGreaterThanOrEqual(28_000);
    expect(lateAt - earlyAt).toBeLessThanOrEqual(31_000);
  });

  it('rolls files over only when CdcMaxBatchInterval or CdcMinFileSize says so, per table, however many rows other tables hold', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE ticks (id int PRIMARY KEY, v text); CREATE TABLE wide (id int PRIMARY KEY, v text);
      CREATE TABLE bulk (id int PRIMARY KEY, v text)`);
    const lakeDir = await newLake();
    // A poll interval equal to the step makes every step one read at the step's time.
    const task = startTask(
      db,
      lakeDir,
      { migrationType: 'cdc', s3Settings: { CdcMaxBatchInterval: 10, CdcMinFileSize: 200 } },
      {},
      { pollIntervalMs: 1000 },
    );
    await task.driver.streaming;
    await task.driver.step(task.fake.clock, 1000);

    // Act: 30 seconds of steady writes; bulk gets 12,000 small rows once, at the start.
    for (let second = 1; second <= 30; second++) {
      await client.query(`INSERT INTO ticks VALUES (${second}, 't');
        INSERT INTO wide VALUES (${second}, repeat('w', 51200))`);
      if (second === 1) await client.query(`INSERT INTO bulk SELECT g, '' FROM generate_series(1, 12000) g`);
      await task.driver.step(task.fake.clock, 1000);
    }
    task.fake.controller.abort();
    await task.outcome;

    // Assess
    const rowsPerFile = async (table: string) => {
      const files = (await listLakeTableFiles(tableDir(lakeDir, table))).cdc;
      return Promise.all(
        files.map(async (file) =>
          Number((await queryDuckDb(`SELECT count(*) FROM read_parquet('${file}')`))[0]?.[0]),
        ),
      );
    };
    // ticks: first row read at second 1, so files at seconds 11 and 22 (10 s each); 8 rows still wait.
    expect(await rowsPerFile('ticks')).toEqual([11, 11]);
    // wide: about 50 KB a row reaches 200 KB with the 4th row: a file every 4 seconds, never by the interval.
    expect(await rowsPerFile('wide')).toEqual([4, 4, 4, 4, 4, 4, 4]);
    // bulk: 12,000 small rows stay under 200 KB and wait for the interval, not for other tables.
    expect(await rowsPerFile('bulk')).toEqual([12000]);
  });

  it('partitions CDC files by commit date with the sequence, delimiter and time zone asked for', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, committed timestamptz)');
    const lakeDir = await newLake();
    const zone = 'Asia/Tokyo';

    // Act
    const task = startTask(db, lakeDir, {
      migrationType: 'cdc',
      s3Settings: {
        CdcMaxBatchInterval: 1,
        DatePartitionEnabled: true,
        DatePartitionSequence: 'DDMMYYYY',
        DatePartitionDelimiter: 'DASH',
        DatePartitionTimezone: zone,
      },
    });
    await task.driver.streaming;
    await client.query('BEGIN; INSERT INTO t VALUES (1, now()); COMMIT');
    const cycle = await task.driver.stepUntil(task.fake.clock, 500, (c) => c.filesWritten.length > 0);
    const writtenAt = task.fake.clock.now();
    task.fake.controller.abort();
    await task.outcome;

    // Assess
    const committed = await client.query<{ at: Date }>('SELECT committed AS at FROM t');
    // Swedish formatting gives `YYYY-MM-DD HH:MM:SS`, an independent way to read a zone's calendar time.
    const inTokyo = (instant: Date) => instant.toLocaleString('sv-SE', { timeZone: zone });
    const [commitDate = ''] = inTokyo(committed.rows[0]?.at ?? new Date(0)).split(' ');
    const [year, month, day] = commitDate.split('-');
    const written = inTokyo(new Date(writtenAt)).replaceAll('-', '').replaceAll(':', '').replace(' ', '-');
    const [file] = cycle.filesWritten;
    expect(relative(tableDir(lakeDir, 't'), dirname(file ?? ''))).toBe(`${day}-${month}-${year}`);
    expect(basename(file ?? '')).toBe(`${written}${String(writtenAt % 1000).padStart(3, '0')}.parquet`);
  });

  it('writes only inserts, without an Op column, with CdcInsertsOnly, and inserts and updates with CdcInsertsAndUpdates', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const runWith = async (s3Settings: Record<string, unknown>, lakeDir: string) => {
      const task = startTask(db, lakeDir, {
        migrationType: 'cdc',
        s3Settings: { CdcMaxBatchInterval: 1, ...s3Settings },
      });
      await task.driver.streaming;
      await client.query(
        `INSERT INTO t VALUES (1, 'a'); UPDATE t SET v = 'b' WHERE id = 1; DELETE FROM t WHERE id = 1`,
      );
      await task.driver.stepUntil(task.fake.clock, 500, (cycle) => cycle.filesWritten.length > 0);
      task.fake.controller.abort();
      await task.outcome;
      await client.query(`SELECT pg_drop_replication_slot('${slotOf(db)}')`);
      return listLakeTableFiles(tableDir(lakeDir, 't'));
    };

    // Act
    const insertsOnly = await runWith({ CdcInsertsOnly: true }, await newLake());
    const insertsAndUpdates = await runWith({ CdcInsertsAndUpdates: true }, await newLake());

    // Assess
    const read = (file: string) => queryDuckDb(`SELECT * FROM read_parquet('${file}')`);
    expect(await read(insertsOnly.cdc[0] ?? '')).toEqual([[1, 'a']]);
    expect(await read(insertsAndUpdates.cdc[0] ?? '')).toEqual([
      ['I', 1, 'a'],
      ['U', 1, 'b'],
    ]);
  });

  it('writes NULL for an out-of-line value an update left unchanged, the value under REPLICA IDENTITY FULL, and the current value with the lookup setting', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE docs (id int PRIMARY KEY, title text, body text);
      CREATE TABLE docs_full (id int PRIMARY KEY, title text, body text);
      ALTER TABLE docs_full REPLICA IDENTITY FULL`);
    const runWith = async (undocumented: PostgresToS3WorkloadOptions['undocumented']) => {
      const lakeDir = await newLake();
      const task = startTask(
        db,
        lakeDir,
        {
          migrationType: 'cdc',
          s3Settings: { CdcMaxBatchInterval: 1 },
          targetMetadata: { LobMaxSize: 1024 },
        },
        {},
        { undocumented },
      );
      await task.driver.streaming;
      // About 64 KB of incompressible text is stored out of line (TOAST).
      for (const table of ['docs', 'docs_full']) {
        await client.query(`INSERT INTO ${table}
          SELECT 1, 'first', string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 2000) g`);
        await client.query(`UPDATE ${table} SET title = 'second' WHERE id = 1`);
      }
      const written = new Set<string>();
      await task.driver.stepUntil(task.fake.clock, 500, (cycle) => {
        for (const file of cycle.filesWritten) written.add(basename(dirname(file)));
        return written.has('docs') && written.has('docs_full');
      });
      task.fake.controller.abort();
      await task.outcome;
      await client.query(`SELECT pg_drop_replication_slot('${slotOf(db)}'); TRUNCATE docs, docs_full`);
      const bodies = async (table: string) => {
        const files = (await listLakeTableFiles(tableDir(lakeDir, table))).cdc;
        return (
          await queryDuckDb(`SELECT "Op", title, body IS NULL FROM read_parquet(${fileList(files)})`)
        ).map(([op, title, missing]) => `${op} ${title} ${missing ? 'NULL' : 'value'}`);
      };
      return { docs: await bodies('docs'), full: await bodies('docs_full') };
    };

    // Act
    const byDefault = await runWith({});
    const lookedUp = await runWith({ unchangedToast: 'lookup' });

    // Assess
    expect(byDefault).toEqual({
      docs: ['I first value', 'U second NULL'],
      full: ['I first value', 'U second value'],
    });
    expect(lookedUp).toEqual({
      docs: ['I first value', 'U second value'],
      full: ['I first value', 'U second value'],
    });
  });

  it('writes a dropped column no more, a retyped column with its new type and a renamed column by its new name, each from a new file on', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, a text, b int, c text)');
    const lakeDir = await newLake();
    const task = startTask(db, lakeDir, { migrationType: 'cdc', s3Settings: { CdcMaxBatchInterval: 30 } });
    await task.driver.streaming;
    const untilWritten = () =>
      task.driver.stepUntil(task.fake.clock, 1000, (cycle) => cycle.filesWritten.length > 0);

    // Act
    await client.query(`INSERT INTO t VALUES (1, 'a1', 1, 'c1')`);
    await task.driver.step(task.fake.clock, 1000);
    await client.query('ALTER TABLE t DROP COLUMN c');
    await client.query(`INSERT INTO t VALUES (2, 'a2', 2)`);
    const afterDrop = await untilWritten();
    await client.query('ALTER TABLE t ALTER COLUMN b TYPE text');
    await client.query(`INSERT INTO t VALUES (3, 'a3', 'three')`);
    await task.driver.step(task.fake.clock, 1000);
    await client.query('ALTER TABLE t RENAME COLUMN a TO a_new');
    await client.query(`UPDATE t SET a_new = 'a1 renamed' WHERE id = 1`);
    await untilWritten();
    await task.driver.stepUntil(task.fake.clock, 1000, (cycle) => cycle.rowsBuffered === 0);
    task.fake.controller.abort();
    await task.outcome;

    // Assess
    expect(afterDrop.filesWritten).toHaveLength(1);
    const files = (await listLakeTableFiles(tableDir(lakeDir, 't'))).cdc;
    const shapes = await Promise.all(files.map((file) => parquetColumns(file)));
    expect(shapes).toEqual([
      [
        ['Op', 'VARCHAR'],
        ['id', 'INTEGER'],
        ['a', 'VARCHAR'],
        ['b', 'INTEGER'],
        ['c', 'VARCHAR'],
      ],
      [
        ['Op', 'VARCHAR'],
        ['id', 'INTEGER'],
        ['a', 'VARCHAR'],
        ['b', 'INTEGER'],
      ],
      [
        ['Op', 'VARCHAR'],
        ['id', 'INTEGER'],
        ['a', 'VARCHAR'],
        ['b', 'VARCHAR'],
      ],
      [
        ['Op', 'VARCHAR'],
        ['id', 'INTEGER'],
        ['a_new', 'VARCHAR'],
        ['b', 'VARCHAR'],
      ],
    ]);
    const rows = await Promise.all(
      files.map((file) => queryDuckDb(`SELECT * FROM read_parquet('${file}') ORDER BY id`)),
    );
    expect(rows).toEqual([
      [['I', 1, 'a1', 1, 'c1']],
      [['I', 2, 'a2', 2]],
      [['I', 3, 'a3', 'three']],
      [['U', 1, 'a1 renamed', '1']],
    ]);
  });

  it('picks up a column added during CDC', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const lakeDir = await newLake();

    // Act
    const task = startTask(db, lakeDir, { migrationType: 'cdc', s3Settings: { CdcMaxBatchInterval: 1 } });
    await task.driver.streaming;
    await client.query(
      `INSERT INTO t VALUES (1, 'a'); ALTER TABLE t ADD COLUMN extra integer; INSERT INTO t VALUES (2, 'b', 42)`,
    );
    // The rows before the new column go out in their own file (one schema per file), then the rest.
    await task.driver.stepUntil(
      task.fake.clock,
      500,
      (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0,
    );
    task.fake.controller.abort();
    await task.outcome;

    // Assess
    expect(await lakeRows(lakeDir, 't', { key: ['id'] })).toEqual([
      ['1', 'a', null],
      ['2', 'b', '42'],
    ]);
  });

  it('leaves no slot after teardown drops it over TLS, and a full-load-only task creates none', async () => {
    // Prepare: the task and the teardown reach the source with lakeshift's secure default, SslMode require.
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const lakeDir = await newLake();
    const cdcTask = startTask(db, lakeDir, { sslMode: 'require' });
    await cdcTask.driver.streaming;
    cdcTask.fake.controller.abort();
    await cdcTask.outcome;
    const slotsWhileStopped = await client.query(
      'SELECT slot_name FROM pg_replication_slots WHERE database = current_database()',
    );

    // Act
    const dropped = await dropReplicationSlot({
      credentials: credentialsOf(db),
      slotName: slotOf(db),
      sslMode: 'require',
    });
    const fullLoadOnly = startTask(db, await newLake(), { migrationType: 'full-load' });
    const fullLoadOutcome = await fullLoadOnly.outcome;

    // Assess
    expect(slotsWhileStopped.rows).toEqual([{ slot_name: slotOf(db) }]);
    expect(dropped).toEqual({ dropped: true });
    expect(fullLoadOutcome).toEqual({ kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' });
    expect(
      (await client.query('SELECT slot_name FROM pg_replication_slots WHERE database = current_database()'))
        .rows,
    ).toEqual([]);
  });

  it('refuses to take over a slot of the same name that belongs to another database', async () => {
    // Prepare
    const other = await postgres.createDatabase();
    const otherClient = await other.connect();
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await otherClient.query(`SELECT pg_create_logical_replication_slot('${slotOf(db)}', 'test_decoding')`);

    // Act
    const task = startTask(db, await newLake(), {});
    const outcome = await task.outcome;

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(outcome?.kind === 'failed' ? outcome.message : '').toContain(
      `Replication slot "${slotOf(db)}" already exists for database "${other.name}"`,
    );
    const slots = await otherClient.query('SELECT database FROM pg_replication_slots WHERE slot_name = $1', [
      slotOf(db),
    ]);
    expect(slots.rows).toEqual([{ database: other.name }]);
  });

  it('fails a resumed task whose slot was dropped, since the changes since its stop are gone', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const lakeDir = await newLake();
    const first = startTask(db, lakeDir, {});
    await first.driver.streaming;
    first.fake.controller.abort();
    await first.outcome;
    await client.query(`SELECT pg_drop_replication_slot('${slotOf(db)}')`);

    // Act
    const resumed = startTask(db, lakeDir, {
      startType: 'resume-processing',
      checkpoint: first.fake.checkpoint(),
    });
    const outcome = await resumed.outcome;

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(outcome?.kind === 'failed' ? outcome.message : '').toContain(
      `Replication slot "${slotOf(db)}" no longer exists`,
    );
  });
});

/** Ids in the table's LOAD files. */
const loadFileIds = async (lakeDir: string, table: string): Promise<number[]> => {
  const files = (await tableFiles(lakeDir, table)).load;
  return (await queryDuckDb(`SELECT id FROM read_parquet(${fileList(files)}) ORDER BY id`)).map(([id]) =>
    Number(id),
  );
};
