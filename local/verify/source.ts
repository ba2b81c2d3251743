/** The source side of verification: a PostgreSQL table's columns and its digest, computed in the database. */
import type pg from 'pg';
import { sqlIdentifier } from '#local/dataplane/parquet-writer';
import { type CanonicalOptions, kindOfPgType, pgTableDigestSql, type SourceColumn } from './canonical.ts';
import { digestFromRow, type TableDigest, type TableRef } from './digest.ts';

/** Session settings that fix the text forms the canonical row relies on (dates, floats, bytea). */
export const CANONICAL_SESSION_SETTINGS = [
  `SET LOCAL DateStyle = 'ISO, YMD'`,
  `SET LOCAL TimeZone = 'UTC'`,
  `SET LOCAL extra_float_digits = 1`,
  `SET LOCAL bytea_output = 'hex'`,
  `SET LOCAL IntervalStyle = 'postgres'`,
] as const;

/** User tables of the database, without the bookkeeping tables DMS may create on a source (`awsdms_*`). */
export const listSourceTables = async (client: pg.Client): Promise<TableRef[]> => {
  const result = await client.query<{ schema: string; table: string }>(`
    SELECT n.nspname AS schema, c.relname AS table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      AND c.relname NOT LIKE 'awsdms\\_%'
    ORDER BY 1, 2`);
  return result.rows;
};

/** The table's columns in order, with domains resolved to their base type. Empty when the table does not exist. */
export const describeSourceColumns = async (client: pg.Client, ref: TableRef): Promise<SourceColumn[]> => {
  const result = await client.query<{ name: string; pg_type: string }>(
    `SELECT a.attname AS name, CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS pg_type
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attnum`,
    [ref.schema, ref.table],
  );
  return result.rows.map((row) => ({ name: row.name, pgType: row.pg_type, kind: kindOfPgType(row.pg_type) }));
};

/** The table's primary key columns in key order; empty when it has none. */
export const describePrimaryKey = async (client: pg.Client, ref: TableRef): Promise<string[]> => {
  const result = await client.query<{ name: string }>(
    `SELECT a.attname AS name
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary
     ORDER BY k.position`,
    [ref.schema, ref.table],
  );
  return result.rows.map((row) => row.name);
};

/** Count and hash of the table; run inside a transaction that applied CANONICAL_SESSION_SETTINGS. */
export const sourceDigest = async (
  client: pg.Client,
  ref: TableRef,
  columns: readonly SourceColumn[],
  options: CanonicalOptions,
): Promise<TableDigest> => {
  const from = `${sqlIdentifier(ref.schema)}.${sqlIdentifier(ref.table)}`;
  const result = await client.query(pgTableDigestSql(from, columns, options));
  return digestFromRow(result.rows[0]);
};
