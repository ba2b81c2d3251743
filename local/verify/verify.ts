/**
 * Verifies a migrated database: for every table, the lake's current state (LOAD files then CDC files replayed)
 * against the source table in PostgreSQL, by row count and by an order-independent hash of all columns.
 * The source is read in one repeatable-read snapshot, so all its tables are compared as of one instant.
 */
import pg from 'pg';
import type { LossyMapping } from '#domain/fidelity/type-mapping';
import { type CanonicalOptions, DEFAULT_CANONICAL_OPTIONS, type SourceColumn } from './canonical.ts';
import { type ColumnDifference, diagnoseColumns } from './columns.ts';
import { sameDigest, type TableDigest, type TableRef } from './digest.ts';
import { type LakeReader, type LakeTable, lakeColumnTypes, lakeDigest } from './lake.ts';
import {
  CANONICAL_SESSION_SETTINGS,
  describePrimaryKey,
  describeSourceColumns,
  listSourceTables,
  sourceDigest,
} from './source.ts';

export type VerificationStatus =
  | 'equal'
  | 'equal-under-chosen-mapping'
  | 'row-count-differs'
  | 'content-differs'
  | 'missing-in-lake'
  | 'columns-missing-in-lake'
  | 'missing-in-source'
  | 'error';

export interface TableVerification {
  /** The database's id in the migration (a label for tables and reports). */
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  readonly status: VerificationStatus;
  readonly source?: TableDigest;
  readonly lake?: TableDigest;
  /** Why a table is not equal, or how an equal one was judged when that is not obvious. */
  readonly detail?: string;
  /** For a table whose content differs: the columns that differ, how many values, an example each. */
  readonly columns?: readonly ColumnDifference[];
  /** The Glue catalog view (`database.view`) the lake side was read through, when it was. */
  readonly catalogView?: string;
}

export interface VerifyDatabaseOptions {
  readonly database: string;
  /** `postgres://` URL of the source database. */
  readonly sourceUrl: string;
  readonly lake: LakeReader;
  /** Tables to verify; every user table of the source when absent. */
  readonly tables?: readonly TableRef[];
  readonly canonical?: CanonicalOptions;
  /** `schema.table.column` → the lossy mapping the request chose for it (the plan's `fidelity.lossy`). */
  readonly chosenMappings?: ReadonlyMap<string, LossyMapping>;
}

/** Equal, or equal under the mappings the request chose (every difference explained by one). */
export const isEqual = (result: TableVerification): boolean =>
  result.status === 'equal' || result.status === 'equal-under-chosen-mapping';

export const allEqual = (results: readonly TableVerification[]): boolean =>
  results.length > 0 && results.every(isEqual);

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const verifyDatabase = async (options: VerifyDatabaseOptions): Promise<TableVerification[]> => {
  const canonical = options.canonical ?? DEFAULT_CANONICAL_OPTIONS;
  const client = new pg.Client({ connectionString: options.sourceUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const setting of CANONICAL_SESSION_SETTINGS) await client.query(setting);
    const tables = options.tables ?? (await listSourceTables(client));
    const results: TableVerification[] = [];
    for (const ref of tables) {
      results.push(
        await verifyTable(
          client,
          ref,
          options.database,
          options.lake,
          canonical,
          options.chosenMappings ?? new Map(),
        ),
      );
    }
    await client.query('COMMIT');
    return results;
  } finally {
    await client.end().catch(() => undefined);
  }
};

type LakeOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'error'; readonly detail: string }
  | { readonly kind: 'missing-columns'; readonly missing: readonly string[] }
  | {
      readonly kind: 'digest';
      readonly digest: TableDigest;
      readonly table: LakeTable;
      readonly types: ReadonlyMap<string, string>;
    };

const lakeSide = async (
  lakeReader: LakeReader,
  ref: TableRef,
  key: readonly string[],
  columns: readonly SourceColumn[],
  canonical: CanonicalOptions,
): Promise<LakeOutcome> => {
  let step = 'reading';
  try {
    const lakeTable = await lakeReader.open(ref, key);
    if (lakeTable === undefined) return { kind: 'absent' };
    step = 'hashing';
    const lakeTypes = await lakeColumnTypes(lakeTable);
    const missing = columns.filter((column) => !lakeTypes.has(column.name)).map((column) => column.name);
    if (missing.length > 0) return { kind: 'missing-columns', missing };
    return {
      kind: 'digest',
      digest: await lakeDigest(lakeTable, columns, lakeTypes, canonical),
      table: lakeTable,
      types: lakeTypes,
    };
  } catch (error) {
    return { kind: 'error', detail: `${step} the lake failed: ${describeError(error)}` };
  }
};

const judge = (
  base: Pick<TableVerification, 'database' | 'schema' | 'table'>,
  source: TableDigest,
  lake: LakeOutcome,
): TableVerification => {
  switch (lake.kind) {
    case 'absent':
      // DMS writes no folder for a table that is empty at full load and never changes.
      return source.rowCount === 0
        ? {
            ...base,
            status: 'equal',
            source,
            lake: source,
            detail: 'empty in the source and absent from the lake',
          }
        : { ...base, status: 'missing-in-lake', source, detail: 'the lake holds no file for this table' };
    case 'error':
      return { ...base, status: 'error', source, detail: lake.detail };
    case 'missing-columns':
      return {
        ...base,
        status: 'columns-missing-in-lake',
        source,
        detail: `missing columns: ${lake.missing.join(', ')}`,
      };
    case 'digest':
      if (lake.digest.rowCount !== source.rowCount) {
        return {
          ...base,
          status: 'row-count-differs',
          source,
          lake: lake.digest,
          detail: `${source.rowCount} rows in the source, ${lake.digest.rowCount} in the lake`,
        };
      }
      return sameDigest(source, lake.digest)
        ? { ...base, status: 'equal', source, lake: lake.digest }
        : {
            ...base,
            status: 'content-differs',
            source,
            lake: lake.digest,
            detail: 'same row count, different content',
          };
  }
};

const verifyTable = async (
  client: pg.Client,
  ref: TableRef,
  database: string,
  lakeReader: LakeReader,
  canonical: CanonicalOptions,
  chosen: ReadonlyMap<string, LossyMapping>,
): Promise<TableVerification> => {
  const base = { database, schema: ref.schema, table: ref.table };
  const columns = await describeSourceColumns(client, ref);
  if (columns.length === 0)
    return { ...base, status: 'missing-in-source', detail: 'no such table in the source' };
  const key = await describePrimaryKey(client, ref);
  // PostgreSQL hashes the source while DuckDB hashes the lake.
  const [source, lake] = await Promise.all([
    sourceDigest(client, ref, columns, canonical),
    lakeSide(lakeReader, ref, key, columns, canonical),
  ]);
  const judged = judge(base, source, lake);
  if (judged.status !== 'content-differs' || lake.kind !== 'digest') return judged;
  const chosenHere = new Map<string, LossyMapping>();
  for (const [name, mapping] of chosen) {
    const prefix = `${ref.schema}.${ref.table}.`;
    if (name.startsWith(prefix)) chosenHere.set(name.slice(prefix.length), mapping);
  }
  try {
    const differences = await diagnoseColumns({
      client,
      lake: lake.table,
      ref,
      key,
      columns,
      lakeTypes: lake.types,
      canonical,
      chosen: chosenHere,
    });
    return explainDifferences(judged, differences);
  } catch (error) {
    return {
      ...judged,
      detail: `${judged.detail}; comparing column by column failed: ${describeError(error)}`,
    };
  }
};

const describeDifference = (difference: ColumnDifference): string => {
  const { example } = difference;
  const shown = (value: string | null) => (value === null ? 'NULL' : JSON.stringify(value.slice(0, 80)));
  const what = difference.explainedBy
    ? `${difference.values} values changed by the chosen mapping ${difference.explainedBy}`
    : `${difference.values} values differ`;
  return `${difference.column}: ${what}, e.g. ${example.key ? `key ${example.key}: ` : ''}source ${shown(example.source)}, lake ${shown(example.lake)}`;
};

/** "equal under the chosen mapping" when a chosen mapping explains every difference, else a real mismatch. */
export const explainDifferences = (
  judged: TableVerification,
  differences: readonly ColumnDifference[],
): TableVerification => {
  const explained = differences.length > 0 && differences.every((difference) => difference.explainedBy);
  return {
    ...judged,
    status: explained ? 'equal-under-chosen-mapping' : 'content-differs',
    columns: differences,
    detail: explained
      ? `equal under the chosen mapping: ${differences.map(describeDifference).join('; ')}`
      : `same row count, different content: ${differences.map(describeDifference).join('; ') || 'no single column differs (rows are paired differently)'}`,
  };
};
