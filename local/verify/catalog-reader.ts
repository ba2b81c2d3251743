/**
 * The lake side read through the Glue catalog, as Athena reads it: each change-log table becomes a DuckDB view
 * over the Parquet files under the table's location (the local folder standing for S3), with exactly the
 * catalog's columns, and the current-state view is the SQL Athena would run, taken from the view's
 * ViewOriginalText. Only a table the catalog describes is read.
 */
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLE_PARAMETERS } from '#contracts/lake';
import { viewSqlOf } from '#domain/lake/catalog-plan';
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
 * for a column a file does not have (files written before a column was added).
 */
const filesAsCatalogColumns = async (
  connection: DuckDBConnection,
  files: readonly string[],
  columns: readonly string[],
): Promise<string> => {
  const selects: string[] = [];
  for (const file of files) {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlText(file)})`);
    const present = new Map(described.getRows().map(([name]) => [String(name).toLowerCase(), String(name)]));
    const projection = columns.map((column) => {
      const found = present.get(column.toLowerCase());
      return found === undefined
        ? `NULL AS ${quoteIdentifier(column)}`
        : `${quoteIdentifier(found)} AS ${quoteIdentifier(column)}`;
    });
    selects.push(`SELECT ${projection.join(', ')} FROM read_parquet(${sqlText(file)})`);
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
  const describing = (ref: TableRef, type: string): CatalogTable | undefined =>
    catalog.tables.find(
      (table) =>
        table.TableType === type &&
        table.Parameters?.[TABLE_PARAMETERS.sourceTable] === `${ref.schema}.${ref.table}`,
    );
  return {
    open: async (ref: TableRef): Promise<LakeTable | undefined> => {
      const changes = describing(ref, 'EXTERNAL_TABLE');
      const view = describing(ref, 'VIRTUAL_VIEW');
      if (!changes?.Name || !view?.Name) return undefined;
      const location = changes.StorageDescriptor?.Location;
      if (!location) throw new CatalogReadError(`catalog table ${changes.Name} has no location`);
      const directory = localPathOf(lakeDir, location);
      const files = await listLakeTableFiles(directory);
      const paths = [...files.load, ...files.cdc];
      if (paths.length === 0) return undefined;
      const sql = viewSqlOf(view.ViewOriginalText ?? '');
      if (sql === undefined) throw new CatalogReadError(`catalog view ${view.Name} holds no Athena view SQL`);
      const columns = (changes.StorageDescriptor?.Columns ?? []).map((column) => column.Name ?? '');
      if (!schemaCreated) {
        await connection.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        schemaCreated = true;
      }
      await connection.run(
        `CREATE OR REPLACE VIEW ${schema}.${quoteIdentifier(changes.Name)} AS ${await filesAsCatalogColumns(connection, paths, columns)}`,
      );
      const relation = `${schema}.${quoteIdentifier(view.Name)}`;
      await connection.run(`CREATE OR REPLACE VIEW ${relation} AS ${sql}`);
      return { connection, relation };
    },
  };
};
