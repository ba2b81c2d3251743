import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CanonicalOptions,
  DUCKDB_CANONICAL_MACROS,
  duckCanonicalValue,
  pgCanonicalValue,
} from '#local/verify/canonical';
import type { TableRef } from '#local/verify/digest';
import type { LakeReader } from '#local/verify/lake';
import { createLakeReader } from '#local/verify/lake-replay';
import { renderVerificationTable } from '#local/verify/render';
import { allEqual, verifyDatabase } from '#local/verify/verify';
import { usePostgres } from '#test/postgres';

const postgres = usePostgres();
const lakeDir = mkdtempSync(join(tmpdir(), 'lakeshift-verify-'));
let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  duck.closeSync();
  rmSync(lakeDir, { recursive: true, force: true });
});

const MICROS: CanonicalOptions = { timestampPrecision: 'us', timePrecision: 'us' };

const AWKWARD_SCHEMA = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE TABLE awkward (
    id int8 PRIMARY KEY,
    price numeric(10, 2),
    ratio numeric,
    score float8,
    small_score float4,
    active boolean,
    born date,
    wakes time,
    seen timestamp,
    seen_tz timestamptz,
    ref uuid,
    doc json,
    docb jsonb,
    payload bytea,
    tags text[],
    feeling mood,
    name varchar(40),
    note text,
    cost money
  );
  INSERT INTO awkward VALUES
    (1, 12.50, 3.141593, 0.1, 1.1, true, '2024-02-29', '03:04:05.123456', '2024-01-02 03:04:05.123456',
     '2024-01-02 03:04:05.654321+02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1,  "a": [1, 2]}',
     '{"b": 1,  "a": [1, 2]}', '\\x00ff10', '{"x","y z",NULL}', 'happy', 'Zoë', 'naïve café ☕ 日本語', '1234.56'),
    (2, -0.01, 100, 1e20, -2.5, false, '1970-01-01', '23:59:59.999999', '1969-12-31 23:59:59.5',
     '2038-01-19 03:14:08+00', '00000000-0000-0000-0000-000000000000', 'null', '[]', '\\x', '{}', 'sad',
     '', repeat('long text ', 5000), '-0.01'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 0, 0.000001, 1.5e-7, 0, true, '0001-01-01', '00:00:00', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00',
     'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', '"x"', '{"k": "v"}', '\\xdeadbeef', '{"a,b"}', 'ok', 'NULL', '', '0');
  CREATE TABLE no_pk (label text, n int4);
  INSERT INTO no_pk VALUES ('a', 1), ('a', 1), ('b', 2);
  CREATE TABLE empty_one (id int4 PRIMARY KEY);
`;

/** How the test's stand-in for the data plane writes each source type to Parquet (the DMS type map). */
const LAKE_CAST: Readonly<Record<string, (param: string) => string>> = {
  int8: (p) => `CAST(${p} AS BIGINT)`,
  int4: (p) => `CAST(${p} AS INTEGER)`,
  numeric: (p) => `CAST(${p} AS DECIMAL(28, 6))`,
  float8: (p) => `CAST(${p} AS DOUBLE)`,
  float4: (p) => `CAST(${p} AS FLOAT)`,
  bool: (p) => `CAST(${p} AS BOOLEAN)`,
  date: (p) => `CAST(${p} AS DATE)`,
  time: (p) => `CAST(${p} AS TIME)`,
  timestamp: (p) => `CAST(${p} AS TIMESTAMP)`,
  timestamptz: (p) => `CAST(${p} AS TIMESTAMPTZ)`,
  bytea: (p) => `from_hex(substr(${p}, 3))`,
  money: (p) => `CAST(regexp_replace(${p}, '[^0-9.-]', '', 'g') AS DECIMAL(38, 4))`,
};
const lakeCast = (pgType: string, param: string): string =>
  (LAKE_CAST[pgType] ?? ((p) => `CAST(${p} AS VARCHAR)`))(param);

interface LakeWrite {
  /** SQL applied to the staged lake table before it is written (to plant differences). */
  readonly tamper?: string;
  /** Turns each µs timestamp into whole milliseconds, truncated as a millisecond Parquet column holds it. */
  readonly millisecondTimestamps?: boolean;
}

/**
 * A stand-in for the data plane: copies a source table into one Parquet file (an `Op` column first, as DMS writes
 * with IncludeOpForFullLoad, and a transfer timestamp column), in a shuffled order.
 */
const writeLakeTable = async (client: pg.Client, ref: TableRef, options: LakeWrite = {}): Promise<void> => {
  const columns = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, t.typname AS type FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [`${ref.schema}.${ref.table}`],
  );
  await client.query(`SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET bytea_output = 'hex'`);
  const rows = await client.query({
    text: `SELECT ${columns.rows.map((c) => `"${c.name}"::text`).join(', ')} FROM ${ref.schema}.${ref.table}`,
    rowMode: 'array',
  });
  const staged = `staged_${ref.table}`;
  const values = columns.rows.map((column, index) => {
    const cast = lakeCast(column.type, `$${index + 1}`);
    const isTimestamp = column.type === 'timestamp' || column.type === 'timestamptz';
    return options.millisecondTimestamps && isTimestamp
      ? `make_timestamp(CAST(floor(epoch_us(${cast}) / 1000) * 1000 AS BIGINT)) AS "${column.name}"`
      : `${cast} AS "${column.name}"`;
  });
  await duck.run(`DROP TABLE IF EXISTS ${staged}`);
  await duck.run(
    `CREATE TABLE ${staged} AS SELECT 'I' AS "Op", ${values.join(', ')}, '2026-01-01 00:00:00.000000' AS ingested_at
     FROM (SELECT ${columns.rows.map((_, index) => `CAST($${index + 1} AS VARCHAR)`).join(', ')}) WHERE false`,
    Array(columns.rows.length).fill(null),
  );
  for (const row of rows.rows as (string | null)[][]) {
    await duck.run(
      `INSERT INTO ${staged} SELECT 'I', ${values.map((value) => value.replace(/ AS "[^"]*"$/, '')).join(', ')}, '2026-01-01 00:00:00.000000'`,
      row,
    );
  }
  if (options.tamper) await duck.run(options.tamper.replaceAll('$staged', staged));
  const folder = join(lakeDir, ref.schema, ref.table);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  await duck.run(
    `COPY (SELECT * FROM ${staged} ORDER BY random()) TO '${join(folder, 'LOAD00000001.parquet')}' (FORMAT parquet)`,
  );
};

/** The test's lake reader: every Parquet file of a table folder is its current state (no CDC here). */
const folderLakeReader: LakeReader = {
  open: async (ref) => {
    const folder = join(lakeDir, ref.schema, ref.table);
    if (!existsSync(folder)) return undefined;
    return { connection: duck, relation: `read_parquet('${join(folder, '*.parquet')}')` };
  },
};

describe('verifyDatabase', () => {
  it('finds every table equal when the lake holds what the source holds, in any order', async () => {
    // Prepare
    const db = await postgres.createDatabase('verify');
    const client = await db.connect();
    await client.query(AWKWARD_SCHEMA);
    await writeLakeTable(client, { schema: 'public', table: 'awkward' });
    await writeLakeTable(client, { schema: 'public', table: 'no_pk' });
    rmSync(join(lakeDir, 'public', 'empty_one'), { recursive: true, force: true });
    // Act
    const results = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: folderLakeReader,
      canonical: MICROS,
    });
    // Assess
    expect(results.map((r) => [r.table, r.status, r.source?.rowCount, r.lake?.rowCount])).toEqual([
      ['awkward', 'equal', 4, 4],
      ['empty_one', 'equal', 0, 0],
      ['no_pk', 'equal', 3, 3],
    ]);
    expect(results.find((r) => r.table === 'empty_one')?.detail).toBe(
      'empty in the source and absent from the lake',
    );
    expect(allEqual(results)).toBe(true);
  });

  it('compares timestamps exactly, and calls millisecond timestamps equal only under the chosen mapping', async () => {
    // Prepare
    const db = await postgres.createDatabase('verify');
    const client = await db.connect();
    await client.query(AWKWARD_SCHEMA);
    await writeLakeTable(client, { schema: 'public', table: 'awkward' }, { millisecondTimestamps: true });
    const tables = [{ schema: 'public', table: 'awkward' }];
    // Act
    const unchosen = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: folderLakeReader,
      tables,
    });
    const chosen = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: folderLakeReader,
      tables,
      chosenMappings: new Map([
        ['public.awkward.seen', 'timestamp-milliseconds'],
        ['public.awkward.seen_tz', 'timestamp-milliseconds'],
      ]),
    });
    // Assess
    expect(unchosen.map((r) => r.status)).toEqual(['content-differs']);
    expect(unchosen[0]?.columns?.map((c) => [c.column, c.values, c.explainedBy])).toEqual([
      ['seen', 1, undefined],
      ['seen_tz', 1, undefined],
    ]);
    expect(chosen.map((r) => r.status)).toEqual(['equal-under-chosen-mapping']);
    expect(chosen[0]?.detail).toContain(
      'seen: 1 values changed by the chosen mapping timestamp-milliseconds',
    );
    expect(allEqual(chosen)).toBe(true);
  });

  it('names the column, the count and an example of a real mismatch, even where a mapping was chosen', async () => {
    // Prepare
    const db = await postgres.createDatabase('verify');
    const client = await db.connect();
    await client.query(AWKWARD_SCHEMA);
    await writeLakeTable(
      client,
      { schema: 'public', table: 'awkward' },
      { tamper: `UPDATE $staged SET ratio = ratio + 1 WHERE id IN (1, 4)` },
    );
    // Act
    const [result] = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: folderLakeReader,
      tables: [{ schema: 'public', table: 'awkward' }],
      chosenMappings: new Map([['public.awkward.ratio', 'unbounded-numeric']]),
    });
    // Assess
    expect(result?.status).toBe('content-differs');
    expect(result?.columns).toEqual([
      { column: 'ratio', values: 2, example: { key: '1', source: '3.141593', lake: '4.141593' } },
    ]);
    expect(result?.detail).toBe(
      'same row count, different content: ratio: 2 values differ, e.g. key 1: source "3.141593", lake "4.141593"',
    );
  });

  it('tells a changed value, a lost row, a missing table and a multiset difference apart', async () => {
    // Prepare
    const db = await postgres.createDatabase('verify');
    const client = await db.connect();
    await client.query(`${AWKWARD_SCHEMA}
      CREATE TABLE lost (id int4 PRIMARY KEY); INSERT INTO lost SELECT generate_series(1, 10);
      CREATE TABLE never_written (id int4); INSERT INTO never_written VALUES (1);`);
    await writeLakeTable(
      client,
      { schema: 'public', table: 'awkward' },
      {
        tamper: `UPDATE $staged SET note = 'naive cafe' WHERE id = 1`,
      },
    );
    // Same count, same rows but one duplicate moved: {a, a, b} against {a, b, b}.
    await writeLakeTable(
      client,
      { schema: 'public', table: 'no_pk' },
      {
        tamper: `UPDATE $staged SET label = 'b', n = 2 WHERE rowid = (SELECT min(rowid) FROM $staged WHERE label = 'a')`,
      },
    );
    await writeLakeTable(
      client,
      { schema: 'public', table: 'lost' },
      { tamper: `DELETE FROM $staged WHERE id = 7` },
    );
    rmSync(join(lakeDir, 'public', 'never_written'), { recursive: true, force: true });
    // Act
    const results = await verifyDatabase({ database: 'shop', sourceUrl: db.url, lake: folderLakeReader });
    // Assess
    expect(Object.fromEntries(results.map((r) => [r.table, r.status]))).toEqual({
      awkward: 'content-differs',
      empty_one: 'equal',
      lost: 'row-count-differs',
      never_written: 'missing-in-lake',
      no_pk: 'content-differs',
    });
    expect(results.find((r) => r.table === 'lost')?.detail).toBe('10 rows in the source, 9 in the lake');
    expect(allEqual(results)).toBe(false);
  });

  it('reports lake columns that are missing, by name', async () => {
    // Prepare
    const db = await postgres.createDatabase('verify');
    const client = await db.connect();
    await client.query(`CREATE TABLE narrow (id int4, extra text); INSERT INTO narrow VALUES (1, 'x')`);
    await writeLakeTable(
      client,
      { schema: 'public', table: 'narrow' },
      {
        tamper: `ALTER TABLE $staged DROP COLUMN extra`,
      },
    );
    // Act
    const [result] = await verifyDatabase({ database: 'shop', sourceUrl: db.url, lake: folderLakeReader });
    // Assess
    expect(result?.status).toBe('columns-missing-in-lake');
    expect(result?.detail).toBe('missing columns: extra');
  });
});

describe('createLakeReader', () => {
  const location = { lakeDir, bucket: 'lake-bucket', folder: 'demo/shop' };
  const tableFolder = (table: string) => join(lakeDir, 'lake-bucket', 'demo', 'shop', 'public', table);
  const writeParquet = async (path: string, rowsSql: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    await duck.run(`COPY (${rowsSql}) TO '${path}' (FORMAT parquet)`);
  };

  it('replays LOAD then CDC files by key, newest change first, deletes removing rows', async () => {
    // Prepare
    const db = await postgres.createDatabase('replay');
    const client = await db.connect();
    await client.query(`CREATE TABLE t (id int4 PRIMARY KEY, v text);
      INSERT INTO t SELECT i, 'v' || i FROM generate_series(1, 5) AS i;`);
    await writeParquet(
      join(tableFolder('t'), 'LOAD00000001.parquet'),
      `SELECT 'I' AS "Op", '2026-01-01' AS dms_timestamp, CAST(i AS INTEGER) AS id, 'v' || i AS v FROM range(1, 6) AS r(i)`,
    );
    await client.query(`UPDATE t SET v = 'second' WHERE id = 2; DELETE FROM t WHERE id = 3; INSERT INTO t VALUES (6, 'six');
      UPDATE t SET v = 'third' WHERE id = 2;`);
    await writeParquet(
      join(tableFolder('t'), '2026', '01', '01', '20260101-120000000.parquet'),
      `SELECT * FROM (VALUES ('U', 'x', 2, 'second'), ('D', 'x', 3, NULL), ('I', 'x', 6, 'six')) AS v("Op", dms_timestamp, id, v)`,
    );
    await writeParquet(
      join(tableFolder('t'), '2026', '01', '01', '20260101-120100000.parquet'),
      `SELECT * FROM (VALUES ('U', 'x', 2, 'third')) AS v("Op", dms_timestamp, id, v)`,
    );
    // Act
    const results = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: createLakeReader(location, duck),
    });
    await client.query(`UPDATE t SET v = 'fourth' WHERE id = 2`);
    const afterMissedChange = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: createLakeReader(location, duck),
    });
    // Assess
    expect(results.map((r) => [r.table, r.status, r.lake?.rowCount])).toEqual([['t', 'equal', 5]]);
    expect(afterMissedChange.map((r) => r.status)).toEqual(['content-differs']);
  });

  it('reports an update in the lake for a table without a primary key as an error', async () => {
    // Prepare
    const db = await postgres.createDatabase('replay');
    const client = await db.connect();
    await client.query(`CREATE TABLE loose (v text); INSERT INTO loose VALUES ('a');`);
    await writeParquet(
      join(tableFolder('loose'), 'LOAD00000001.parquet'),
      `SELECT * FROM (VALUES ('I', 'a'), ('U', 'a')) AS v("Op", v)`,
    );
    // Act
    const [result] = await verifyDatabase({
      database: 'shop',
      sourceUrl: db.url,
      lake: createLakeReader(location, duck),
      tables: [{ schema: 'public', table: 'loose' }],
    });
    // Assess
    expect(result?.status).toBe('error');
    expect(result?.detail).toBe(
      'reading the lake failed: 1 updates or deletes in the lake for a table without a primary key',
    );
  });
});

describe('canonical values', () => {
  it('writes any float the same way in PostgreSQL and in DuckDB', async () => {
    // Prepare
    const db = await postgres.createDatabase('floats');
    const client = await db.connect();
    const doubles = fc.sample(fc.double({ noNaN: false }), { numRuns: 300, seed: 7 });
    const special = [0, -0, 0.1, 100, 1e15, 1e16, 1e-5, 1.5e-7, 1e-300, Number.MAX_VALUE, 123456789012345680];
    const values = [...special, ...doubles].map((value) => (Object.is(value, -0) ? '-0' : String(value)));
    await client.query(`CREATE TABLE f (i int4, v float8)`);
    await client.query(
      `INSERT INTO f SELECT ordinality, value::float8 FROM unnest($1::text[]) WITH ORDINALITY AS value`,
      [values],
    );
    const column = { name: 'v', pgType: 'float8', kind: 'float' } as const;
    // Act
    const fromPg = await client.query<{ c: string }>(
      `SELECT ${pgCanonicalValue(column, MICROS)} AS c FROM f ORDER BY i`,
    );
    for (const macro of DUCKDB_CANONICAL_MACROS) await duck.run(macro);
    const rows = values.map((value, index) => `(${index + 1}, '${value}')`).join(', ');
    const fromDuck = await duck.runAndReadAll(
      `SELECT ${duckCanonicalValue(column, 'DOUBLE', MICROS)} AS c
       FROM (SELECT i, CAST(value AS DOUBLE) AS v FROM (VALUES ${rows}) AS t(i, value)) ORDER BY i`,
    );
    // Assess
    expect(fromDuck.getRowObjectsJson().map((row) => row['c'])).toEqual(fromPg.rows.map((row) => row.c));
    expect(fromPg.rows.slice(0, 11).map((row) => row.c)).toEqual([
      '0',
      '0',
      '0.1',
      '100',
      '1000000000000000',
      '10000000000000000',
      '0.00001',
      '0.00000015',
      `0.${'0'.repeat(299)}1`,
      `179769313486231570${'0'.repeat(291)}`,
      '123456789012345680',
    ]);
  });
});

describe('renderVerificationTable', () => {
  it('prints one aligned line per table and a summary', () => {
    // Prepare
    const digest = { rowCount: 1000000, sumHigh: '1', sumLow: '2' };
    // Act
    const text = renderVerificationTable([
      {
        database: 'orders',
        schema: 'public',
        table: 'orders',
        status: 'equal',
        source: digest,
        lake: digest,
        catalogView: 'lakeshift_m__orders.orders',
      },
      {
        database: 'catalog',
        schema: 'public',
        table: 'items',
        status: 'row-count-differs',
        source: { rowCount: 10, sumHigh: '1', sumLow: '2' },
        lake: { rowCount: 9, sumHigh: '1', sumLow: '3' },
        detail: '10 rows in the source, 9 in the lake',
      },
    ]);
    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'database  table          source rows  lake rows  source hash   lake hash     read through                result',
    );
    expect(lines[2]).toBe(
      'orders    public.orders      1000000    1000000  673aeeb08cfb  673aeeb08cfb  lakeshift_m__orders.orders  EQUAL',
    );
    expect(lines[3]).toBe(
      'catalog   public.items            10          9  673aeeb08cfb  85f2ef987b76  files                       DIFFERS (row-count-differs: 10 rows in the source, 9 in the lake)',
    );
    expect(lines[4]).toBe('1 of 2 tables differ.');
  });
});
