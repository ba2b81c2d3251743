/**
 * Rebuilds a table's current state from its files in the lake, as a consumer of a DMS S3 target would: the LOAD
 * files, then the CDC files in name (write) order, each row in file order; per key the last change wins and a `D`
 * removes the row. Rows without an `Op` column are inserts. Used by the tests and by the demo's verification.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type Json } from '@duckdb/node-api';
import { isLoadFile, PARQUET_EXTENSION, pathSegment } from './lake.ts';
import { OP_COLUMN } from './output-columns.ts';
import { sqlIdentifier, sqlString } from './parquet-writer.ts';

export interface LakeTableFiles {
  /** LOAD files in counter order. */
  readonly load: readonly string[];
  /** CDC files in write order. */
  readonly cdc: readonly string[];
}

export interface RebuildOptions {
  /**
   * Key columns (target names). Needed when the files hold updates or deletes; without it every row is an insert
   * and the rebuild fails if it meets a `U` or `D`.
   */
  readonly key?: readonly string[];
  /** The TimestampColumnName column, left out of the result like `Op`. */
  readonly timestampColumnName?: string;
  /**
   * Return every value as text (DuckDB's VARCHAR form; binary as upper-case hex), for comparisons with a source's
   * text forms. Otherwise values are DuckDB's JSON renderings.
   */
  readonly asText?: boolean;
}

export interface RebuiltTable {
  /** Table columns in file order, without `Op` and the timestamp column. */
  readonly columns: readonly string[];
  /** Rows ordered by key (or by every column), values as DuckDB renders them to JSON. */
  readonly rows: readonly Record<string, Json>[];
  readonly files: LakeTableFiles;
}

export class LakeReplayError extends Error {
  override readonly name = 'LakeReplayError';
}

export const lakeTableDirectory = (
  lakeDir: string,
  bucket: string,
  folder: string,
  schema: string,
  table: string,
): string =>
  join(
    lakeDir,
    bucket,
    ...folder.split('/').filter((part) => part.length > 0),
    pathSegment(schema),
    pathSegment(table),
  );

/** The table's LOAD and CDC files (temporary files of an interrupted write are not data and are skipped). */
export const listLakeTableFiles = async (directory: string): Promise<LakeTableFiles> => {
  const entries = await readdir(directory, { recursive: true }).catch(() => [] as string[]);
  // Dot-named files and folders are writes in progress (a temporary file, a load's staging folder).
  const parquet = entries.filter(
    (entry) => entry.endsWith(PARQUET_EXTENSION) && !entry.split(sep).some((name) => name.startsWith('.')),
  );
  const load = parquet.filter((entry) => entry === basename(entry) && isLoadFile(entry)).sort();
  const cdc = parquet
    .filter((entry) => !load.includes(entry))
    .sort((a, b) => basename(a).localeCompare(basename(b)) || a.localeCompare(b));
  return { load: load.map((name) => join(directory, name)), cdc: cdc.map((name) => join(directory, name)) };
};

/** A table's changes as a DuckDB temp view, in write order, and how to read each change's operation. */
export interface ChangesView {
  /** The view: every row of the files (LOAD, then CDC) with `file_order` and `file_row_number`. */
  readonly name: string;
  /** SQL for a row's operation: `Op`, or `'I'` where the files carry none. */
  readonly op: string;
  /** DuckDB's DESCRIBE of the view. */
  readonly described: readonly Record<string, Json>[];
}

/** Columns the replay adds to a table's own (besides `Op` and the timestamp column). */
export const REPLAY_COLUMNS: readonly string[] = ['filename', 'file_row_number', 'file_order'];

/** Creates the temp view `name` over `files` on `connection` (files in the order given, rows in file order). */
export const createChangesView = async (
  connection: DuckDBConnection,
  files: LakeTableFiles,
  name: string,
): Promise<ChangesView> => {
  const ordered = [...files.load, ...files.cdc];
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW ${name} AS
     SELECT c.*, f.file_order FROM read_parquet([${ordered.map(sqlString).join(', ')}],
       union_by_name = true, filename = true, file_row_number = true) AS c
     JOIN (VALUES ${ordered.map((file, index) => `(${sqlString(file)}, ${index})`).join(', ')}) AS f(path, file_order)
       ON c.filename = f.path`,
  );
  const described = (await connection.runAndReadAll(`DESCRIBE ${name}`)).getRowObjectsJson();
  const hasOp = described.some((row) => row['column_name'] === OP_COLUMN);
  return { name, op: hasOp ? `coalesce(${sqlIdentifier(OP_COLUMN)}, 'I')` : `'I'`, described };
};

/** Changes that are not inserts: a table without a key can replay only inserts, as DMS writes for it. */
export const countNonInserts = async (
  connection: DuckDBConnection,
  changes: ChangesView,
): Promise<number> => {
  const result = await connection.runAndReadAll(
    `SELECT count(*) FROM ${changes.name} WHERE ${changes.op} <> 'I'`,
  );
  return Number(result.getRows()[0]?.[0] ?? 0);
};

/** The current state: per key the newest change wins, and a `D` removes the row. */
export const currentStateSql = (changes: ChangesView, key: readonly string[]): string =>
  `SELECT * FROM (
     SELECT *, ${changes.op} AS replay_op, row_number() OVER (
       PARTITION BY ${key.map(sqlIdentifier).join(', ')} ORDER BY file_order DESC, file_row_number DESC) AS replay_newest
     FROM ${changes.name})
   WHERE replay_newest = 1 AND replay_op <> 'D'`;

export const rebuildTableFromLake = async (
  lakeDir: string,
  bucket: string,
  folder: string,
  schema: string,
  table: string,
  options: RebuildOptions = {},
): Promise<RebuiltTable> => {
  const files = await listLakeTableFiles(lakeTableDirectory(lakeDir, bucket, folder, schema, table));
  if (files.load.length + files.cdc.length === 0) return { columns: [], rows: [], files };
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const changes = await createChangesView(connection, files, 'changes');
    const internal = new Set([OP_COLUMN, ...REPLAY_COLUMNS, options.timestampColumnName]);
    const tableColumns = changes.described.filter((row) => !internal.has(String(row['column_name'])));
    const columns = tableColumns.map((row) => String(row['column_name']));
    const list = columns.map(sqlIdentifier).join(', ');
    const output = options.asText
      ? tableColumns
          .map((row) => {
            const name = sqlIdentifier(String(row['column_name']));
            const value = row['column_type'] === 'BLOB' ? `hex(${name})` : `CAST(${name} AS VARCHAR)`;
            return `${value} AS ${name}`;
          })
          .join(', ')
      : list;
    const key = options.key ?? [];
    if (key.length === 0) {
      if ((await countNonInserts(connection, changes)) > 0) {
        throw new LakeReplayError(
          `${schema}.${table} has updates or deletes in the lake: pass its key columns to rebuild it`,
        );
      }
      // Qualified names order by the stored values, not by the text aliases of asText.
      const result = await connection.runAndReadAll(
        `SELECT ${output} FROM changes ORDER BY ${columns.map((name) => `changes.${sqlIdentifier(name)}`).join(', ')}`,
      );
      return { columns, rows: result.getRowObjectsJson(), files };
    }
    const missing = key.filter((name) => !columns.includes(name));
    if (missing.length > 0)
      throw new LakeReplayError(`key column(s) ${missing.join(', ')} not found in ${schema}.${table}`);
    const result = await connection.runAndReadAll(
      `SELECT ${output} FROM (${currentStateSql(changes, key)}) AS latest
       ORDER BY ${key.map((name) => `latest.${sqlIdentifier(name)}`).join(', ')}`,
    );
    return { columns, rows: result.getRowObjectsJson(), files };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
