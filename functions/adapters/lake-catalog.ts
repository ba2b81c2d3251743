/**
 * Brings a database's Glue catalog up to date with its source tables (docs/lake.md): plans it, compares each
 * change-log table with what Glue holds, keeps dropped columns, writes it, and returns the `Schema Changed` event
 * due (if any) for the caller to publish.
 */
import type { LakeshiftEvent } from '#contracts/events';
import {
  type CatalogLayout,
  type CatalogSourceTable,
  type DatabaseCatalog,
  planDatabaseCatalog,
} from '#domain/lake/catalog-plan';
import { keepGeneration } from '#domain/lake/generations';
import {
  needsReport,
  schemaChanged,
  type TableSchemaChange,
  tableSchemaChange,
} from '#domain/lake/schema-change';
import { publishCatalog, readCatalogTables } from './glue.ts';

export interface CatalogRefresh {
  readonly catalog: DatabaseCatalog;
  readonly changes: readonly TableSchemaChange[];
  readonly event?: LakeshiftEvent;
}

export const refreshCatalog = async (
  layout: CatalogLayout,
  tables: readonly CatalogSourceTable[],
  now: string,
): Promise<CatalogRefresh> => {
  const first = planDatabaseCatalog(layout, tables);
  const existing = await readCatalogTables(first.databaseName);
  const changes = first.tables.flatMap((table) => {
    const before = existing.get(table.changes.Name)?.StorageDescriptor.Columns;
    return before
      ? [tableSchemaChange(table.changes.Name, before, table.changes.StorageDescriptor.Columns)]
      : [];
  });
  // Dropped columns stay: plan again with them kept after the source's own.
  const retired = new Map(
    changes.map((change) => [change.table, change.dropped.map(({ Name, Type }) => ({ Name, Type }))]),
  );
  const planned = planDatabaseCatalog(
    layout,
    tables.map((table, index) => ({
      ...table,
      retiredColumns: retired.get(first.tables[index]?.changes.Name ?? '') ?? [],
    })),
  );
  // A view a resync left reloading stays so (docs/lake.md, "Resync"): the refresh must not put the LOAD files back.
  const kept = planned.tables.map((table) =>
    keepGeneration(layout, planned.databaseName, table, existing.get(table.view.Name)),
  );
  const catalog = { ...planned, tables: kept.map((table) => table.catalog) };
  await publishCatalog(
    catalog,
    kept.flatMap((table) => (table.previous ? [table.previous] : [])),
  );
  const reported = changes.filter(needsReport);
  return {
    catalog,
    changes,
    ...(reported.length > 0 ? { event: schemaChanged(layout, catalog.databaseName, reported, now) } : {}),
  };
};
