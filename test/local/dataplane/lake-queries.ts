/** Small helpers for reading what a test wrote into its lake folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { onTestFinished } from 'vitest';
import { listLakeTableFiles } from '#local/dataplane/replay';
import type { TextRow } from './fixtures.ts';

/** A fresh lake folder, removed when the test ends. */
export const newLake = async (): Promise<string> => {
  const lakeDir = await mkdtemp(join(tmpdir(), 'lakeshift-lake-'));
  onTestFinished(() => rm(lakeDir, { recursive: true, force: true }));
  return lakeDir;
};

/** Rows in a stable order, for tables without a key. */
export const sortedRows = (rows: readonly TextRow[]): TextRow[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** The folder of a `public` table in the tests' bucket `lake`. */
export const tableDir = (lakeDir: string, table: string, folder = 'raw'): string =>
  join(lakeDir, 'lake', folder, 'public', table);

export const tableFiles = (lakeDir: string, table: string, folder = 'raw') =>
  listLakeTableFiles(tableDir(lakeDir, table, folder));

/** A DuckDB list literal of file paths. */
export const fileList = (files: readonly string[]): string =>
  `[${files.map((file) => `'${file}'`).join(', ')}]`;

/** Runs one DuckDB query in a throwaway in-memory database. */
export const queryDuckDb = async (sql: string): Promise<DuckDBValue[][]> => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRows();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

/** Column names and DuckDB types of a Parquet file. */
export const parquetColumns = async (file: string): Promise<Array<[string, string]>> =>
  (
    await queryDuckDb(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`)
  ).map(([name, type]) => [String(name), String(type)]);
