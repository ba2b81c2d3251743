/**
 * Moves a table's view between the two states of a resync (docs/lake.md, "Resync"), each in one UpdateTable of the
 * view, so a reader sees the view before or after, never a mix:
 *
 * - `reloading`: first `<table>_previous` over the frozen copy of the previous generation, then the view over it plus
 *   the changes written since (in that order, so the view never names a table that is not there yet);
 * - `current`: the view over the change log alone, marked with the new generation; then `<table>_previous` goes.
 *
 * A table whose catalog was never published has no view to keep: nothing is switched, and the result says so.
 */
import * as z from 'zod';
import { deleteCatalogTable, putTable, readCatalogTable, replaceTable } from '#adapters/glue';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { VIEW_STATES } from '#contracts/lake';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import {
  currentTableCatalog,
  previousTableName,
  reloadingTableCatalog,
  storedTableCatalog,
} from '#domain/lake/generations';
import { catalogTableNames, glueDatabaseName } from '#domain/lake/names';
import { requireEnv } from '#shared/env';
import { databaseKey, generation, now, sourceTable } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const SwitchInput = z.object({
  ...databaseKey,
  ...sourceTable,
  generation,
  to: z.enum([VIEW_STATES.reloading, VIEW_STATES.current], {
    message: `must be ${VIEW_STATES.reloading} or ${VIEW_STATES.current}`,
  }),
  now,
});

export const switchTableView = async (event: unknown) => {
  const input = parseInput(SwitchInput, event);
  const { layout } = catalogSourceOf(await registry.require(input));
  const databaseName = glueDatabaseName(input.migrationId, input.databaseId);
  const names = catalogTableNames(input.schemaName, input.tableName);
  const [changes, view] = await Promise.all([
    readCatalogTable(databaseName, names.changes),
    readCatalogTable(databaseName, names.view),
  ]);
  if (!changes || !view) return { switched: false, view: names.view, reason: 'the table has no catalog yet' };
  const stored = storedTableCatalog(
    databaseName,
    { schema: input.schemaName, table: input.tableName },
    { changes, view },
  );
  if (input.to === VIEW_STATES.reloading) {
    const reloading = reloadingTableCatalog(layout, databaseName, stored, input.generation);
    await putTable(databaseName, reloading.previous);
    await replaceTable(databaseName, reloading.view);
  } else {
    await replaceTable(databaseName, currentTableCatalog(stored, input.generation).view);
    await deleteCatalogTable(databaseName, previousTableName(view.Name));
  }
  return { switched: true, view: names.view, state: input.to, generation: input.generation };
};

export const handler = lambdaHandler(switchTableView);
