/**
 * The DMS PostgreSQL → Parquet type mapping (docs/dms-behaviour.md §5 type map, §6.3; DMS's PostgreSQL source
 * type table). Every value reaches the Parquet writer as PostgreSQL's own text form (from COPY in full load,
 * from test_decoding in CDC, both under the same session settings), and one DuckDB SQL expression per column
 * turns it into the target type. One conversion path for LOAD and CDC files means both always agree.
 *
 * | PostgreSQL                         | Parquet (DuckDB type)                                       |
 * |------------------------------------|-------------------------------------------------------------|
 * | smallint / integer / bigint        | INT16 / INT32 / INT64                                       |
 * | numeric(p,s), p ≤ 38               | DECIMAL(p,s)                                                |
 * | numeric(p,s), p > 38               | STRING                                                      |
 * | numeric (unbounded)                | DECIMAL(28,6), rounded to 6 places (DMS's NUMERIC(28,6))    |
 * | numeric NaN / ±Infinity            | NULL (no DECIMAL form)                                      |
 * | real / double precision            | FLOAT / DOUBLE                                              |
 * | money                              | DECIMAL(38,4) (DMS's NUMERIC(38,4))                         |
 * | boolean                            | STRING 'true'/'false'; BOOLEAN only when booleansAsBoolean  |
 * | date                               | DATE                                                        |
 * | time / timetz                      | TIME(MILLIS) on INT32, truncated (DMS's TIME32); timetz keeps its local time |
 * | timestamp / timestamptz            | TIMESTAMP µs, or ms (truncated) with ParquetTimestampInMillisecond; timestamptz as UTC |
 * | char(n)                            | STRING, trailing blanks trimmed unless TrimSpaceInChar=false |
 * | varchar(n), uuid, enum, interval, inet, bit, ranges… | STRING (PostgreSQL text form)               |
 * | text, varchar, json, jsonb, xml, arrays, composite, hstore | STRING, LOB (NCLOB)                  |
 * | bytea                              | BINARY, LOB (BLOB)                                          |
 *
 * A `change-data-type` rule to string makes any column Parquet STRING (see stringConversion).
 *
 * LOBs: in limited-LOB mode a value longer than LobMaxSize (KB, counted in UTF-8 bytes for text, cut at a
 * character boundary) is truncated, or the task fails when FailTasksOnLobTruncation is set. SupportLobs=false
 * leaves LOB columns out.
 */
import { numericPrecisionScale } from '#domain/lake/column-types';
import type { SourceColumn } from './catalog.ts';

export interface ColumnTypeOptions {
  /** Booleans as Parquet BOOLEAN rather than the strings `true`/`false` (see settings.ts for when). */
  readonly booleansAsBoolean: boolean;
  readonly timestampInMilliseconds: boolean;
  readonly trimSpaceInChar: boolean;
  /** Byte limit per LOB value; undefined = no limit. */
  readonly lobMaxBytes?: number;
  readonly failOnLobTruncation: boolean;
}

export type LobKind = 'text' | 'binary';

export interface ColumnConversion {
  /** DuckDB type of the Parquet column. */
  readonly duckType: string;
  readonly lob?: LobKind;
  /** DuckDB expression turning the text value `input` (a VARCHAR expression) into the target type. */
  readonly expression: (input: string) => string;
  /** Written as INT32 milliseconds since midnight and annotated TIME(MILLIS) afterwards (parquet-footer.ts). */
  readonly timeMillis?: boolean;
}

const VARHDRSZ = 4;
/** DMS maps NUMERIC with more digits than this to STRING. */
const MAX_DECIMAL_PRECISION = 38;

const TEXT_LOB_TYPES = new Set([
  'text',
  'varchar',
  'json',
  'jsonb',
  'xml',
  'citext',
  'hstore',
  'tsvector',
  'tsquery',
]);

const nonFiniteToNull = (input: string, cast: string): string =>
  `CASE WHEN ${input} IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE CAST(${input} AS ${cast}) END`;

const decimal = (duckType: string): ColumnConversion => ({
  duckType,
  expression: (input) => nonFiniteToNull(input, duckType),
});

const numericConversion = (column: SourceColumn): ColumnConversion => {
  const bounds = numericPrecisionScale(column.typeModifier);
  if (!bounds) return decimal('DECIMAL(28,6)');
  if (bounds.precision > MAX_DECIMAL_PRECISION) return { duckType: 'VARCHAR', expression: (input) => input };
  // A negative scale (numeric(p,-s)) holds integers with up to p - s digits.
  const precision =
    bounds.scale < 0 ? Math.min(MAX_DECIMAL_PRECISION, bounds.precision - bounds.scale) : bounds.precision;
  return decimal(`DECIMAL(${precision},${Math.max(0, bounds.scale)})`);
};

const timestampConversion = (fromText: (input: string) => string, millis: boolean): ColumnConversion =>
  millis
    ? {
        duckType: 'TIMESTAMP_MS',
        expression: (input) => `CAST(date_trunc('millisecond', ${fromText(input)}) AS TIMESTAMP_MS)`,
      }
    : { duckType: 'TIMESTAMP', expression: fromText };

const identity = (input: string): string => input;

/** Milliseconds since midnight of a TIME expression, microseconds cut (DuckDB's microsecond() counts seconds too). */
const millisOfDay = (time: string): string =>
  `CAST((hour(${time}) * 3600 + minute(${time}) * 60) * 1000 + microsecond(${time}) // 1000 AS INTEGER)`;

const timeConversion = (toTime: (input: string) => string): ColumnConversion => ({
  duckType: 'INTEGER',
  timeMillis: true,
  expression: (input) => millisOfDay(toTime(input)),
});

/** The conversion for one column before LOB limits. */
const baseConversion = (column: SourceColumn, options: ColumnTypeOptions): ColumnConversion => {
  if (column.typeCategory === 'A' || column.typeType === 'c') {
    return { duckType: 'VARCHAR', lob: 'text', expression: identity };
  }
  switch (column.typeName) {
    case 'int2':
      return { duckType: 'SMALLINT', expression: (input) => `CAST(${input} AS SMALLINT)` };
    case 'int4':
      return { duckType: 'INTEGER', expression: (input) => `CAST(${input} AS INTEGER)` };
    case 'int8':
      return { duckType: 'BIGINT', expression: (input) => `CAST(${input} AS BIGINT)` };
    case 'float4':
      return { duckType: 'FLOAT', expression: (input) => `CAST(${input} AS FLOAT)` };
    case 'float8':
      return { duckType: 'DOUBLE', expression: (input) => `CAST(${input} AS DOUBLE)` };
    case 'numeric':
      return numericConversion(column);
    case 'money':
      // The source session prints money as `-$1,234.56` (lc_monetary C): keep the sign, digits and point.
      return {
        duckType: 'DECIMAL(38,4)',
        expression: (input) => `CAST(regexp_replace(${input}, '[^0-9.-]', '', 'g') AS DECIMAL(38,4))`,
      };
    case 'bool':
      return options.booleansAsBoolean
        ? { duckType: 'BOOLEAN', expression: (input) => `CAST(${input} AS BOOLEAN)` }
        : {
            duckType: 'VARCHAR',
            // COPY writes t/f, test_decoding true/false; DMS writes the words.
            expression: (input) =>
              `CASE WHEN ${input} IN ('t', 'true') THEN 'true' WHEN ${input} IN ('f', 'false') THEN 'false' END`,
          };
    case 'date':
      return { duckType: 'DATE', expression: (input) => `CAST(${input} AS DATE)` };
    case 'time':
      return timeConversion((input) => `CAST(${input} AS TIME)`);
    case 'timetz':
      return timeConversion((input) => `CAST(regexp_replace(${input}, '[+-][0-9:]+$', '') AS TIME)`);
    case 'timestamp':
      return timestampConversion((input) => `CAST(${input} AS TIMESTAMP)`, options.timestampInMilliseconds);
    case 'timestamptz':
      // The source session runs in UTC, so every value reads `…+00` and its wall-clock part is the UTC time DMS
      // writes (DATETIME). DuckDB's TIMESTAMP cast takes that part; going through TIMESTAMPTZ costs 3× more.
      return timestampConversion((input) => `CAST(${input} AS TIMESTAMP)`, options.timestampInMilliseconds);
    case 'bytea':
      return { duckType: 'BLOB', lob: 'binary', expression: (input) => `unhex(substr(${input}, 3))` };
    case 'bpchar':
      return {
        duckType: 'VARCHAR',
        expression: options.trimSpaceInChar ? (input) => `rtrim(${input}, ' ')` : identity,
      };
    case 'varchar':
      // varchar(n) is a bounded WSTRING; varchar without a length is a LOB (NCLOB).
      return column.typeModifier >= VARHDRSZ
        ? { duckType: 'VARCHAR', expression: identity }
        : { duckType: 'VARCHAR', lob: 'text', expression: identity };
    default:
      return TEXT_LOB_TYPES.has(column.typeName)
        ? { duckType: 'VARCHAR', lob: 'text', expression: identity }
        : { duckType: 'VARCHAR', expression: identity };
  }
};

const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Longest prefix of at most `limit` UTF-8 bytes that ends on a character boundary. */
const truncateText = (value: string, limit: number): string => {
  const bytes = `encode(${value})`;
  const attempts = [0, 1, 2].map((back) => `try(decode(${bytes}[1:${limit - back}]))`);
  return `coalesce(${attempts.join(', ')}, decode(${bytes}[1:${limit - 3}]))`;
};

const withLobLimit = (
  conversion: ColumnConversion,
  options: ColumnTypeOptions,
  describe: string,
): ColumnConversion => {
  const limit = options.lobMaxBytes;
  const lob = conversion.lob;
  if (limit === undefined || lob === undefined) return conversion;
  const size = lob === 'text' ? 'strlen' : 'octet_length';
  const failure = sqlText(
    `LOB column ${describe} holds a value longer than LobMaxSize (${limit / 1024} KB) and FailTasksOnLobTruncation is set`,
  );
  return {
    ...conversion,
    expression: (input) => {
      const value = conversion.expression(input);
      const cut = options.failOnLobTruncation
        ? `error(${failure})`
        : lob === 'text'
          ? truncateText(value, limit)
          : `${value}[1:${limit}]`;
      return `CASE WHEN ${size}(${value}) > ${limit} THEN ${cut} ELSE ${value} END`;
    },
  };
};

/** Marker DuckDB's error() message carries for a LOB truncation failure. */
export const LOB_TRUNCATION_MARKER = 'FailTasksOnLobTruncation is set';

/**
 * A `change-data-type` rule to string: the column becomes Parquet STRING. `onSourceValue` (choices.ts) says
 * whether the string is the source's own text or the text of the value after DMS's type mapping (rounded
 * numerics, millisecond times). LOB limits do not apply: the column is no longer a LOB.
 */
const stringConversion = (base: ColumnConversion, onSourceValue: boolean): ColumnConversion => {
  if (onSourceValue) return { duckType: 'VARCHAR', expression: identity };
  if (base.timeMillis) {
    return {
      duckType: 'VARCHAR',
      expression: (input) =>
        `strftime(TIMESTAMP '2000-01-01' + to_milliseconds(${base.expression(input)}), '%H:%M:%S.%g')`,
    };
  }
  return { duckType: 'VARCHAR', expression: (input) => `CAST(${base.expression(input)} AS VARCHAR)` };
};

/** What a `change-data-type` rule asks of a column (table-mappings.ts). */
export interface DataTypeChangeOptions {
  readonly toString: boolean;
  readonly onSourceValue: boolean;
}

/** The conversion of one source column; `describe` names the column in failure messages. */
export const columnConversion = (
  column: SourceColumn,
  options: ColumnTypeOptions,
  describe: string,
  change?: DataTypeChangeOptions,
): ColumnConversion => {
  const base = baseConversion(column, options);
  return change?.toString
    ? stringConversion(base, change.onSourceValue)
    : withLobLimit(base, options, describe);
};
