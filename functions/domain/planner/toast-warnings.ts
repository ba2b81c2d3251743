/**
 * Which source tables may lose values in the lake because of PostgreSQL's out-of-line (TOAST) storage. An UPDATE
 * that leaves such a value unchanged does not carry it in the change stream unless the table has REPLICA IDENTITY
 * FULL, and what DMS then writes to S3 is not documented: lakeshift assumes the worse case, NULL
 * (docs/data-plane-fidelity.md). Warned about before anything runs, with the columns concerned and the remedy.
 */

/** What the source catalogue says about one table (read by the PostgreSQL adapter). */
export interface TableToastExposure {
  readonly schema: string;
  readonly table: string;
  /** `pg_class.relreplident`: d default, f full, i index, n nothing. */
  readonly replicaIdentity: string;
  /** True when the table's TOAST storage holds values today. */
  readonly storesValuesOutOfLine: boolean;
  /** Columns whose values can be stored out of line (variable length, storage extended or external). */
  readonly outOfLineColumns: readonly { readonly name: string; readonly type: string }[];
}

/** A finding of the pre-flight inspection: it does not stop the migration, it says what may go wrong. */
export interface PlanWarning {
  readonly code: 'UNCHANGED_TOAST_MAY_BE_NULL' | 'SOURCE_NOT_INSPECTED';
  /** `schema.table`, or the database when the warning is about all of it. */
  readonly table: string;
  readonly columns: readonly string[];
  readonly message: string;
}

const REPLICA_IDENTITY_FULL = 'f';

/** One warning per table whose out-of-line values an UPDATE of its other columns may turn into NULL. */
export const unchangedToastWarnings = (tables: readonly TableToastExposure[]): PlanWarning[] =>
  tables
    .filter(
      (table) =>
        table.replicaIdentity !== REPLICA_IDENTITY_FULL &&
        table.storesValuesOutOfLine &&
        table.outOfLineColumns.length > 0,
    )
    .map((table) => {
      const name = `${table.schema}.${table.table}`;
      const columns = table.outOfLineColumns.map((column) => column.name);
      return {
        code: 'UNCHANGED_TOAST_MAY_BE_NULL',
        table: name,
        columns,
        message:
          `${name} stores large values out of line and has no REPLICA IDENTITY FULL: an UPDATE that leaves ` +
          `${columns.join(', ')} unchanged may reach the lake with NULL there. ` +
          `Run ALTER TABLE ${name} REPLICA IDENTITY FULL before the migration to keep them.`,
      };
    });

/** The inspection could not run: nothing is known about the source's out-of-line values. */
export const sourceNotInspected = (database: string, error: unknown): PlanWarning => ({
  code: 'SOURCE_NOT_INSPECTED',
  table: database,
  columns: [],
  message: `the source of ${database} could not be inspected for values the lake may lose: ${
    error instanceof Error ? error.message : String(error)
  }`,
});
