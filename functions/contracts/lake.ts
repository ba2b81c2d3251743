/**
 * Names of the lake's catalog shared by the control plane, infra and the local verification: the Glue database of
 * a (migration, source database), the header column every table gains, the table parameters that flag a table.
 */

/** The column the `add-column` transformation rule adds to every table, holding DMS's `$AR_H_CHANGE_SEQ`. */
export const CHANGE_SEQUENCE_COLUMN = 'dms_change_seq';
/** DMS's header expression for the change sequence (docs/lake.md). */
export const CHANGE_SEQUENCE_EXPRESSION = '$AR_H_CHANGE_SEQ';
/** DMS declares the header as a string of this length; the values are 35 digits. */
export const CHANGE_SEQUENCE_LENGTH = 50;
/** The operation column DMS writes first in every Parquet file (lower case, as Glue stores names). */
export const OPERATION_COLUMN = 'op';

/** Prefix of every Glue database lakeshift creates; IAM grants are scoped to it. */
export const GLUE_DATABASE_PREFIX = 'lakeshift_';
/** Suffix of the change-log table; the bare table name is the current-state view. */
export const CHANGES_TABLE_SUFFIX = '_changes';

/** Glue table parameters lakeshift sets (read by users and by the demo's verification). */
export const TABLE_PARAMETERS = {
  managed: 'lakeshift_managed',
  sourceTable: 'lakeshift_source_table',
  primaryKey: 'lakeshift_primary_key',
  /** `latest-per-key` or `inserts-only` (a table without a primary key: DMS drops its updates and deletes). */
  currentState: 'lakeshift_current_state',
} as const;

/** What a `Schema Changed` event says about one table (docs/lake.md, "Schema changes"). */
export interface SchemaChangedTable {
  /** The change-log table's name in the Glue database. */
  readonly table: string;
  readonly added: readonly string[];
  /** Columns the source dropped since the catalog was last published (a rename shows as a drop and an add). */
  readonly dropped: readonly string[];
  readonly retyped: ReadonlyArray<{ readonly name: string; readonly from: string; readonly to: string }>;
  /** What the catalog did about it, in words (SCHEMA_CHANGE_OUTCOMES). */
  readonly outcome: readonly string[];
}

/** The detail of lakeshift's `Schema Changed` event. */
export interface SchemaChangedDetail {
  readonly migrationId: string;
  readonly databaseId: string;
  readonly glueDatabase: string;
  readonly tables: readonly SchemaChangedTable[];
}

/** The documented outcome of each kind of change the event reports. */
export const SCHEMA_CHANGE_OUTCOMES = {
  dropped: 'dropped columns stay in the catalog and the view; rows written after the drop read NULL',
  retyped: 'retyped columns take the new type; files written before the change may not read under it',
} as const;

/**
 * A per-table resync keeps the generation it replaces readable (docs/lake.md, "Resync"): a copy of the table's
 * files under this folder of the database's BucketFolder, and a Glue table over it with this suffix.
 */
export const GENERATIONS_FOLDER = '_lakeshift_generations';
export const PREVIOUS_GENERATION_SUFFIX = '_previous';
/** Table parameters of a resync: the generation a table is at, and whether the view waits for a reload. */
export const GENERATION_PARAMETERS = {
  generation: 'lakeshift_generation',
  /** `current` (the view reads the change log) or `reloading` (the previous generation and the changes since). */
  viewState: 'lakeshift_view_state',
} as const;

/**
 * The keys and ETags a resync froze of generation `n`, kept beside its copy (`g<n>.manifest.json` next to the
 * `g<n>/` folder, outside the folder the `<table>_previous` table reads): its existence marks the copy complete.
 */
export const GENERATION_MANIFEST_SUFFIX = '.manifest.json';

/** The view states a resync moves a table's view between (GENERATION_PARAMETERS.viewState). */
export const VIEW_STATES = { current: 'current', reloading: 'reloading' } as const;
export type ViewState = (typeof VIEW_STATES)[keyof typeof VIEW_STATES];
