/**
 * The current-state view of a table, in the SQL both Athena (Trino) and DuckDB run: the last change per primary
 * key in DMS's change order, deletes removed, DMS's columns left out (docs/lake.md, "Current state").
 *
 * Order: LOAD rows carry no change sequence (DMS does not document one during the full load, so none is assumed)
 * and come before every change; changes follow `$AR_H_CHANGE_SEQ`, 35 digits that grow in commit order and compare
 * as text. Without a primary key DMS writes inserts only, so the view is every row that is not a delete.
 */
import { CHANGE_SEQUENCE_COLUMN, OPERATION_COLUMN } from '#contracts/lake';

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export interface CurrentStateView {
  /** The relation holding the change log, already quoted (`"db"."orders_changes"`). */
  readonly changes: string;
  /** The table's own columns, in order. */
  readonly columns: readonly string[];
  /** Primary key columns; empty for a table without one. */
  readonly primaryKey: readonly string[];
}

const RANK_COLUMN = 'lakeshift_change_rank';

export const currentStateSql = (view: CurrentStateView): string => {
  const columns = view.columns.map(quoteIdentifier).join(', ');
  const operation = quoteIdentifier(OPERATION_COLUMN);
  const notDeleted = `COALESCE(${operation}, 'I') <> 'D'`;
  if (view.primaryKey.length === 0) {
    return `SELECT ${columns} FROM ${view.changes} WHERE ${notDeleted}`;
  }
  const sequence = quoteIdentifier(CHANGE_SEQUENCE_COLUMN);
  const key = view.primaryKey.map(quoteIdentifier).join(', ');
  return [
    `SELECT ${columns} FROM (`,
    `  SELECT *, row_number() OVER (`,
    `    PARTITION BY ${key}`,
    `    ORDER BY CASE WHEN COALESCE(${sequence}, '') = '' THEN 0 ELSE 1 END DESC, ${sequence} DESC`,
    `  ) AS ${RANK_COLUMN}`,
    `  FROM ${view.changes}`,
    `) AS latest`,
    `WHERE ${RANK_COLUMN} = 1 AND ${notDeleted}`,
  ].join('\n');
};
