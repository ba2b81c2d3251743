/**
 * The Glue (Hive) type of each column as DMS writes it to Parquet from PostgreSQL (docs/lake.md, "Column types";
 * the same mapping the local data plane follows): unbounded numeric is DECIMAL(28,6), precision above 38 a
 * string, money DECIMAL(38,4), time of day INT32 milliseconds, everything without a Parquet equivalent a string.
 */

export interface CatalogSourceColumn {
  readonly name: string;
  /** `pg_type.typname` of the base type (`int4`, `numeric`, `_int4` for an array). */
  readonly typeName: string;
  /** `pg_type.typcategory`: `A` for arrays. */
  readonly typeCategory: string;
  /** The base type's modifier (-1 when none). */
  readonly typeModifier: number;
}

/** Largest DECIMAL precision Parquet (and Athena) hold. */
const MAX_DECIMAL_PRECISION = 38;
/** PostgreSQL's varlena header size, added to numeric type modifiers. */
const VARHDRSZ = 4;

/** Precision and scale of a numeric type modifier, or undefined for an unbounded numeric. */
export const numericPrecisionScale = (
  typeModifier: number,
): { precision: number; scale: number } | undefined => {
  if (typeModifier < VARHDRSZ) return undefined;
  const packed = typeModifier - VARHDRSZ;
  const precision = (packed >> 16) & 0xffff;
  // PostgreSQL 15+ stores the scale as a signed 11-bit value.
  const rawScale = packed & 0x7ff;
  return { precision, scale: rawScale > 1023 ? rawScale - 2048 : rawScale };
};

const numericType = (typeModifier: number): string => {
  const bounds = numericPrecisionScale(typeModifier);
  if (!bounds) return 'decimal(28,6)';
  const { precision, scale } = bounds;
  if (precision > MAX_DECIMAL_PRECISION) return 'string';
  // A negative scale (numeric(p,-s)) holds integers with up to p - s digits.
  const effective = scale < 0 ? Math.min(MAX_DECIMAL_PRECISION, precision - scale) : precision;
  return `decimal(${effective},${Math.max(0, scale)})`;
};

const BASE_TYPES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'int',
  int8: 'bigint',
  float4: 'float',
  float8: 'double',
  money: 'decimal(38,4)',
  // lakeshift's source endpoints set MapBooleanAsBoolean.
  bool: 'boolean',
  date: 'date',
  time: 'int',
  timetz: 'int',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  bytea: 'binary',
};

export const glueTypeOf = (column: CatalogSourceColumn): string => {
  if (column.typeCategory === 'A') return 'string';
  if (column.typeName === 'numeric') return numericType(column.typeModifier);
  return BASE_TYPES[column.typeName] ?? 'string';
};

const PRESTO_TYPES: Readonly<Record<string, string>> = {
  int: 'integer',
  float: 'real',
  string: 'varchar',
  binary: 'varbinary',
  // Athena reads Parquet timestamps of Hive tables in milliseconds.
  timestamp: 'timestamp(3)',
};

/** The type Athena's view metadata uses for a Glue column type. */
export const prestoTypeOf = (glueType: string): string => PRESTO_TYPES[glueType] ?? glueType;
