/**
 * The demo's view of the lake's Glue catalog: per migrated database the answer of GetTables, as `aws glue
 * get-tables` prints it, and `catalog.json` beside the report.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetTablesCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import { glueDatabaseName } from '#domain/lake/names';
import type { AwsConnection } from './observe.ts';

export interface DatabaseCatalogView {
  readonly databaseName: string;
  readonly tables: readonly Table[];
}

/** GetTables of the database's Glue database; no tables when the catalog step has not written it yet. */
export const readDatabaseCatalog = async (
  aws: AwsConnection,
  migrationId: string,
  databaseId: string,
): Promise<DatabaseCatalogView> => {
  const client = new GlueClient({ ...aws, maxAttempts: 1 });
  const databaseName = glueDatabaseName(migrationId, databaseId);
  try {
    const tables: Table[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetTablesCommand({ DatabaseName: databaseName, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      tables.push(...(page.TableList ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return { databaseName, tables };
  } catch (error) {
    if (error instanceof Error && error.name === 'EntityNotFoundException')
      return { databaseName, tables: [] };
    throw error;
  } finally {
    client.destroy();
  }
};

/** `catalog.json`: per Glue database, GetTables' `TableList`. */
export const writeCatalogJson = async (
  directory: string,
  catalogs: readonly DatabaseCatalogView[],
): Promise<string> => {
  const path = join(directory, 'catalog.json');
  const document = Object.fromEntries(
    catalogs.map((catalog) => [catalog.databaseName, { TableList: catalog.tables }]),
  );
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
};
