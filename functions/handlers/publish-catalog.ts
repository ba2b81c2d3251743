/**
 * Creates or brings up to date the Glue catalog of one migrated database (docs/lake.md) from the tables
 * read-source-tables found: per table a change-log table and a current-state view. Runs after the full load;
 * columns added at the source join the catalog, and drops or type changes are published as `Schema Changed` with
 * the outcome the catalog chose.
 */

import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { publishCatalog, readCatalogColumns } from '#adapters/glue';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { planDatabaseCatalog } from '#domain/lake/catalog-plan';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import { needsReport, schemaChanged, tableSchemaChange } from '#domain/lake/schema-change';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const sourceTable = z.object({
  schema: z.string().min(1),
  table: z.string().min(1),
  columns: z
    .array(
      z.object({
        name: z.string().min(1),
        typeName: z.string().min(1),
        typeCategory: z.string(),
        typeModifier: z.number().int(),
      }),
    )
    .min(1, "must list the table's columns"),
  primaryKey: z.array(z.string()),
});

const PublishCatalogInput = z.object({ ...databaseKey, tables: z.array(sourceTable), now });

export const publishDatabaseCatalog = async (event: unknown) => {
  const input = parseInput(PublishCatalogInput, event);
  const source = catalogSourceOf(await registry.require(input));
  const tables = input.tables;
  const first = planDatabaseCatalog(source.layout, tables);
  const existing = await readCatalogColumns(first.databaseName);
  const changes = first.tables.flatMap((table) => {
    const before = existing.get(table.changes.Name);
    return before
      ? [tableSchemaChange(table.changes.Name, before, table.changes.StorageDescriptor.Columns)]
      : [];
  });
  // Dropped columns stay (docs/lake.md): plan again with them kept after the source's own.
  const retired = new Map(
    changes.map((change) => [change.table, change.dropped.map(({ Name, Type }) => ({ Name, Type }))]),
  );
  const catalog = planDatabaseCatalog(
    source.layout,
    tables.map((table, index) => ({
      ...table,
      retiredColumns: retired.get(first.tables[index]?.changes.Name ?? '') ?? [],
    })),
  );
  await publishCatalog(catalog);
  const reported = changes.filter(needsReport);
  if (reported.length > 0) {
    await publishEvents(env[ENV.eventBusName], [
      schemaChanged(input, catalog.databaseName, reported, input.now),
    ]);
  }
  return {
    glueDatabase: catalog.databaseName,
    tables: catalog.tables.map((table) => table.view.Name),
    columnsAdded: changes.flatMap((change) => change.added.map((name) => `${change.table}.${name}`)),
    schemaChanged: reported.length > 0,
  };
};

export const handler = lambdaHandler(publishDatabaseCatalog);
