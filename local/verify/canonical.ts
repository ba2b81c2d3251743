/**
 * One canonical text per row, built the same way in PostgreSQL (the source) and in DuckDB (the lake), so that an
 * order-independent hash of a table can be compared across the two engines. Each column is normalised by its
 * source type: integers and decimals as plain decimals without trailing fraction zeros, floats through their
 * shortest round-trip digits written as plain decimals, timestamps as epoch milli- or microseconds, times as
 * milli- or microseconds since midnight, bytea as lower-case hex, booleans as `true`/`false`, the rest as text.
 * Each value is length-prefixed (`<bytes>:<text>`, NULL as `~`) so that no two rows share a canonical text.
 * Every canonical expression is NULL exactly when its column is, and is computed once per row (in a subquery).
 *
 * A row's hash is md5 of its canonical text; the table's hash is the pair of sums, over all rows, of two 60-bit
 * slices of it (120 bits, order-independent, and duplicates count: a multiset hash, unlike xor).
 */
// PostgreSQL and DuckDB quote identifiers alike.
import { sqlIdentifier } from '#local/dataplane/parquet-writer';

export type ColumnKind =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'uuid'
  | 'bytea'
  | 'text';

export interface SourceColumn {
  readonly name: string;
  /** The PostgreSQL type name (`pg_type.typname` of the base type), e.g. `int8`, `timestamptz`, `_int4`. */
  readonly pgType: string;
  readonly kind: ColumnKind;
}

/** Precision at which times compare: DMS writes Parquet TIME in ms, and timestamps in ms with `ParquetTimestampInMillisecond`. */
export interface CanonicalOptions {
  readonly timestampPrecision: 'ms' | 'us';
  readonly timePrecision: 'ms' | 'us';
}

/** lakeshift's request defaults write millisecond timestamps (`ParquetTimestampInMillisecond`), and DMS TIME is ms. */
export const DEFAULT_CANONICAL_OPTIONS: CanonicalOptions = { timestampPrecision: 'ms', timePrecision: 'ms' };

const KIND_BY_PG_TYPE: Readonly<Record<string, ColumnKind>> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  oid: 'integer',
  numeric: 'decimal',
  // DMS writes money as NUMERIC(38,4).
  money: 'decimal',
  float4: 'float',
  float8: 'float',
  bool: 'boolean',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  uuid: 'uuid',
  bytea: 'bytea',
};

/** Everything without a dedicated rule (text, varchar, json, jsonb, enums, arrays...) compares as its text form. */
export const kindOfPgType = (pgType: string): ColumnKind => KIND_BY_PG_TYPE[pgType] ?? 'text';

/** Strips fraction zeros and a bare point: `12.50` → `12.5`, `3.00` → `3`; leaves integers alone. */
const trimFractionPg = (text: string): string =>
  `CASE WHEN strpos(${text}, '.') > 0 THEN rtrim(rtrim(${text}, '0'), '.') ELSE ${text} END`;
const trimFractionDuck = (text: string): string =>
  `CASE WHEN strpos(${text}, '.') > 0 THEN rtrim(rtrim(${text}, '0'), '.') ELSE ${text} END`;

const epochPg = (column: string, perSecond: number): string =>
  `CASE WHEN isfinite(${column}) THEN floor(extract(epoch FROM ${column}) * ${perSecond})::bigint::text ELSE ${column}::text END`;

/** The canonical text of one source column, as a PostgreSQL expression. */
export const pgCanonicalValue = (column: SourceColumn, options: CanonicalOptions): string => {
  const c = sqlIdentifier(column.name);
  switch (column.kind) {
    case 'integer':
      return `${c}::text`;
    case 'decimal':
      // Through numeric: money's own text (`$1,234.56`) is not a number.
      return trimFractionPg(`${c}::numeric::text`);
    case 'float':
      // The shortest round-trip digits (PostgreSQL's float output) read as an exact numeric, written plainly.
      return `CASE WHEN ${c} = 'NaN' THEN 'nan' WHEN ${c} = 'Infinity' THEN 'inf' WHEN ${c} = '-Infinity' THEN '-inf' ELSE ${trimFractionPg(`${c}::text::numeric::text`)} END`;
    case 'boolean':
      return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END`;
    case 'date':
      return `${c}::text`;
    case 'time':
      return `floor(extract(epoch FROM ${c}) * ${options.timePrecision === 'ms' ? 1000 : 1_000_000})::bigint::text`;
    case 'timestamp':
      return epochPg(c, options.timestampPrecision === 'ms' ? 1000 : 1_000_000);
    case 'uuid':
      return `${c}::text`;
    case 'bytea':
      return `encode(${c}, 'hex')`;
    case 'text':
      return `${c}::text`;
  }
};

/** DuckDB macros for floats: shortest digits (`1e-05`, `100.0`, `1.5e+17`) rewritten as a plain decimal. */
export const DUCKDB_CANONICAL_MACROS = [
  `CREATE OR REPLACE TEMP MACRO ls_mantissa(s) AS split_part(ltrim(s, '-'), 'e', 1)`,
  `CREATE OR REPLACE TEMP MACRO ls_exponent(s) AS coalesce(TRY_CAST(nullif(split_part(ltrim(s, '-'), 'e', 2), '') AS INTEGER), 0)`,
  `CREATE OR REPLACE TEMP MACRO ls_digits(s) AS replace(ls_mantissa(s), '.', '')`,
  `CREATE OR REPLACE TEMP MACRO ls_point(s) AS length(split_part(ls_mantissa(s), '.', 1)) + ls_exponent(s)`,
  `CREATE OR REPLACE TEMP MACRO ls_shifted(s) AS CASE
     WHEN ls_point(s) <= 0 THEN '0.' || repeat('0', -ls_point(s)) || ls_digits(s)
     WHEN ls_point(s) >= length(ls_digits(s)) THEN ls_digits(s) || repeat('0', ls_point(s) - length(ls_digits(s)))
     ELSE substr(ls_digits(s), 1, ls_point(s)) || '.' || substr(ls_digits(s), ls_point(s) + 1) END`,
  `CREATE OR REPLACE TEMP MACRO ls_unsigned(s) AS regexp_replace(
     CASE WHEN strpos(ls_shifted(s), '.') > 0 THEN rtrim(rtrim(ls_shifted(s), '0'), '.') ELSE ls_shifted(s) END,
     '^0+([0-9])', '\\1')`,
  `CREATE OR REPLACE TEMP MACRO ls_float(s) AS CASE
     WHEN lower(s) IN ('nan', '-nan') THEN 'nan'
     WHEN lower(s) IN ('inf', 'infinity') THEN 'inf'
     WHEN lower(s) IN ('-inf', '-infinity') THEN '-inf'
     WHEN ls_unsigned(s) = '0' THEN '0'
     WHEN starts_with(s, '-') THEN '-' || ls_unsigned(s)
     ELSE ls_unsigned(s) END`,
] as const;

const INTEGER_TYPES = new Set([
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
]);

/** The canonical text of one source column as a DuckDB expression over the lake column of type `lakeType`. */
export const duckCanonicalValue = (
  column: SourceColumn,
  lakeType: string,
  options: CanonicalOptions,
): string => {
  const c = sqlIdentifier(column.name);
  const text = `CAST(${c} AS VARCHAR)`;
  switch (column.kind) {
    case 'integer':
      return INTEGER_TYPES.has(lakeType) ? text : trimFractionDuck(text);
    case 'decimal':
      return trimFractionDuck(text);
    case 'float':
      return `ls_float(${text})`;
    case 'boolean':
      return `CASE WHEN ${c} IS NULL THEN NULL WHEN lower(${text}) IN ('true', 't', '1', 'y', 'yes') THEN 'true' ELSE 'false' END`;
    case 'date':
      return `CAST(CAST(${c} AS DATE) AS VARCHAR)`;
    case 'time': {
      const t = `CAST(${c} AS TIME)`;
      const micros = `((hour(${t}) * 3600 + minute(${t}) * 60)::BIGINT * 1000000 + microsecond(${t}))`;
      return options.timePrecision === 'ms'
        ? `CAST(floor(${micros} / 1000) AS BIGINT)::VARCHAR`
        : `${micros}::VARCHAR`;
    }
    case 'timestamp': {
      const t = lakeType.startsWith('TIMESTAMP') ? c : `CAST(${c} AS TIMESTAMPTZ)`;
      const epoch =
        options.timestampPrecision === 'ms'
          ? `CAST(floor(epoch_us(${t}) / 1000) AS BIGINT)::VARCHAR`
          : `epoch_us(${t})::VARCHAR`;
      return `CASE WHEN isfinite(${t}) THEN ${epoch} ELSE CAST(${t} AS VARCHAR) END`;
    }
    case 'uuid':
      return `lower(${text})`;
    case 'bytea':
      return lakeType === 'BLOB' ? `lower(hex(${c}))` : `lower(regexp_replace(${text}, '^\\\\x', ''))`;
    case 'text':
      return text;
  }
};

/** Column aliases of the canonical subquery: plain names, whatever the source columns are called. */
const alias = (index: number): string => `v${index}`;

/**
 * The order-independent digest of a table in PostgreSQL: row count and the two 60-bit slice sums of the rows' md5,
 * as decimal text. `OFFSET 0` keeps the planner from inlining the md5 into both sums (it would compute it twice).
 */
export const pgTableDigestSql = (
  from: string,
  columns: readonly SourceColumn[],
  options: CanonicalOptions,
): string => {
  const values = columns.map((column, index) => `${pgCanonicalValue(column, options)} AS ${alias(index)}`);
  const prefixed = columns.map(
    (_, index) => `coalesce(octet_length(${alias(index)})::text || ':' || ${alias(index)}, '~')`,
  );
  return `
  SELECT count(*)::text AS row_count,
         coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint), 0)::text AS sum_high,
         coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint), 0)::text AS sum_low
  FROM (SELECT md5(concat_ws(',', ${prefixed.join(', ') || `''`})) AS h
        FROM (SELECT ${values.join(', ') || '1 AS v'} FROM ${from}) AS canonical OFFSET 0) AS hashed`;
};

/** The same digest in DuckDB over the lake relation; `lakeTypes` maps column names to the lake's types. */
export const duckTableDigestSql = (
  from: string,
  columns: readonly SourceColumn[],
  lakeTypes: ReadonlyMap<string, string>,
  options: CanonicalOptions,
): string => {
  const values = columns.map(
    (column, index) =>
      `${duckCanonicalValue(column, lakeTypes.get(column.name) ?? 'VARCHAR', options)} AS ${alias(index)}`,
  );
  const prefixed = columns.map(
    (_, index) => `coalesce(CAST(strlen(${alias(index)}) AS VARCHAR) || ':' || ${alias(index)}, '~')`,
  );
  return `
  SELECT CAST(count(*) AS VARCHAR) AS row_count,
         CAST(coalesce(sum(CAST(('0x' || substr(h, 1, 15)) AS BIGINT)), 0) AS VARCHAR) AS sum_high,
         CAST(coalesce(sum(CAST(('0x' || substr(h, 16, 15)) AS BIGINT)), 0) AS VARCHAR) AS sum_low
  FROM (SELECT md5(concat_ws(',', ${prefixed.join(', ') || `''`})) AS h
        FROM (SELECT ${values.join(', ') || '1 AS v'} FROM ${from}) AS canonical) AS hashed`;
};
