/**
 * A source schema with every type the DMS PostgreSQL → Parquet mapping covers, and the text each value must read
 * back as from the lake. The expected text is computed by PostgreSQL itself from the source rows (so no result is
 * written down by hand), applying the documented DMS mapping: NUMERIC(28,6) for unbounded numeric, booleans as
 * words, TIME in milliseconds, UTC wall-clock time for timestamptz, milliseconds when asked, trimmed char(n),
 * binary as hex.
 */
import type pg from 'pg';
import { rebuildTableFromLake } from '#local/dataplane/replay';
import type { PostgresHarness, TestDatabase } from '#test/postgres';

export const ALL_TYPES_DDL = `
  CREATE TYPE mood AS ENUM ('happy', 'sad', 'ünïcode');
  CREATE TABLE all_types (
    id integer PRIMARY KEY,
    small smallint, big bigint,
    num numeric(12,2), num_free numeric, num_wide numeric(40,5),
    r real, d double precision,
    flag boolean, day date, tm time, ts timestamp, tstz timestamptz,
    body text, code varchar(10), fixed char(5), uid uuid,
    doc json, docb jsonb, raw bytea, ints integer[], words text[], feeling mood, span interval
  );
  CREATE TABLE no_key (kind text, amount numeric(10,3), at timestamptz);`;

/** Inserts the sample rows with ids `from`, `from + 1`, … (one statement, one transaction). */
export const allTypesRows = (from: number): string => `
  INSERT INTO all_types VALUES
  (${from}, 1, 9007199254740993, 123.45, 0.611111104488373, 123456789012345678901234567890123.12345,
   1.1, 0.1, true, '2024-02-29', '12:34:56.123456', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.654321+02',
   E'Zürich 東京 🚀 "quoted", comma\\nnew line \\\\ backslash', 'code', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
   '{"a": 1, "ü": "x"}', '{"b": [1, 2], "c": null}', '\\x00ff10', '{1,NULL,3}', '{"a b","c,d",""}', 'ünïcode',
   '1 year 2 mons 3 days 04:05:06.789'),
  (${from + 1}, -32768, -9223372036854775808, -0.01, 12345678901234567890.1234567, -1.5, -3.4e38, 'NaN', false,
   '1970-01-01', '00:00:00.000001', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00.000001+00',
   '', '', '     ', '00000000-0000-0000-0000-000000000000', '[]', '{}', '\\x', '{}', '{}', 'sad', '-1 days'),
  (${from + 2}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL),
  (${from + 3}, 7, 7, 7, 7, 7, 7, 7, true, '2026-11-28', '23:59:59', '2026-11-28 10:11:12.131415',
   '2026-11-28 10:11:12.131415+05:30', E'\\\\N', 'x', 'xyz  ', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '"s"', '"s"',
   '\\x5c4e', '{{1,2},{3,4}}', '{NULL}', 'happy', '00:00:01')`;

export const noKeyRows = `
  INSERT INTO no_key VALUES ('a', 1.5, '2026-01-01 00:00:00+00'), ('a', 1.5, '2026-01-01 00:00:00+00'),
                            ('b', NULL, NULL)`;

/** A new database holding all_types (ids 1-4) and no_key with their sample rows. */
export const allTypesDatabase = async (
  harness: PostgresHarness,
): Promise<{ readonly db: TestDatabase; readonly client: pg.Client }> => {
  const db = await harness.createDatabase();
  const client = await db.connect();
  await client.query(ALL_TYPES_DDL);
  await client.query(allTypesRows(1));
  await client.query(noKeyRows);
  return { db, client };
};

export interface ExpectOptions {
  readonly millis?: boolean;
}

/** PostgreSQL expressions giving each all_types column's text as it must read back from the lake. */
const allTypesExpected = (options: ExpectOptions): string[] => {
  // DuckDB leaves out a zero fraction, as PostgreSQL does for microseconds.
  const stamp = (value: string) =>
    options.millis
      ? `regexp_replace(to_char(${value}, 'YYYY-MM-DD HH24:MI:SS.MS'), '\\.000$', '')`
      : `${value}::text`;
  return [
    'id::text',
    'small::text',
    'big::text',
    'num::text',
    "CASE WHEN num_free = 'NaN' THEN NULL ELSE round(num_free, 6)::text END",
    'num_wide::text',
    // DuckDB writes whole floats with a trailing .0 and NaN in lower case.
    "CASE WHEN r::text ~ '^-?[0-9]+$' THEN r::text || '.0' ELSE lower(r::text) END",
    "CASE WHEN d::text ~ '^-?[0-9]+$' THEN d::text || '.0' ELSE lower(d::text) END",
    'flag::text',
    'day::text',
    // TIME is written in milliseconds (TIME32), the microseconds cut.
    "(tm - (extract(microseconds FROM tm)::bigint % 1000) * interval '1 microsecond')::text",
    stamp(options.millis ? "date_trunc('milliseconds', ts)" : 'ts'),
    stamp(
      options.millis ? "date_trunc('milliseconds', tstz AT TIME ZONE 'UTC')" : "(tstz AT TIME ZONE 'UTC')",
    ),
    'body',
    'code',
    'rtrim(fixed)',
    'uid::text',
    'doc::text',
    'docb::text',
    "upper(encode(raw, 'hex'))",
    'ints::text',
    'words::text',
    'feeling::text',
    'span::text',
  ];
};

export type TextRow = readonly (string | null)[];

export const expectedAllTypes = async (
  client: pg.Client,
  options: ExpectOptions = {},
): Promise<TextRow[]> => {
  const result = await client.query({
    text: `SELECT ${allTypesExpected(options).join(', ')} FROM all_types ORDER BY all_types.id`,
    rowMode: 'array',
  });
  return result.rows as TextRow[];
};

export const expectedNoKey = async (client: pg.Client): Promise<TextRow[]> => {
  const result = await client.query({
    text: `SELECT kind, amount::text, (at AT TIME ZONE 'UTC')::text FROM no_key
           ORDER BY kind, amount NULLS LAST, at NULLS LAST`,
    rowMode: 'array',
  });
  return result.rows as TextRow[];
};

/** A table's rows rebuilt from the lake, every value as text, in key order. */
export const lakeRows = async (
  lakeDir: string,
  table: string,
  options: { key?: readonly string[]; timestampColumnName?: string; bucket?: string; folder?: string } = {},
): Promise<TextRow[]> => {
  const rebuilt = await rebuildTableFromLake(
    lakeDir,
    options.bucket ?? 'lake',
    options.folder ?? 'raw',
    'public',
    table,
    {
      asText: true,
      ...(options.key ? { key: options.key } : {}),
      ...(options.timestampColumnName ? { timestampColumnName: options.timestampColumnName } : {}),
    },
  );
  return rebuilt.rows.map((row) => rebuilt.columns.map((column) => (row[column] ?? null) as string | null));
};
