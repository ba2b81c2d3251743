/**
 * What DMS does with each PostgreSQL type on its way to Parquet on S3 (docs/column-fidelity.md lists the same
 * table with its sources). One row per type family; `classifyColumn` picks the row of a captured column.
 */

/** exact: the value arrives unchanged; changed: DMS alters it or its type in a documented way; not-migrated. */
export type FidelityOutcome = 'exact' | 'changed' | 'not-migrated';

/**
 * A documented change that loses information, and which lakeshift remedies unless the request chooses it
 * (`fidelity.lossy`): the request names these ids.
 */
export const LOSSY_MAPPINGS = [
  'unbounded-numeric',
  'timestamp-milliseconds',
  'time-milliseconds',
  'lob-truncation',
] as const;
export type LossyMapping = (typeof LOSSY_MAPPINGS)[number];

export type TypeFamily =
  | 'integer'
  | 'float'
  | 'bounded-numeric'
  | 'wide-numeric'
  | 'unbounded-numeric'
  | 'money'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'interval'
  | 'bounded-string'
  | 'uuid'
  | 'text-lob'
  | 'json-lob'
  | 'xml'
  | 'array'
  | 'composite'
  | 'binary-lob'
  | 'enum'
  | 'range'
  | 'bit-string'
  | 'network'
  | 'geometric'
  | 'large-object'
  | 'unlisted';

export interface TypeMappingRow {
  readonly family: TypeFamily;
  /** The PostgreSQL types of the family, as the docs table names them. */
  readonly postgres: string;
  /** The DMS type and the Parquet type it becomes. */
  readonly lands: string;
  readonly outcome: FidelityOutcome;
  /** What happens to the value, in a sentence. */
  readonly effect: string;
  /** The information lost when nothing is done; undefined when the value itself is kept. */
  readonly loss?: LossyMapping;
  /** True for DMS LOB types: subject to LobMaxSize in limited LOB mode. */
  readonly lob?: boolean;
  /** Public source of the row. */
  readonly source: string;
}

const PG_SOURCE = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.PostgreSQL.html';
const S3_SOURCE = 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html';
const BOTH = `${PG_SOURCE} (data types); ${S3_SOURCE} (Parquet types)`;

export const TYPE_MAPPING: readonly TypeMappingRow[] = [
  {
    family: 'integer',
    postgres: 'smallint, integer, bigint (and their serials)',
    lands: 'INT2/INT4/INT8 → INT16/INT32/INT64',
    outcome: 'exact',
    effect: 'unchanged',
    source: BOTH,
  },
  {
    family: 'float',
    postgres: 'real, double precision',
    lands: 'REAL4/REAL8 → FLOAT/DOUBLE',
    outcome: 'exact',
    effect: 'unchanged (same IEEE 754 value)',
    source: BOTH,
  },
  {
    family: 'bounded-numeric',
    postgres: 'numeric(p,s), decimal(p,s) with p ≤ 38',
    lands: 'NUMERIC(p,s) → DECIMAL(p,s)',
    outcome: 'exact',
    effect: 'unchanged; NaN and ±Infinity have no DECIMAL form and arrive as NULL',
    source: BOTH,
  },
  {
    family: 'wide-numeric',
    postgres: 'numeric(p,s) with p ≥ 39',
    lands: 'STRING → STRING',
    outcome: 'changed',
    effect: 'carried as its decimal text; the value is kept, the type becomes a string',
    source: PG_SOURCE,
  },
  {
    family: 'unbounded-numeric',
    postgres: 'numeric, decimal without precision',
    lands: 'NUMERIC(28,6) → DECIMAL(28,6)',
    outcome: 'changed',
    effect: 'rounded to 6 decimal places (and more than 22 integer digits do not fit)',
    loss: 'unbounded-numeric',
    source: `${PG_SOURCE} (data types, and "NUMERIC without precision becomes NUMERIC(28,6)")`,
  },
  {
    family: 'money',
    postgres: 'money',
    lands: 'NUMERIC(38,4) → DECIMAL(38,4)',
    outcome: 'changed',
    effect: 'carried as a number without currency symbol; the amount is kept',
    source: PG_SOURCE,
  },
  {
    family: 'boolean',
    postgres: 'boolean',
    lands: 'CHAR(5) "true"/"false" (BOOLEAN with MapBooleanAsBoolean on both endpoints) → STRING',
    outcome: 'changed',
    effect: 'carried as the words true/false unless Parquet BOOLEAN is produced; the value is kept',
    source: `${PG_SOURCE}; https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html`,
  },
  {
    family: 'date',
    postgres: 'date',
    lands: 'DATE → DATE32',
    outcome: 'exact',
    effect: 'unchanged',
    source: BOTH,
  },
  {
    family: 'time',
    postgres: 'time, time with time zone',
    lands: 'TIME → TIME32 (milliseconds)',
    outcome: 'changed',
    effect: 'microseconds cut to milliseconds; time with time zone loses its offset',
    loss: 'time-milliseconds',
    source: BOTH,
  },
  {
    family: 'timestamp',
    postgres: 'timestamp, timestamp with time zone',
    lands: 'DATETIME → TIMESTAMP (µs, or ms with ParquetTimestampInMillisecond)',
    outcome: 'changed',
    effect:
      'timestamptz arrives as its UTC instant; with ParquetTimestampInMillisecond the microseconds are cut',
    loss: 'timestamp-milliseconds',
    source: `${BOTH}; https://docs.aws.amazon.com/dms/latest/APIReference/API_S3Settings.html`,
  },
  {
    family: 'interval',
    postgres: 'interval',
    lands: 'STRING(128) → STRING',
    outcome: 'changed',
    effect: 'carried as its text form; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'bounded-string',
    postgres: 'char(n), varchar(n)',
    lands: 'WSTRING(n) → STRING',
    outcome: 'exact',
    effect: 'unchanged (char(n) loses its insignificant trailing blanks with TrimSpaceInChar)',
    source: `${PG_SOURCE}; https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html`,
  },
  {
    family: 'uuid',
    postgres: 'uuid',
    lands: 'STRING → STRING',
    outcome: 'changed',
    effect: 'carried as its text form; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'text-lob',
    postgres: 'text, varchar without length, citext, tsvector, tsquery, hstore',
    lands: 'NCLOB/CLOB → STRING',
    outcome: 'exact',
    effect: 'unchanged up to LobMaxSize; longer values are truncated (or fail the task)',
    loss: 'lob-truncation',
    lob: true,
    source: `${BOTH}; https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata.html`,
  },
  {
    family: 'json-lob',
    postgres: 'json, jsonb',
    lands: 'NCLOB → STRING',
    outcome: 'changed',
    effect: 'carried as its JSON text; longer than LobMaxSize is truncated (or fails the task)',
    loss: 'lob-truncation',
    lob: true,
    source: PG_SOURCE,
  },
  {
    family: 'xml',
    postgres: 'xml',
    lands: 'CLOB → STRING',
    outcome: 'changed',
    effect: 'carried as its text; longer than LobMaxSize is truncated (or fails the task)',
    loss: 'lob-truncation',
    lob: true,
    source: PG_SOURCE,
  },
  {
    family: 'array',
    postgres: 'arrays of any type',
    lands: 'NCLOB → STRING',
    outcome: 'changed',
    effect: "carried as PostgreSQL's array text ({1,2,3}); longer than LobMaxSize is truncated",
    loss: 'lob-truncation',
    lob: true,
    source: PG_SOURCE,
  },
  {
    family: 'composite',
    postgres: 'composite (row) types',
    lands: 'NCLOB → STRING',
    outcome: 'changed',
    effect: 'carried as its row text; longer than LobMaxSize is truncated',
    loss: 'lob-truncation',
    lob: true,
    source: PG_SOURCE,
  },
  {
    family: 'binary-lob',
    postgres: 'bytea',
    lands: 'BLOB → BINARY',
    outcome: 'exact',
    effect: 'unchanged up to LobMaxSize; longer values are truncated (or fail the task)',
    loss: 'lob-truncation',
    lob: true,
    source: BOTH,
  },
  {
    family: 'enum',
    postgres: 'enum types',
    lands: 'STRING(64) → STRING',
    outcome: 'changed',
    effect: 'carried as the label text; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'range',
    postgres: 'int4range, int8range, numrange, tsrange, tstzrange, daterange',
    lands: 'STRING(255) → STRING',
    outcome: 'changed',
    effect: 'carried as the range text ([1,10)); the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'bit-string',
    postgres: 'bit(n), bit varying(n)',
    lands: 'STRING(n) → STRING',
    outcome: 'changed',
    effect: 'carried as a string of 0 and 1; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'network',
    postgres: 'inet, cidr, macaddr',
    lands: 'STRING(50)/STRING(18) → STRING',
    outcome: 'changed',
    effect: 'carried as its text form; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'geometric',
    postgres: 'point, line, lseg, box, path, polygon, circle',
    lands: 'STRING(255) → STRING',
    outcome: 'changed',
    effect: 'carried as its text form; the value is kept',
    source: PG_SOURCE,
  },
  {
    family: 'large-object',
    postgres: 'oid (large-object references)',
    lands: 'the reference number only',
    outcome: 'not-migrated',
    effect: 'the large object the oid points to is not migrated; only the number arrives',
    source: `${PG_SOURCE} ("OID LOBs are not migrated")`,
  },
  {
    family: 'unlisted',
    postgres: 'any other type (pg_lsn, user-defined base types, …)',
    lands: 'not listed by DMS',
    outcome: 'not-migrated',
    effect: 'DMS lists no mapping: lakeshift assumes the column may not arrive',
    source: PG_SOURCE,
  },
];

const BY_FAMILY = new Map(TYPE_MAPPING.map((row) => [row.family, row]));

/** The row of a family; a family without its own row reads as `unlisted` (a test keeps every family listed). */
export const mappingRow = (family: TypeFamily): TypeMappingRow =>
  BY_FAMILY.get(family) ??
  BY_FAMILY.get('unlisted') ??
  (TYPE_MAPPING[TYPE_MAPPING.length - 1] as TypeMappingRow);
