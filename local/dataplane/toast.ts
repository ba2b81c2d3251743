/**
 * An UPDATE that leaves an out-of-line (TOASTed) value alone does not carry it in the change stream. DMS looks
 * LOBs up by key; so does this, reading the current value (a later change to the row then wins anyway).
 */
import type pg from 'pg';
import { qualifiedName, quoteIdent } from './source.ts';
import type { TablePlan } from './table-plan.ts';
import { type DecodedValue, UNCHANGED_TOAST } from './test-decoding.ts';

export const fillUnchangedToast = async (
  client: pg.Client,
  plan: TablePlan,
  rows: ReadonlyArray<{ readonly values: DecodedValue[] }>,
): Promise<void> => {
  const missing = rows.filter((row) => row.values.some((value) => value === UNCHANGED_TOAST));
  if (missing.length === 0 || plan.primaryKey.length === 0) return;
  const keyIndexes = plan.primaryKey.map((name) =>
    plan.columns.findIndex((column) => column.source === name),
  );
  if (keyIndexes.some((index) => index < 0)) return;
  // Text casts give the same forms the decoder prints (the session fixes dates, zones and bytea output).
  const columns = plan.columns.map((column) => `${quoteIdent(column.source)}::text`).join(', ');
  const where = plan.primaryKey
    .map((name, index) => `${quoteIdent(name)}::text = $${index + 1}`)
    .join(' AND ');
  const sql = `SELECT ${columns} FROM ${qualifiedName(plan.source.schema, plan.source.table)} WHERE ${where}`;
  for (const row of missing) {
    const key = keyIndexes.map((index) => row.values[index]);
    const result = await client.query({ text: sql, values: key, rowMode: 'array' });
    const current = (result.rows[0] ?? []) as (string | null)[];
    row.values.forEach((value, index) => {
      if (value === UNCHANGED_TOAST) row.values[index] = current[index] ?? null;
    });
  }
};
