/**
 * What the data plane does where AWS does not document what DMS writes. Each is a setting of the workload; the
 * default is the reading that is worse for the user, so that what lakeshift builds on the lake is tested against
 * it. docs/data-plane-fidelity.md gives the evidence for each.
 */

/**
 * What a reload (ReloadTables) does to the table's folder: `emptied` (TargetTablePrepMode removes every file under
 * it, CDC files included, before the new LOAD files), `kept, numbered on` (the old files stay and the new LOAD files
 * take the numbers after the highest one there) or `kept, numbered again` (the old files stay and the new LOAD files
 * start again at 1, replacing old files of the same name).
 */
export type ReloadTableFolder = 'emptied' | 'kept, numbered on' | 'kept, numbered again';

export const RELOAD_TABLE_FOLDER_READINGS: readonly ReloadTableFolder[] = [
  'emptied',
  'kept, numbered on',
  'kept, numbered again',
];

export interface UndocumentedBehaviour {
  /**
   * Whether `MapBooleanAsBoolean` on the source endpoint alone makes booleans Parquet BOOLEAN on an S3 target.
   * DMS documents that the setting takes effect only when set on both endpoints, and S3Settings has no such key;
   * public infrastructure code reports BOOLEAN with the source setting alone. Default false: the strings
   * `true`/`false` (the documented default mapping, CHAR(5)).
   */
  readonly sourceOnlyMapBooleanAsBoolean: boolean;
  /**
   * What an UPDATE that leaves an out-of-line (TOASTed) value unchanged writes for it, on a table without
   * REPLICA IDENTITY FULL (under FULL the old row carries the value, and it is written). `null` (default): NULL,
   * as change streams without the value do; `lookup`: the row's current value, read by key from the source.
   */
  readonly unchangedToast: 'null' | 'lookup';
  /**
   * Whether `MaxFileSize` splits Parquet LOAD files (DMS documents it for .csv files). Default true: a table
   * comes as several LOAD files, which a reader that expects one file per table must survive.
   */
  readonly maxFileSizeSplitsParquetLoad: boolean;
  /**
   * Whether a `change-data-type` rule to string acts on the source value (true) or on the value after DMS's own
   * type mapping (false), e.g. an unbounded numeric already rounded to NUMERIC(28,6), a time already cut to
   * milliseconds. DMS does not document the order. Default false: the string holds the changed value.
   */
  readonly changeDataTypeOnSourceValue: boolean;
  /**
   * What ReloadTables does to the table's folder on an S3 target (the reload applies TargetTablePrepMode, and what
   * a truncate removes there is not said). Default `emptied`: the table's change history goes with its old files,
   * and the table reads empty until the new LOAD files are written. Under TargetTablePrepMode DO_NOTHING the folder
   * is kept whatever the reading (DMS says the user must truncate first), numbered on unless `kept, numbered again`.
   */
  readonly reloadTableFolder: ReloadTableFolder;
}

export const UNDOCUMENTED_DEFAULTS: UndocumentedBehaviour = {
  sourceOnlyMapBooleanAsBoolean: false,
  unchangedToast: 'null',
  maxFileSizeSplitsParquetLoad: true,
  changeDataTypeOnSourceValue: false,
  reloadTableFolder: 'emptied',
};
