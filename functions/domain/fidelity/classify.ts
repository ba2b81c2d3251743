/**
 * Classifies a captured source column by what DMS does with its type on the way to Parquet (type-mapping.ts).
 * Pure: the catalogue facts and measurements come from the source inspection (adapters/source-columns.ts).
 */
import { type FidelityOutcome, type LossyMapping, mappingRow, type TypeFamily } from './type-mapping.ts';

/** One captured column as the source inspection reports it: catalogue facts and, where needed, measurements. */
export interface CapturedColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  /** `pg_type.typname` of the base type (domains resolved), e.g. `numeric`, `_int4`. */
  readonly typeName: string;
  /** `pg_type.typtype` of the base type: b base, e enum, c composite, r range, m multirange. */
  readonly typeType: string;
  /** `pg_type.typcategory`: A array, V bit string, N numeric, … */
  readonly typeCategory: string;
  /** numeric precision, or varchar/char length (from the type modifier); null when the type has none. */
  readonly declaredLength: number | null;
  /** Longest value in bytes of its text form (binary for bytea); measured for LOB types only, else null. */
  readonly maxBytes: number | null;
}

export interface ColumnClass {
  /** `schema.table.column`. */
  readonly name: string;
  readonly typeName: string;
  readonly family: TypeFamily;
  readonly outcome: FidelityOutcome;
  readonly effect: string;
  readonly loss?: LossyMapping;
  readonly lob: boolean;
  readonly maxBytes: number | null;
}

/** Above this precision DMS carries numeric as a string (docs/column-fidelity.md). */
const MAX_DECIMAL_PRECISION = 38;

const FAMILY_BY_TYPE: Readonly<Record<string, TypeFamily>> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  float4: 'float',
  float8: 'float',
  money: 'money',
  bool: 'boolean',
  date: 'date',
  time: 'time',
  timetz: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  interval: 'interval',
  bpchar: 'bounded-string',
  uuid: 'uuid',
  text: 'text-lob',
  citext: 'text-lob',
  tsvector: 'text-lob',
  tsquery: 'text-lob',
  hstore: 'text-lob',
  json: 'json-lob',
  jsonb: 'json-lob',
  xml: 'xml',
  bytea: 'binary-lob',
  bit: 'bit-string',
  varbit: 'bit-string',
  inet: 'network',
  cidr: 'network',
  macaddr: 'network',
  macaddr8: 'network',
  point: 'geometric',
  line: 'geometric',
  lseg: 'geometric',
  box: 'geometric',
  path: 'geometric',
  polygon: 'geometric',
  circle: 'geometric',
  oid: 'large-object',
  lo: 'large-object',
};

export const typeFamily = (column: CapturedColumn): TypeFamily => {
  if (column.typeCategory === 'A') return 'array';
  if (column.typeType === 'c') return 'composite';
  if (column.typeType === 'e') return 'enum';
  if (column.typeType === 'r' || column.typeType === 'm') return 'range';
  if (column.typeName === 'numeric') {
    if (column.declaredLength === null) return 'unbounded-numeric';
    return column.declaredLength > MAX_DECIMAL_PRECISION ? 'wide-numeric' : 'bounded-numeric';
  }
  // varchar(n) is a bounded WSTRING; varchar without a length is a LOB.
  if (column.typeName === 'varchar') return column.declaredLength === null ? 'text-lob' : 'bounded-string';
  return FAMILY_BY_TYPE[column.typeName] ?? 'unlisted';
};

export const columnName = (column: Pick<CapturedColumn, 'schema' | 'table' | 'column'>): string =>
  `${column.schema}.${column.table}.${column.column}`;

export const classifyColumn = (column: CapturedColumn): ColumnClass => {
  const family = typeFamily(column);
  const row = mappingRow(family);
  return {
    name: columnName(column),
    typeName: column.typeName,
    family,
    outcome: row.outcome,
    effect: row.effect,
    ...(row.loss === undefined ? {} : { loss: row.loss }),
    lob: row.lob === true,
    maxBytes: column.maxBytes,
  };
};
