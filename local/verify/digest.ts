/** A table's order-independent digest, the same shape for the source and the lake. */
import { createHash } from 'node:crypto';

export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

export interface TableDigest {
  readonly rowCount: number;
  /** Sums of two 60-bit slices of every row's md5, as decimal text (they outgrow 64 bits). */
  readonly sumHigh: string;
  readonly sumLow: string;
}

/** Reads the one row (`row_count`, `sum_high`, `sum_low`) of a `*TableDigestSql` query. */
export const digestFromRow = (row: Readonly<Record<string, unknown>> | undefined): TableDigest => ({
  rowCount: Number(row?.['row_count'] ?? 0),
  sumHigh: String(row?.['sum_high'] ?? '0'),
  sumLow: String(row?.['sum_low'] ?? '0'),
});

export const sameDigest = (a: TableDigest, b: TableDigest): boolean =>
  a.rowCount === b.rowCount && a.sumHigh === b.sumHigh && a.sumLow === b.sumLow;

/** A short printable fingerprint of a digest's hash (for tables and reports). */
export const shortHash = (digest: TableDigest): string =>
  createHash('sha256').update(`${digest.sumHigh}:${digest.sumLow}`).digest('hex').slice(0, 12);

export const tableName = (ref: TableRef): string => `${ref.schema}.${ref.table}`;
