/**
 * The lake's Glue catalog: databases and tables created or replaced as planned (docs/lake.md). Every call is
 * idempotent, so a step that fails half way is repaired by the next run.
 */
import type { Table, TableInput } from '@aws-sdk/client-glue';
import type { DatabaseCatalog, GlueColumn, GlueTableInput } from '#domain/lake/catalog-plan';
import { glueClient, glueSdk } from './clients.ts';
import { awsCall } from './retry.ts';

/** The retry policy wraps AWS errors in lakeshift's; the Glue error it wraps is the cause. */
const isNamed = (error: unknown, name: string): boolean =>
  error instanceof Error &&
  (error.name === name || (error.cause instanceof Error && error.cause.name === name));

const ensureDatabase = async (name: string, description: string): Promise<void> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  try {
    await awsCall('CreateDatabase', () =>
      client.send(new sdk.CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: description } })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
  }
};

const toTableInput = (input: GlueTableInput): TableInput => ({
  ...input,
  Parameters: { ...input.Parameters },
  StorageDescriptor: {
    ...input.StorageDescriptor,
    Columns: input.StorageDescriptor.Columns.map((column) => ({ ...column })),
    SerdeInfo: { ...input.StorageDescriptor.SerdeInfo },
  },
  PartitionKeys: input.PartitionKeys.map((column) => ({ ...column })),
});

/** Creates the table, or replaces its definition when it exists. */
const putTable = async (databaseName: string, input: GlueTableInput): Promise<void> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  const tableInput = toTableInput(input);
  try {
    await awsCall('CreateTable', () =>
      client.send(new sdk.CreateTableCommand({ DatabaseName: databaseName, TableInput: tableInput })),
    );
  } catch (error) {
    if (!isNamed(error, 'AlreadyExistsException')) throw error;
    await awsCall('UpdateTable', () =>
      client.send(new sdk.UpdateTableCommand({ DatabaseName: databaseName, TableInput: tableInput })),
    );
  }
};

/** The columns of every table of a database, by table name; empty when the database does not exist yet. */
export const readCatalogColumns = async (databaseName: string): Promise<Map<string, GlueColumn[]>> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  const tables: Table[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await awsCall('GetTables', () =>
        client.send(
          new sdk.GetTablesCommand({ DatabaseName: databaseName, ...(token ? { NextToken: token } : {}) }),
        ),
      );
      tables.push(...(page.TableList ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    if (isNamed(error, 'EntityNotFoundException')) return new Map();
    throw error;
  }
  return new Map(
    tables.map((table) => [
      table.Name ?? '',
      (table.StorageDescriptor?.Columns ?? []).map((column) => ({
        Name: column.Name ?? '',
        Type: column.Type ?? '',
        ...(column.Comment ? { Comment: column.Comment } : {}),
      })),
    ]),
  );
};

/** Creates the database and every table and view of the plan (change logs before the views over them). */
export const publishCatalog = async (catalog: DatabaseCatalog): Promise<void> => {
  await ensureDatabase(catalog.databaseName, catalog.description);
  for (const table of catalog.tables) await putTable(catalog.databaseName, table.changes);
  for (const table of catalog.tables) await putTable(catalog.databaseName, table.view);
};

/** Deletes a Glue database with its tables and views; false when there was none (nothing to do). */
export const deleteCatalogDatabase = async (databaseName: string): Promise<boolean> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  try {
    await awsCall('DeleteDatabase', () => client.send(new sdk.DeleteDatabaseCommand({ Name: databaseName })));
    return true;
  } catch (error) {
    if (isNamed(error, 'EntityNotFoundException')) return false;
    throw error;
  }
};
