import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '#local/clock';
import { listLakeTableFiles } from '#local/dataplane/replay';
import { createPostgresToS3Workload, type PostgresToS3WorkloadOptions } from '#local/dataplane/workload';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { allTypesDatabase, expectedAllTypes, expectedNoKey, lakeRows } from './fixtures.ts';
import { fileList, newLake, parquetColumns, queryDuckDb, sortedRows, tableFiles } from './lake-queries.ts';
import { type FakeTaskOptions, fakeTask, includeAll, secretFor } from './task-context.ts';

const pg = usePostgres();

/** A ManualClock that moves on a millisecond each time it is read. */
class TickingClock extends ManualClock {
  private ticks = 0;

  override now(): number {
    this.ticks += 1;
    return super.now() + this.ticks;
  }
}

const fullLoad = async (
  db: TestDatabase,
  lakeDir: string,
  task: Omit<FakeTaskOptions, 'db'> = {},
  options: Partial<PostgresToS3WorkloadOptions> = {},
) => {
  const fake = fakeTask({ db, migrationType: 'full-load', ...task });
  const workload = createPostgresToS3Workload({ lakeDir, resolveSecret: secretFor(db), ...options });
  const outcome = await workload.run(fake.ctx);
  return { outcome, fake };
};

/** The Parquet time unit of each TIMESTAMP column of a file. */
const timestampUnits = async (file: string): Promise<Record<string, string>> => {
  const rows = await queryDuckDb(
    `SELECT name, logical_type FROM parquet_schema('${file}') WHERE logical_type LIKE 'TimestampType%'`,
  );
  return Object.fromEntries(
    rows.map(([name, type]) => [String(name), /unit=TimeUnit\((\w+)=/.exec(String(type))?.[1] ?? '']),
  );
};

describe('full load', () => {
  it('writes every mapped type, NULLs and unicode so that the LOAD files equal the source row for row', async () => {
    // Prepare
    const { db, client } = await allTypesDatabase(pg);
    const lakeDir = await newLake();

    // Act
    const { outcome, fake } = await fullLoad(db, lakeDir, {
      postgreSqlSettings: { MapBooleanAsBoolean: true },
    });

    // Assess
    expect(outcome).toEqual({ kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' });
    expect(await lakeRows(lakeDir, 'all_types', { key: ['id'] })).toEqual(await expectedAllTypes(client));
    expect(sortedRows(await lakeRows(lakeDir, 'no_key'))).toEqual(sortedRows(await expectedNoKey(client)));
    expect(fake.table('public.all_types')).toMatchObject({ TableState: 'Table completed', FullLoadRows: 4 });
    expect(fake.table('public.no_key')).toMatchObject({ TableState: 'Table completed', FullLoadRows: 3 });
    expect(fake.fullLoadFinished()).toBe(1);
  });

  it('writes the Parquet types of the DMS mapping', async () => {
    // Prepare
    const { db } = await allTypesDatabase(pg);
    const lakeDir = await newLake();

    // Act
    await fullLoad(
      db,
      lakeDir,
      { postgreSqlSettings: { MapBooleanAsBoolean: true } },
      { undocumented: { sourceOnlyMapBooleanAsBoolean: true } },
    );

    // Assess
    const [file] = (await tableFiles(lakeDir, 'all_types')).load;
    expect(Object.fromEntries(await parquetColumns(file ?? ''))).toEqual({
      id: 'INTEGER',
      small: 'SMALLINT',
      big: 'BIGINT',
      num: 'DECIMAL(12,2)',
      num_free: 'DECIMAL(28,6)',
      num_wide: 'VARCHAR',
      r: 'FLOAT',
      d: 'DOUBLE',
      flag: 'BOOLEAN',
      day: 'DATE',
      tm: 'TIME',
      ts: 'TIMESTAMP',
      tstz: 'TIMESTAMP',
      body: 'VARCHAR',
      code: 'VARCHAR',
      fixed: 'VARCHAR',
      uid: 'VARCHAR',
      doc: 'VARCHAR',
      docb: 'VARCHAR',
      raw: 'BLOB',
      ints: 'VARCHAR',
      words: 'VARCHAR',
      feeling: 'VARCHAR',
      span: 'VARCHAR',
    });
  });

  it('writes booleans as the words true/false without MapBooleanAsBoolean, and millisecond timestamps on request', async () => {
    // Prepare
    const { db, client } = await allTypesDatabase(pg);
    const lakeDir = await newLake();

    // Act
    await fullLoad(db, lakeDir, { s3Settings: { ParquetTimestampInMillisecond: true } });

    // Assess
    const [file] = (await tableFiles(lakeDir, 'all_types')).load;
    const types = Object.fromEntries(await parquetColumns(file ?? ''));
    expect(types['flag']).toBe('VARCHAR');
    expect(await timestampUnits(file ?? '')).toEqual({ ts: 'MILLIS', tstz: 'MILLIS' });
    expect(await lakeRows(lakeDir, 'all_types', { key: ['id'] })).toEqual(
      await expectedAllTypes(client, { millis: true }),
    );
  });

  it('splits a table larger than MaxFileSize into LOAD files with an upper-case hex counter, or writes one LOAD file when MaxFileSize is read as CSV-only', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE bulk (id int PRIMARY KEY, payload text);
      INSERT INTO bulk SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 40000) g`);
    const lakeDir = await newLake();

    const unsplitLake = await newLake();

    // Act
    await fullLoad(db, lakeDir, { s3Settings: { MaxFileSize: 128, RowGroupLength: 1000 } });
    await fullLoad(
      db,
      unsplitLake,
      { s3Settings: { MaxFileSize: 128, RowGroupLength: 1000 } },
      { undocumented: { maxFileSizeSplitsParquetLoad: false } },
    );

    // Assess
    const files = await tableFiles(lakeDir, 'bulk');
    expect(files.load.length).toBeGreaterThan(10);
    expect(files.load.map((file) => file.slice(-20))).toEqual(
      files.load.map((_, index) => `LOAD${(index + 1).toString(16).toUpperCase().padStart(8, '0')}.parquet`),
    );
    const rows = await lakeRows(lakeDir, 'bulk', { key: ['id'] });
    const source = await client.query({
      text: 'SELECT id::text, payload FROM bulk ORDER BY bulk.id',
      rowMode: 'array',
    });
    expect(rows).toEqual(source.rows);
    expect((await tableFiles(unsplitLake, 'bulk')).load.map((file) => file.slice(-20))).toEqual([
      'LOAD00000001.parquet',
    ]);
    expect(await lakeRows(unsplitLake, 'bulk', { key: ['id'] })).toEqual(source.rows);
  });

  it('adds Op = I first and the transfer time second when IncludeOpForFullLoad and TimestampColumnName are set', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(
      'CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, $$a$$), (2, $$b$$)',
    );
    const lakeDir = await newLake();

    // Act
    const { fake } = await fullLoad(db, lakeDir, {
      s3Settings: { IncludeOpForFullLoad: true, TimestampColumnName: 'transfer_ts' },
    });

    // Assess
    const [file] = (await tableFiles(lakeDir, 't')).load;
    expect(await parquetColumns(file ?? '')).toEqual([
      ['Op', 'VARCHAR'],
      ['transfer_ts', 'VARCHAR'],
      ['id', 'INTEGER'],
      ['name', 'VARCHAR'],
    ]);
    const values = await queryDuckDb(`SELECT DISTINCT "Op", transfer_ts FROM read_parquet('${file}')`);
    expect(values).toEqual([
      ['I', new Date(fake.clock.now()).toISOString().replace('T', ' ').replace('Z', '000')],
    ]);
  });

  it('stamps rows with transfer times that increase as the data arrives, or all with the task start when asked', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE t (id int PRIMARY KEY, v text);
      INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g`);
    const stampsOf = async (s3Settings: Record<string, unknown>) => {
      const lakeDir = await newLake();
      // Time moves on a millisecond each time it is read, as it does while a table is copied.
      const clock = new TickingClock();
      await fullLoad(
        db,
        lakeDir,
        { clock, s3Settings: { TimestampColumnName: 'transfer_ts', ...s3Settings } },
        { loadChunkBytes: 64 * 1024 },
      );
      const files = (await tableFiles(lakeDir, 't')).load;
      const rows = await queryDuckDb(
        `SELECT transfer_ts FROM read_parquet(${fileList(files)}, filename = true, file_row_number = true)
         ORDER BY list_position(${fileList(files)}, filename), file_row_number`,
      );
      return rows.map(([stamp]) => String(stamp));
    };

    // Act
    const arriving = await stampsOf({});
    const taskStart = await stampsOf({ UseTaskStartTimeForFullLoadTimestamp: true });

    // Assess
    expect(arriving).toHaveLength(20000);
    expect(arriving.every((stamp) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/.test(stamp))).toBe(true);
    expect(arriving).toEqual([...arriving].sort());
    expect(new Set(arriving).size).toBeGreaterThan(5);
    expect(new Set(taskStart).size).toBe(1);
    // The task start comes before any row arrives.
    expect((taskStart[0] ?? '') < (arriving[0] ?? '')).toBe(true);
  });

  it('selects, excludes and renames tables as the table mappings say', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE order_audit (id int);
      CREATE TABLE customers (id int PRIMARY KEY, secret text);
      INSERT INTO orders VALUES (1); INSERT INTO order_audit VALUES (1); INSERT INTO customers VALUES (1, 'x')`);
    const lakeDir = await newLake();
    const rules = [
      includeAll(),
      {
        'rule-type': 'selection',
        'rule-id': '2',
        'rule-name': 'no-audit',
        'object-locator': { 'schema-name': 'public', 'table-name': '%_audit' },
        'rule-action': 'exclude',
      },
      {
        'rule-type': 'transformation',
        'rule-id': '3',
        'rule-name': 'schema',
        'rule-target': 'schema',
        'object-locator': { 'schema-name': 'public' },
        'rule-action': 'rename',
        value: 'app',
      },
      {
        'rule-type': 'transformation',
        'rule-id': '4',
        'rule-name': 'table',
        'rule-target': 'table',
        'object-locator': { 'schema-name': 'public', 'table-name': 'customers' },
        'rule-action': 'rename',
        value: 'clients',
      },
      {
        'rule-type': 'transformation',
        'rule-id': '5',
        'rule-name': 'drop-secret',
        'rule-target': 'column',
        'object-locator': { 'schema-name': 'public', 'table-name': 'customers', 'column-name': 'secret' },
        'rule-action': 'remove-column',
      },
    ];

    // Act
    const { fake } = await fullLoad(db, lakeDir, { rules, s3Settings: { BucketFolder: '' } });

    // Assess
    expect((await readdir(join(lakeDir, 'lake'))).sort()).toEqual(['app']);
    expect((await readdir(join(lakeDir, 'lake', 'app'))).sort()).toEqual(['clients', 'orders']);
    const [clients] = (await listLakeTableFiles(join(lakeDir, 'lake', 'app', 'clients'))).load;
    expect(await parquetColumns(clients ?? '')).toEqual([['id', 'INTEGER']]);
    expect(
      fake
        .tables()
        .map((stats) => stats.TableName)
        .sort(),
    ).toEqual(['customers', 'orders']);
  });

  it('truncates LOBs longer than LobMaxSize at a character boundary', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    // 1023 ASCII bytes then a 4-byte emoji: a 1 KB limit falls inside the emoji.
    await client.query(`CREATE TABLE docs (id int PRIMARY KEY, body text, blob bytea);
      INSERT INTO docs VALUES (1, repeat('a', 1023) || '😀' || repeat('b', 10), decode(repeat('ab', 1500), 'hex')),
                              (2, 'short', '\\x01')`);
    const lakeDir = await newLake();

    // Act
    const { outcome } = await fullLoad(db, lakeDir, { targetMetadata: { LobMaxSize: 1 } });

    // Assess
    expect(outcome).toEqual({ kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' });
    expect(await lakeRows(lakeDir, 'docs', { key: ['id'] })).toEqual([
      ['1', 'a'.repeat(1023), 'AB'.repeat(1024)],
      ['2', 'short', '01'],
    ]);
  });

  it('fails the task without writing the table when a LOB would be truncated and FailTasksOnLobTruncation is set', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE docs (id int PRIMARY KEY, body text);
      INSERT INTO docs VALUES (1, repeat('x', 2048))`);
    const lakeDir = await newLake();

    // Act
    const { outcome, fake } = await fullLoad(db, lakeDir, {
      targetMetadata: { LobMaxSize: 1 },
      postgreSqlSettings: { FailTasksOnLobTruncation: true },
    });

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(outcome?.kind === 'failed' ? outcome.message : '').toContain(
      'LOB column "body" of public.docs holds a value longer than LobMaxSize (1 KB)',
    );
    expect((await tableFiles(lakeDir, 'docs')).load).toEqual([]);
    expect(fake.table('public.docs')?.TableState).toBe('Table error');
  });

  it('leaves LOB columns out when SupportLobs is false', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE docs (id int PRIMARY KEY, title varchar(20), body text, raw bytea);
      INSERT INTO docs VALUES (1, 't', 'b', '\\x01')`);
    const lakeDir = await newLake();

    // Act
    await fullLoad(db, lakeDir, { targetMetadata: { SupportLobs: false } });

    // Assess
    const [file] = (await tableFiles(lakeDir, 'docs')).load;
    expect((await parquetColumns(file ?? '')).map(([name]) => name)).toEqual(['id', 'title']);
  });

  it('keeps earlier files with DO_NOTHING and replaces them with DROP_AND_CREATE', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const lakeDir = await newLake();
    await fullLoad(db, lakeDir);
    const stray = join(lakeDir, 'lake', 'raw', 'public', 't', '20250101-000000000.parquet');
    await writeFile(stray, 'old');

    // Act
    await fullLoad(db, lakeDir, { fullLoadSettings: { TargetTablePrepMode: 'DO_NOTHING' } });
    const kept = (await readdir(join(lakeDir, 'lake', 'raw', 'public', 't'))).sort();
    await fullLoad(db, lakeDir, { fullLoadSettings: { TargetTablePrepMode: 'DROP_AND_CREATE' } });
    const replaced = (await readdir(join(lakeDir, 'lake', 'raw', 'public', 't'))).sort();

    // Assess
    expect(kept).toEqual(['20250101-000000000.parquet', 'LOAD00000001.parquet', 'LOAD00000002.parquet']);
    expect(replaced).toEqual(['LOAD00000001.parquet']);
  });

  it('reports table states, rows read and bytes written as tables load', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE empty_one (id int PRIMARY KEY);
      INSERT INTO a SELECT generate_series(1, 120000)`);
    const lakeDir = await newLake();
    const states: string[] = [];

    // Act
    const { fake } = await fullLoad(
      db,
      lakeDir,
      {},
      { observer: { tableLoaded: ({ table, rows }) => states.push(`${table}:${rows}`) } },
    );

    // Assess
    expect(states.sort()).toEqual(['public.a:120000', 'public.empty_one:0']);
    expect(fake.table('public.a')).toMatchObject({ TableState: 'Table completed', FullLoadRows: 120000 });
    const rowsRead = fake.samples.reduce((sum, sample) => sum + sample.rowsRead, 0);
    const bytesWritten = fake.samples.reduce((sum, sample) => sum + sample.bytesWritten, 0);
    expect(rowsRead).toBe(120000);
    expect(bytesWritten).toBeGreaterThan(100_000);
    expect(fake.samples.filter((sample) => sample.rowsRead > 0).length).toBeGreaterThan(1);
    expect(fake.progress).toHaveLength(2);
    expect(fake.progress.at(-1)).toBe(99);
    // DMS creates no folder for an empty table.
    expect((await readdir(join(lakeDir, 'lake', 'raw', 'public'))).sort()).toEqual(['a']);
  });

  it('fails with the DMS message when the mappings select no table', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const lakeDir = await newLake();

    // Act
    const { outcome } = await fullLoad(db, lakeDir, { rules: [includeAll('nowhere')] });

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(outcome?.kind === 'failed' ? outcome.message : '').toMatch(
      /^No tables were found at task initialization/,
    );
  });

  it('loads a large table as two parallel ranges without losing or repeating a row', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE big (id int PRIMARY KEY, v text);
      INSERT INTO big SELECT g, repeat('v', 50) FROM generate_series(1, 30000) g`);
    const lakeDir = await newLake();

    // Act
    await fullLoad(db, lakeDir, {}, { parallelSegmentBytes: 64 * 1024 });

    // Assess
    const ids = (await lakeRows(lakeDir, 'big', { key: ['id'] })).map((row) => Number(row[0]));
    const files = await tableFiles(lakeDir, 'big');
    const total = await queryDuckDb(`SELECT count(*) FROM read_parquet(${fileList(files.load)})`);
    expect(ids).toEqual(Array.from({ length: 30000 }, (_, index) => index + 1));
    expect(Number(total[0]?.[0])).toBe(30000);
  });
});
