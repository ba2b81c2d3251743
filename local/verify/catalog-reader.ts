/**
 * The lake side read through the Glue catalog, as Athena reads it: each change-log table becomes a DuckDB view
 * over the Parquet files under the table's location (the local folder standing for S3), with exactly the
 * catalog's columns and Athena's hidden `$path` (the S3 URI of each row's file), and the current-state view is the SQL
 * Athena would run, taken from the view's ViewOriginalText. Every table the catalog holds for a source table is
 * read (during a resync the previous generation's as well as the change log). Only a table the catalog describes
 * is read.
 */
import { join, relative, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLE_PARAMETERS } from '#contracts/lake';
import { viewSqlOf } from '#domain/lake/catalog-plan';
import { PATH_COLUMN } from '#domain/lake/generations';
import { quoteIdentifier } from '#domain/lake/view-sql';
import { listLakeTableFiles } from '#local/dataplane/replay';
import type { TableRef } from './digest.ts';
import type { LakeReader, LakeTable } from './lake.ts';

/** The parts of a Glue table (GetTables' answer) the reader uses. */
export interface CatalogTable {
  readonly Name?: string | undefined;
  readonly TableType?: string | undefined;
  readonly Parameters?: Record<string, string> | undefined;
  readonly ViewOriginalText?: string | undefined;
  readonly StorageDescriptor?:
    | {
        readonly Location?: string | undefined;
        readonly Columns?: ReadonlyArray<{ readonly Name?: string | undefined }> | undefined;
      }
    | undefined;
}

export class CatalogReadError extends Error {
  override readonly name = 'CatalogReadError';
}

/** `s3://bucket/key/` → `<lakeDir>/bucket/key`. */
export const localPathOf = (lakeDir: string, location: string): string => {
  const match = /^s3:\/\/([^/]+)\/(.*?)\/?$/.exec(location);
  if (!match) throw new CatalogReadError(`catalog location "${location}" is not an s3:// folder`);
  return join(lakeDir, match[1] ?? '', ...(match[2] ?? '').split('/').filter((part) => part.length > 0));
};

const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * Every file read by the catalog's column names, as Athena reads Parquet: by name without regard to case, NULL
 * for a column a file does not have (files written before a column was added); `$path` is the file's S3 URI. No
 * file at all reads as no row.
 */
const filesAsCatalogColumns = async (
  connection: DuckDBConnection,
  files: ReadonlyArray<{ readonly path: string; readonly uri: string }>,
  columns: readonly string[],
): Promise<string> => {
  const path = `${quoteIdentifier(PATH_COLUMN)}`;
  if (files.length === 0) {
    return `SELECT ${[...columns.map((column) => `NULL AS ${quoteIdentifier(column)}`), `'' AS ${path}`].join(', ')} WHERE false`;
  }
  const selects: string[] = [];
  for (const { path: file, uri } of files) {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlText(file)})`);
    const present = new Map(described.getRows().map(([name]) => [String(name).toLowerCase(), String(name)]));
    const projection = columns.map((column) => {
      const found = present.get(column.toLowerCase());
      return found === undefined
        ? `NULL AS ${quoteIdentifier(column)}`
        : `${quoteIdentifier(found)} AS ${quoteIdentifier(column)}`;
    });
    selects.push(
      `SELECT ${[...projection, `${sqlText(uri)} AS ${path}`].join(', ')} FROM read_parquet(${sqlText(file)})`,
    );
  }
  return selects.join('\nUNION ALL ');
};

export const createCatalogLakeReader = (
  catalog: { readonly databaseName: string; readonly tables: readonly CatalogTable[] },
  lakeDir: string,
  connection: DuckDBConnection,
): LakeReader => {
  const schema = quoteIdentifier(catalog.databaseName);
  let schemaCreated = false;
  const describing = (ref: TableRef, type: string): CatalogTable[] =>
    catalog.tables.filter(
      (table) =>
        table.TableType === type &&
        table.Parameters?.[TABLE_PARAMETERS.sourceTable] === `${ref.schema}.${ref.table}`,
    );
  /** Registers a change-log table as a DuckDB view; returns how many files it reads. */
  const register = async (table: CatalogTable & { Name: string }): Promise<number> => {
    const location = table.StorageDescriptor?.Location;
    if (!location) throw new CatalogReadError(`catalog table ${table.Name} has no location`);
    const directory = localPathOf(lakeDir, location);
    const files = await listLakeTableFiles(directory);
    const folderUri = location.endsWith('/') ? location : `${location}/`;
    const paths = [...files.load, ...files.cdc].map((path) => ({
      path,
      uri: `${folderUri}${relative(directory, path).split(sep).join('/')}`,
    }));
    const columns = (table.StorageDescriptor?.Columns ?? []).map((column) => column.Name ?? '');
    if (!schemaCreated) {
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      schemaCreated = true;
    }
    await connection.run(
      `CREATE OR REPLACE VIEW ${schema}.${quoteIdentifier(table.Name)} AS ${await filesAsCatalogColumns(connection, paths, columns)}`,
    );
    return paths.length;
  };
  return {
    open: async (ref: TableRef): Promise<LakeTable | undefined> => {
      const logs = describing(ref, 'EXTERNAL_TABLE').filter(
        (table): table is CatalogTable & { Name: string } => table.Name !== undefined,
      );
      const view = describing(ref, 'VIRTUAL_VIEW')[0];
      if (logs.length === 0 || !view?.Name) return undefined;
      let files = 0;
      for (const log of logs) files += await register(log);
      if (files === 0) return undefined;
      const sql = viewSqlOf(view.ViewOriginalText ?? '');
      if (sql === undefined) throw new CatalogReadError(`catalog view ${view.Name} holds no Athena view SQL`);
      const relation = `${schema}.${quoteIdentifier(view.Name)}`;
      await connection.run(`CREATE OR REPLACE VIEW ${relation} AS ${sql}`);
      return { connection, relation };
    },
  };
};
