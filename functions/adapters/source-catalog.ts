/**
 * Reads the tables of a source database the catalog describes: ordinary tables (leaf partitions too, as DMS
 * treats them), their columns with the base type behind any domain, and their primary keys.
 */
import type { CatalogSourceTable } from '#domain/lake/catalog-plan';
import { onSource } from './postgres.ts';
import type { SourceConnection } from './source-client.ts';

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type_name: string;
  type_category: string;
  type_modifier: number;
  primary_key_position: number | null;
}

const COLUMNS_SQL = `
  SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
         bt.typname AS type_name, bt.typcategory AS type_category,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS type_modifier,
         (SELECT k.position::int FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
           WHERE i.indrelid = c.oid AND i.indisprimary AND k.attnum = a.attnum) AS primary_key_position
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    -- DMS's own tables on the source (DDL capture, heartbeat) are no tables of the user's.
    AND c.relname NOT LIKE 'awsdms\\_%'
  ORDER BY n.nspname, c.relname, a.attnum`;

/** Fails as SourceUnreachable, SourceTls or SourceAccessDenied when the source cannot be read, as the slot steps do. */
export const readSourceTables = (connection: SourceConnection): Promise<CatalogSourceTable[]> =>
  onSource({ ...connection, database: connection.database }, 'read the source tables', async (client) => {
    const rows = (await client.query<ColumnRow>(COLUMNS_SQL)).rows;
    const tables = new Map<string, { schema: string; table: string; rows: ColumnRow[] }>();
    for (const row of rows) {
      const key = `${row.schema}\u0000${row.table}`;
      const entry = tables.get(key) ?? { schema: row.schema, table: row.table, rows: [] };
      entry.rows.push(row);
      tables.set(key, entry);
    }
    return [...tables.values()].map(({ schema, table, rows: columns }) => ({
      schema,
      table,
      columns: columns.map((row) => ({
        name: row.column,
        typeName: row.type_name,
        typeCategory: row.type_category,
        typeModifier: row.type_modifier,
      })),
      primaryKey: columns
        .filter((row) => row.primary_key_position !== null)
        .sort((a, b) => (a.primary_key_position ?? 0) - (b.primary_key_position ?? 0))
        .map((row) => row.column),
    }));
  });
