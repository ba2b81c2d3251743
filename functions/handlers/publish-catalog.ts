/**
 * Creates or brings up to date the Glue catalog of one migrated database (docs/lake.md) from the tables
 * read-source-tables found: per table a change-log table and a current-state view. Runs after the full load;
 * columns added at the source join the catalog, and drops or type changes are published as `Schema Changed` with
 * the outcome the catalog chose.
 */

import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { refreshCatalog } from '#adapters/lake-catalog';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { catalogSourceOf } from '#domain/lake/catalog-source';
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
  const { catalog, changes, event: report } = await refreshCatalog(source.layout, input.tables, input.now);
  if (report) await publishEvents(env[ENV.eventBusName], [report]);
  return {
    glueDatabase: catalog.databaseName,
    tables: catalog.tables.map((table) => table.view.Name),
    columnsAdded: changes.flatMap((change) => change.added.map((name) => `${change.table}.${name}`)),
    schemaChanged: report !== undefined,
  };
};

export const handler = lambdaHandler(publishDatabaseCatalog);
