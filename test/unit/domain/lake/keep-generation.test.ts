import { describe, expect, it } from 'vitest';
import { GENERATION_PARAMETERS } from '#contracts/lake';
import { planDatabaseCatalog, viewSqlOf } from '#domain/lake/catalog-plan';
import { keepGeneration } from '#domain/lake/generations';

const LAYOUT = { migrationId: 'shop', databaseId: 'orders', bucket: 'lake', bucketFolder: 'raw/shop/orders' };
const catalog = planDatabaseCatalog(LAYOUT, [
  {
    schema: 'public',
    table: 'orders',
    columns: [{ name: 'id', typeName: 'int4', typeCategory: 'N', typeModifier: -1 }],
    primaryKey: ['id'],
  },
]);
const planned = catalog.tables[0] ?? (undefined as never);
const marked = (generation: string, state: string) => ({
  Parameters: { [GENERATION_PARAMETERS.generation]: generation, [GENERATION_PARAMETERS.viewState]: state },
});

describe('keepGeneration (a catalog refresh over a resynced table)', () => {
  it('publishes the plan as it is for a table never resynced', () => {
    // Act
    const kept = keepGeneration(LAYOUT, catalog.databaseName, planned, { Parameters: {} });
    // Assess
    expect(kept).toEqual({ catalog: planned });
  });

  it('keeps a reloading view reloading, over <table>_previous, so the refresh never reads the LOAD files', () => {
    // Act
    const kept = keepGeneration(LAYOUT, catalog.databaseName, planned, marked('2', 'reloading'));
    // Assess
    expect(kept.previous?.Name).toBe('orders_previous');
    expect(kept.previous?.StorageDescriptor.Location).toBe(
      's3://lake/raw/shop/orders/_lakeshift_generations/public/orders/g0001/',
    );
    expect(kept.catalog.view.Parameters[GENERATION_PARAMETERS.viewState]).toBe('reloading');
    expect(viewSqlOf(kept.catalog.view.ViewOriginalText ?? '')).toContain("NOT LIKE 'LOAD%'");
  });

  it('keeps the generation of a current view and its plain SQL', () => {
    // Act
    const kept = keepGeneration(LAYOUT, catalog.databaseName, planned, marked('3', 'current'));
    // Assess
    expect(kept.previous).toBeUndefined();
    expect(kept.catalog.view.Parameters[GENERATION_PARAMETERS.generation]).toBe('3');
    expect(kept.catalog.view.ViewOriginalText).toBe(planned.view.ViewOriginalText);
  });
});
