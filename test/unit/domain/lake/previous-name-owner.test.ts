import { describe, expect, it } from 'vitest';
import { previousNameOwner } from '#domain/lake/generations';

const table = (schema: string, name: string) => ({ schema, table: name });

describe('previousNameOwner', () => {
  it('names the migrated table whose view a resync would take for its previous generation', () => {
    // Act
    const sameSchema = previousNameOwner(table('public', 'orders'), [
      table('public', 'orders'),
      table('public', 'orders_previous'),
    ]);
    const twiceSuffixed = previousNameOwner(table('sales', 'orders_previous'), [
      table('sales', 'orders_previous_previous'),
    ]);
    // Outside `public`, the schema is part of the name: sales.orders becomes sales_orders.
    const acrossSchemas = previousNameOwner(table('sales', 'orders'), [
      table('public', 'sales_orders_previous'),
    ]);

    // Assess
    expect(sameSchema).toBe('public.orders_previous');
    expect(twiceSuffixed).toBe('sales.orders_previous_previous');
    expect(acrossSchemas).toBe('public.sales_orders_previous');
  });

  it('finds no owner among tables whose names stay apart', () => {
    // Act
    const owner = previousNameOwner(table('public', 'orders'), [
      table('public', 'orders'),
      table('public', 'order_previous'),
      table('public', 'lines'),
    ]);

    // Assess
    expect(owner).toBeUndefined();
  });
});
