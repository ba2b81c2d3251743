/**
 * The lake's Glue catalog: databases and tables created or replaced as planned (docs/lake.md). Every call is
 * idempotent, so a step that fails half way is repaired by the next run.
 */
import type { Table, TableInput } from '@aws-sdk/client-glue';
import type { DatabaseCatalog, GlueTableInput } from '#domain/lake/catalog-plan';
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
export const putTable = async (databaseName: string, input: GlueTableInput): Promise<void> => {
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

const columnsOf = (columns: readonly { Name?: string; Type?: string; Comment?: string }[] | undefined) =>
  (columns ?? []).map((column) => ({
    Name: column.Name ?? '',
    Type: column.Type ?? '',
    ...(column.Comment ? { Comment: column.Comment } : {}),
  }));

/** A table as Glue holds it, in the shape lakeshift writes (what it reads back to write it again). */
const tableInputOf = (table: Table): GlueTableInput => ({
  Name: table.Name ?? '',
  Description: table.Description ?? '',
  TableType: table.TableType === 'VIRTUAL_VIEW' ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE',
  Parameters: { ...table.Parameters },
  StorageDescriptor: {
    Columns: columnsOf(table.StorageDescriptor?.Columns),
    ...(table.StorageDescriptor?.Location ? { Location: table.StorageDescriptor.Location } : {}),
    ...(table.StorageDescriptor?.InputFormat ? { InputFormat: table.StorageDescriptor.InputFormat } : {}),
    ...(table.StorageDescriptor?.OutputFormat ? { OutputFormat: table.StorageDescriptor.OutputFormat } : {}),
    SerdeInfo: {
      ...(table.StorageDescriptor?.SerdeInfo?.SerializationLibrary
        ? { SerializationLibrary: table.StorageDescriptor.SerdeInfo.SerializationLibrary }
        : {}),
    },
  },
  PartitionKeys: columnsOf(table.PartitionKeys),
  ...(table.ViewOriginalText ? { ViewOriginalText: table.ViewOriginalText } : {}),
  ...(table.ViewExpandedText ? { ViewExpandedText: table.ViewExpandedText } : {}),
});

/** Every table of a database as Glue holds it, by table name; empty when the database does not exist yet. */
export const readCatalogTables = async (databaseName: string): Promise<Map<string, GlueTableInput>> => {
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
  return new Map(tables.map((table) => [table.Name ?? '', tableInputOf(table)]));
};

/** One table as Glue holds it; undefined when it (or its database) does not exist. */
export const readCatalogTable = async (
  databaseName: string,
  tableName: string,
): Promise<GlueTableInput | undefined> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  try {
    const output = await awsCall('GetTable', () =>
      client.send(new sdk.GetTableCommand({ DatabaseName: databaseName, Name: tableName })),
    );
    return output.Table ? tableInputOf(output.Table) : undefined;
  } catch (error) {
    if (isNamed(error, 'EntityNotFoundException')) return undefined;
    throw error;
  }
};

/** Replaces the definition of a table that exists (one UpdateTable: readers see the old or the new, never none). */
export const replaceTable = async (databaseName: string, input: GlueTableInput): Promise<void> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  await awsCall('UpdateTable', () =>
    client.send(new sdk.UpdateTableCommand({ DatabaseName: databaseName, TableInput: toTableInput(input) })),
  );
};

/** Deletes a table; false when there was none. */
export const deleteCatalogTable = async (databaseName: string, tableName: string): Promise<boolean> => {
  const sdk = await glueSdk();
  const client = await glueClient();
  try {
    await awsCall('DeleteTable', () =>
      client.send(new sdk.DeleteTableCommand({ DatabaseName: databaseName, Name: tableName })),
    );
    return true;
  } catch (error) {
    if (isNamed(error, 'EntityNotFoundException')) return false;
    throw error;
  }
};

/**
 * Creates the database and every table and view of the plan: change logs and the previous generations a resync
 * keeps (`previous`) before the views over them.
 */
export const publishCatalog = async (
  catalog: DatabaseCatalog,
  previous: readonly GlueTableInput[] = [],
): Promise<void> => {
  await ensureDatabase(catalog.databaseName, catalog.description);
  for (const table of catalog.tables) await putTable(catalog.databaseName, table.changes);
  for (const table of previous) await putTable(catalog.databaseName, table);
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
