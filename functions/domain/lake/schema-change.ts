/**
 * What changed in a table's columns between the catalog and the source, and what the catalog does about it
 * (docs/lake.md, "Schema changes"): an added column joins the table and the view; a dropped column stays in both
 * (files written before the drop hold it, later rows read NULL) so no query that used it breaks; a column whose
 * type changed takes the new type (files written before may then not read under it, which the event says). A
 * rename is a drop and an add. Every change but an addition is reported as `Schema Changed`.
 */
import { LAKESHIFT_DETAIL_TYPES, type LakeshiftEvent } from '#contracts/events';
import { SCHEMA_CHANGE_OUTCOMES, type SchemaChangedDetail } from '#contracts/lake';
import { type GlueColumn, RETIRED_COLUMN_COMMENT } from './catalog-plan.ts';

export interface TableSchemaChange {
  /** The change-log table's name. */
  readonly table: string;
  readonly added: readonly string[];
  /** Columns the catalog has and the source no longer does (including ones dropped before). */
  readonly dropped: readonly GlueColumn[];
  /** Of those, the ones dropped since the catalog was last published. */
  readonly newlyDropped: readonly string[];
  readonly retyped: ReadonlyArray<{ readonly name: string; readonly from: string; readonly to: string }>;
}

export const tableSchemaChange = (
  table: string,
  existing: readonly GlueColumn[],
  planned: readonly GlueColumn[],
): TableSchemaChange => {
  const before = new Map(existing.map((column) => [column.Name, column.Type]));
  const after = new Map(planned.map((column) => [column.Name, column.Type]));
  return {
    table,
    added: planned.filter((column) => !before.has(column.Name)).map((column) => column.Name),
    dropped: existing.filter((column) => !after.has(column.Name)),
    newlyDropped: existing
      .filter((column) => !after.has(column.Name) && column.Comment !== RETIRED_COLUMN_COMMENT)
      .map((column) => column.Name),
    retyped: planned.flatMap((column) => {
      const from = before.get(column.Name);
      return from !== undefined && from !== column.Type ? [{ name: column.Name, from, to: column.Type }] : [];
    }),
  };
};

/** True when the change is more than added columns: a `Schema Changed` event is due. */
export const needsReport = (change: TableSchemaChange): boolean =>
  change.newlyDropped.length > 0 || change.retyped.length > 0;

export const schemaChanged = (
  key: { migrationId: string; databaseId: string },
  databaseName: string,
  changes: readonly TableSchemaChange[],
  now: string,
): LakeshiftEvent => {
  const detail: SchemaChangedDetail = {
    migrationId: key.migrationId,
    databaseId: key.databaseId,
    glueDatabase: databaseName,
    tables: changes.map((change) => ({
      table: change.table,
      added: change.added,
      dropped: change.newlyDropped,
      retyped: change.retyped,
      outcome: [
        ...(change.newlyDropped.length > 0 ? [SCHEMA_CHANGE_OUTCOMES.dropped] : []),
        ...(change.retyped.length > 0 ? [SCHEMA_CHANGE_OUTCOMES.retyped] : []),
      ],
    })),
  };
  return { detailType: LAKESHIFT_DETAIL_TYPES.schemaChanged, time: now, detail: { ...detail } };
};
