/**
 * What the lake catalog tests share: the table mappings their streamed sources use, and the current-state view of
 * `public.t` read through the catalog, as the demo reads it.
 */
import type { Table } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { changeSequenceRule } from '#domain/planner/table-mappings';
import { createCatalogLakeReader } from '#local/verify/catalog-reader';
import { includeAll } from '../dataplane/task-context.ts';

/** The table mappings of the streamed task: every table of `public`, with DMS's change-sequence column. */
export const STREAMED_RULES = [includeAll(), changeSequenceRule(2)];

/** The rows of `public.t`'s current-state view, read through the catalog's location, columns and view SQL. */
export const viewRows = async (databaseName: string, lakeDir: string, tables: Table[]) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = createCatalogLakeReader({ databaseName, tables }, lakeDir, connection);
    const view = await reader.open({ schema: 'public', table: 't' }, ['id']);
    if (!view) throw new Error('the catalog has no view of public.t');
    return (await connection.runAndReadAll(`SELECT * FROM ${view.relation} ORDER BY id`)).getRows();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
