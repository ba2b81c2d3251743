/**
 * Why a table differs, column by column: for each column whose values differ between source and lake, how many
 * values, one example, and whether every difference is what a lossy mapping the request chose makes of the
 * source value (mappings.ts). Runs only for tables whose digest differs.
 */
import type pg from 'pg';
import type { LossyMapping } from '#domain/fidelity/type-mapping';
import { sqlIdentifier } from '#local/dataplane/parquet-writer';
import {
  type CanonicalOptions,
  DUCKDB_CANONICAL_MACROS,
  duckCanonicalValue,
  duckTableDigestSql,
  pgCanonicalValue,
  pgTableDigestSql,
  type SourceColumn,
} from './canonical.ts';
import { digestFromRow, sameDigest, type TableRef } from './digest.ts';
import type { LakeTable } from './lake.ts';
import { explainedBy } from './mappings.ts';

export interface ColumnDifference {
  readonly column: string;
  /** How many values differ (rows with the same key and a different value; without a key, unmatched values). */
  readonly values: number;
  readonly example: { readonly key: string; readonly source: string | null; readonly lake: string | null };
  /** The chosen lossy mapping that explains every difference of the column, if one does. */
  readonly explainedBy?: LossyMapping;
}

export interface ColumnDiagnosisInput {
  readonly client: pg.Client;
  readonly lake: LakeTable;
  readonly ref: TableRef;
  readonly key: readonly string[];
  readonly columns: readonly SourceColumn[];
  readonly lakeTypes: ReadonlyMap<string, string>;
  readonly canonical: CanonicalOptions;
  /** Column name → the lossy mapping the request chose for it. */
  readonly chosen: ReadonlyMap<string, LossyMapping>;
}

const fromSource = (ref: TableRef): string => `${sqlIdentifier(ref.schema)}.${sqlIdentifier(ref.table)}`;

const differingColumns = async (input: ColumnDiagnosisInput): Promise<SourceColumn[]> => {
  const { client, lake, ref, key, columns, lakeTypes, canonical } = input;
  const keyColumns = columns.filter((column) => key.includes(column.name));
  const differing: SourceColumn[] = [];
  for (const column of columns) {
    if (key.includes(column.name)) continue;
    const pair = [...keyColumns, column];
    const source = digestFromRow(
      (await client.query(pgTableDigestSql(fromSource(ref), pair, canonical))).rows[0],
    );
    const reader = await lake.connection.runAndReadAll(
      duckTableDigestSql(lake.relation, pair, lakeTypes, canonical),
    );
    if (!sameDigest(source, digestFromRow(reader.getRowObjectsJson()[0]))) differing.push(column);
  }
  return differing;
};

type Pairs = Map<string, (string | null)[]>;

const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

/** key text → values of the column (one per row; several for a table without a key and repeated values). */
const group = (rows: readonly Record<string, unknown>[]): Pairs => {
  const pairs: Pairs = new Map();
  for (const row of rows) {
    const keyText = text(row['k']) ?? '';
    const values = pairs.get(keyText) ?? [];
    values.push(text(row['v']));
    pairs.set(keyText, values);
  }
  return pairs;
};

const keyExpression = (parts: readonly string[]): string =>
  parts.length === 0 ? `''` : parts.map((part) => `coalesce(${part}, '~')`).join(` || ',' || `);

const diagnoseColumn = async (
  input: ColumnDiagnosisInput,
  column: SourceColumn,
): Promise<ColumnDifference> => {
  const { client, lake, ref, key, columns, lakeTypes, canonical } = input;
  const keyColumns = columns.filter((candidate) => key.includes(candidate.name));
  // Without a key the values are compared as multisets: the value itself is the grouping key.
  const pgKey = keyColumns.map((keyColumn) => pgCanonicalValue(keyColumn, canonical));
  const duckKey = keyColumns.map((keyColumn) =>
    duckCanonicalValue(keyColumn, lakeTypes.get(keyColumn.name) ?? 'VARCHAR', canonical),
  );
  const pgValue = pgCanonicalValue(column, canonical);
  const duckValue = duckCanonicalValue(column, lakeTypes.get(column.name) ?? 'VARCHAR', canonical);
  const source = group(
    (await client.query(`SELECT ${keyExpression(pgKey)} AS k, ${pgValue} AS v FROM ${fromSource(ref)}`)).rows,
  );
  for (const macro of DUCKDB_CANONICAL_MACROS) await lake.connection.run(macro);
  const lakeRows = await lake.connection.runAndReadAll(
    `SELECT ${keyExpression(duckKey)} AS k, ${duckValue} AS v FROM ${lake.relation}`,
  );
  const lakeValues = group(lakeRows.getRowObjectsJson() as Record<string, unknown>[]);
  const mapping = input.chosen.get(column.name);
  let values = 0;
  let explained = mapping !== undefined;
  let example: ColumnDifference['example'] | undefined;
  for (const [keyText, sourceValues] of source) {
    const lakeList = [...(lakeValues.get(keyText) ?? [])];
    const unmatched: (string | null)[] = [];
    for (const value of sourceValues) {
      const at = lakeList.indexOf(value);
      if (at >= 0) lakeList.splice(at, 1);
      else unmatched.push(value);
    }
    unmatched.forEach((value, index) => {
      const lakeValue = lakeList[index] ?? null;
      values += 1;
      example ??= { key: keyText, source: value, lake: lakeValue };
      if (mapping === undefined || !explainedFor(mapping, value, lakeValue, key.length > 0))
        explained = false;
    });
  }
  return {
    column: column.name,
    values,
    example: example ?? { key: '', source: null, lake: null },
    ...(explained && values > 0 && mapping !== undefined ? { explainedBy: mapping } : {}),
  };
};

/** Without a key, a value is paired with an arbitrary unmatched lake value: only keyed tables can be explained. */
const explainedFor = (
  mapping: LossyMapping,
  source: string | null,
  lake: string | null,
  keyed: boolean,
): boolean => keyed && explainedBy(mapping, source, lake);

export const diagnoseColumns = async (input: ColumnDiagnosisInput): Promise<ColumnDifference[]> => {
  const differing = await differingColumns(input);
  const differences: ColumnDifference[] = [];
  for (const column of differing) differences.push(await diagnoseColumn(input, column));
  return differences;
};
