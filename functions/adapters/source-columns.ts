/**
 * The pre-flight inspection of a source database: the columns of the tables a task will capture, with the
 * catalogue facts the fidelity classification needs, and the longest value of each column whose remedy depends on
 * it (LOBs, unbounded numerics). Read-only; one repeatable-read snapshot. Runs before anything is created.
 */
import type pg from 'pg';
import { ConnectionTestFailedError } from '#contracts/errors';
import { type CapturedColumn, typeFamily } from '#domain/fidelity/classify';
import { mappingRow } from '#domain/fidelity/type-mapping';
import { selectionPattern } from '#domain/planner/selection-pattern';
import { type PostgresSslMode, tlsFailureReason } from './postgres-tls.ts';
import type { PostgresCredentials } from './secrets.ts';
import { sourceClient } from './source-client.ts';

export interface InspectSourceRequest {
  readonly credentials: PostgresCredentials;
  readonly database: string;
  readonly sslMode: PostgresSslMode;
  /** `schema.table` patterns with `%` (the request's table selection). */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type_name: string;
  type_type: string;
  type_category: string;
  type_modifier: number;
}

// Ordinary tables and leaf partitions, as DMS captures them; domains resolved to their base type.
const COLUMNS_SQL = `
  SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
         bt.typname AS type_name, bt.typtype AS type_type, bt.typcategory AS type_category,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS type_modifier
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
    AND c.relname NOT LIKE 'awsdms\\_%'
  ORDER BY n.nspname, c.relname, a.attnum`;

const VARHDRSZ = 4;

/** numeric precision or character length from a type modifier; null when the type has none. */
const declaredLength = (typeName: string, modifier: number): number | null => {
  if (modifier < VARHDRSZ) return null;
  if (typeName === 'numeric') return ((modifier - VARHDRSZ) >> 16) & 0xffff;
  if (typeName === 'varchar' || typeName === 'bpchar') return modifier - VARHDRSZ;
  return null;
};

/** `%` is the only wildcard (the planner's selection rules); everything else is literal. */
const patternMatches = (pattern: string, value: string): boolean => selectionPattern(pattern).test(value);

const selected = (
  include: readonly string[],
  exclude: readonly string[],
  schema: string,
  table: string,
): boolean => {
  const hit = (pattern: string) => {
    const dot = pattern.indexOf('.');
    return patternMatches(pattern.slice(0, dot), schema) && patternMatches(pattern.slice(dot + 1), table);
  };
  return include.some(hit) && !exclude.some(hit);
};

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Families whose remedy depends on the longest value: LOBs (LobMaxSize) and unbounded numerics (string length). */
const measured = (column: CapturedColumn): boolean => {
  const family = typeFamily(column);
  return mappingRow(family).lob === true || family === 'unbounded-numeric';
};

const measureTable = async (client: pg.Client, columns: CapturedColumn[]): Promise<CapturedColumn[]> => {
  const toMeasure = columns.filter(measured);
  const first = columns[0];
  if (toMeasure.length === 0 || first === undefined) return columns;
  const lengths = toMeasure.map(
    (column, index) =>
      `max(octet_length(${quote(column.column)}${column.typeName === 'bytea' ? '' : '::text'}))::bigint AS m${index}`,
  );
  const result = await client.query<Record<string, string | null>>(
    `SELECT ${lengths.join(', ')} FROM ${quote(first.schema)}.${quote(first.table)}`,
  );
  const row = result.rows[0] ?? {};
  const sizes = new Map(toMeasure.map((column, index) => [column.column, Number(row[`m${index}`] ?? 0)]));
  return columns.map((column) =>
    sizes.has(column.column) ? { ...column, maxBytes: sizes.get(column.column) ?? 0 } : column,
  );
};

export const inspectSourceColumns = async (request: InspectSourceRequest): Promise<CapturedColumn[]> => {
  const { credentials, database } = request;
  const where = `${credentials.host}:${credentials.port}/${database}`;
  const client = sourceClient(request);
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const rows = (await client.query<ColumnRow>(COLUMNS_SQL)).rows.filter((row) =>
      selected(request.include, request.exclude, row.schema, row.table),
    );
    const byTable = new Map<string, CapturedColumn[]>();
    for (const row of rows) {
      const key = `${row.schema}.${row.table}`;
      const columns = byTable.get(key) ?? [];
      columns.push({
        schema: row.schema,
        table: row.table,
        column: row.column,
        typeName: row.type_name,
        typeType: row.type_type,
        typeCategory: row.type_category,
        declaredLength: declaredLength(row.type_name, row.type_modifier),
        maxBytes: null,
      });
      byTable.set(key, columns);
    }
    const inspected: CapturedColumn[] = [];
    for (const columns of byTable.values()) inspected.push(...(await measureTable(client, columns)));
    await client.query('COMMIT');
    return inspected;
  } catch (error) {
    const reason =
      tlsFailureReason(error, request.sslMode) ?? (error instanceof Error ? error.message : String(error));
    throw new ConnectionTestFailedError(`cannot inspect the source ${where} before planning: ${reason}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
};
