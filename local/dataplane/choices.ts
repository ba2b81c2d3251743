/**
 * What the data plane does where AWS does not document what DMS writes. Each is a setting of the workload; the
 * default is the reading that is worse for the user, so that what lakeshift builds on the lake is tested against
 * it. docs/data-plane-fidelity.md gives the evidence for each.
 */

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
}

export const UNDOCUMENTED_DEFAULTS: UndocumentedBehaviour = {
  sourceOnlyMapBooleanAsBoolean: false,
  unchangedToast: 'null',
  maxFileSizeSplitsParquetLoad: true,
};
