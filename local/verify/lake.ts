/** The lake side of verification: the current state of a table as a DuckDB relation, and its digest. */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  type CanonicalOptions,
  DUCKDB_CANONICAL_MACROS,
  duckTableDigestSql,
  type SourceColumn,
} from './canonical.ts';
import { digestFromRow, type TableDigest, type TableRef } from './digest.ts';

/** A table's current state in the lake: something `FROM` accepts (a table, a view, a parenthesised query). */
export interface LakeTable {
  readonly connection: DuckDBConnection;
  readonly relation: string;
}

/**
 * Gives the lake's current state of a source table; undefined when the lake holds no file for it. `key` is the
 * source's primary key (empty when it has none), which the replay of updates and deletes goes by.
 */
export interface LakeReader {
  open(ref: TableRef, key: readonly string[]): Promise<LakeTable | undefined>;
}

/** Column name → DuckDB type of the lake relation. */
export const lakeColumnTypes = async (lake: LakeTable): Promise<Map<string, string>> => {
  const reader = await lake.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${lake.relation}`);
  const types = new Map<string, string>();
  for (const row of reader.getRowObjectsJson())
    types.set(String(row['column_name']), String(row['column_type']));
  return types;
};

export const lakeDigest = async (
  lake: LakeTable,
  columns: readonly SourceColumn[],
  lakeTypes: ReadonlyMap<string, string>,
  options: CanonicalOptions,
): Promise<TableDigest> => {
  // Timestamps without a zone are read as UTC, as PostgreSQL's side does with TimeZone=UTC.
  await lake.connection.run(`SET TimeZone = 'UTC'`);
  for (const macro of DUCKDB_CANONICAL_MACROS) await lake.connection.run(macro);
  const reader = await lake.connection.runAndReadAll(
    duckTableDigestSql(lake.relation, columns, lakeTypes, options),
  );
  return digestFromRow(reader.getRowObjectsJson()[0]);
};
