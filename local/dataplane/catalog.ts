/**
 * Reads the source catalogue: ordinary tables (leaf partitions count as tables, as DMS treats them), their columns
 * with the base type behind any domain, the primary key and the replica identity. DMS's own bookkeeping tables on
 * the source (`awsdms_*`, e.g. the heartbeat table) are never part of it, so no table mapping can capture them.
 */
import type pg from 'pg';

export interface SourceColumn {
  readonly name: string;
  /** `pg_type.typname` of the base type, e.g. `int4`, `numeric`, `_int4` for an int4 array. */
  readonly typeName: string;
  /** `pg_type.typtype` of the base type: b base, e enum, c composite, r range, m multirange. */
  readonly typeType: string;
  /** `pg_type.typcategory`: A for arrays. */
  readonly typeCategory: string;
  /** The base type's modifier (-1 when none): carries numeric precision/scale and character lengths. */
  readonly typeModifier: number;
  /** The column's declared type as the change stream names it (`format_type` without modifier). */
  readonly typeText: string;
}

export interface SourceTable {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly SourceColumn[];
  /** Primary key column names, in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  /** `pg_class.relreplident`: d default (primary key), f full, i index, n nothing. */
  readonly replicaIdentity: string;
  /** Size of the table's main fork in bytes (pages × block size). */
  readonly sizeBytes: number;
}

interface TableRow {
  oid: number;
  schema: string;
  table: string;
  replica_identity: string;
  size_bytes: string;
}

interface ColumnRow {
  oid: number;
  name: string;
  type_name: string;
  type_type: string;
  type_category: string;
  type_modifier: number;
  type_text: string;
}

interface KeyRow {
  oid: number;
  name: string;
}

const TABLES_SQL = `
  SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS table, c.relreplident AS replica_identity,
         pg_relation_size(c.oid)::text AS size_bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND c.relname NOT LIKE 'awsdms\\_%'
  ORDER BY n.nspname, c.relname`;

const COLUMNS_SQL = `
  SELECT a.attrelid::int AS oid, a.attname AS name,
         bt.typname AS type_name, bt.typtype AS type_type, bt.typcategory AS type_category,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS type_modifier,
         format_type(a.atttypid, NULL) AS type_text
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attrelid, a.attnum`;

const KEYS_SQL = `
  SELECT i.indrelid::int AS oid, a.attname AS name
  FROM pg_index i
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indisprimary AND i.indrelid = ANY($1::oid[])
  ORDER BY i.indrelid, k.position`;

/** Lists every table of the database with its columns and keys. */
export const readCatalog = async (client: pg.Client): Promise<SourceTable[]> => {
  const tables = (await client.query<TableRow>(TABLES_SQL)).rows;
  if (tables.length === 0) return [];
  const oids = tables.map((table) => table.oid);
  const [columns, keys] = await Promise.all([
    client.query<ColumnRow>(COLUMNS_SQL, [oids]),
    client.query<KeyRow>(KEYS_SQL, [oids]),
  ]);
  const columnsByTable = groupBy(columns.rows, (row) => row.oid);
  const keysByTable = groupBy(keys.rows, (row) => row.oid);
  return tables.map((table) => ({
    schema: table.schema,
    table: table.table,
    replicaIdentity: table.replica_identity,
    sizeBytes: Number(table.size_bytes),
    primaryKey: (keysByTable.get(table.oid) ?? []).map((key) => key.name),
    columns: (columnsByTable.get(table.oid) ?? []).map((column) => ({
      name: column.name,
      typeName: column.type_name,
      typeType: column.type_type,
      typeCategory: column.type_category,
      typeModifier: column.type_modifier,
      typeText: column.type_text,
    })),
  }));
};

const groupBy = <T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> => {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};
