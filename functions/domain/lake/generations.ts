/**
 * Generations of a table in the lake (docs/lake.md, "Resync"). A per-table resync makes DMS load the table again
 * into the folder it already writes, and what DMS does there first is not documented in enough detail: it applies
 * TargetTablePrepMode (which may empty the folder, CDC files included), and whether new LOAD files continue the
 * old numbering or start again over the old names is not said. lakeshift therefore assumes the worst of each and
 * keeps the view off the folder's LOAD files until the reload is over:
 *
 * 1. freeze: the folder's files are copied under the generations folder, and a `<table>_previous` table reads them;
 * 2. the view switches to the previous generation plus the change-log rows written after it (CDC files only,
 *    change sequence above the copy's last), so neither old files going nor new LOAD files arriving show in it;
 * 3. DMS reloads the table;
 * 4. once the table is loaded again, the files DMS left of the previous generation (same key, same ETag as copied)
 *    leave the folder, which then holds the new generation only;
 * 5. the view switches back to the change log, in one UpdateTable.
 *
 * A reload that fails leaves the view at step 2: the previous generation plus the changes, never a partial load.
 */
import {
  CHANGE_SEQUENCE_COLUMN,
  GENERATION_MANIFEST_SUFFIX,
  GENERATION_PARAMETERS,
  GENERATIONS_FOLDER,
  PREVIOUS_GENERATION_SUFFIX,
  TABLE_PARAMETERS,
  VIEW_STATES,
  type ViewState,
} from '#contracts/lake';
import {
  type CatalogLayout,
  type GlueTableInput,
  prestoViewOf,
  prestoViewText,
  type TableCatalog,
} from './catalog-plan.ts';
import { catalogTableNames } from './names.ts';
import { currentStateSql, quoteIdentifier } from './view-sql.ts';

/** Athena's hidden column holding the S3 URI of the file a row was read from. */
export const PATH_COLUMN = '$path';

/** The S3 key prefix DMS writes a table to: `<BucketFolder>/<schema>/<table>/`. */
export const tableFolderKey = (layout: CatalogLayout, source: { schema: string; table: string }): string =>
  `${[layout.bucketFolder, source.schema, source.table].filter((part) => part.length > 0).join('/')}/`;

/** Where generation `generation` of a table is kept once a resync replaces it. */
export const generationFolderKey = (
  layout: CatalogLayout,
  source: { schema: string; table: string },
  generation: number,
): string =>
  `${[layout.bucketFolder, GENERATIONS_FOLDER, source.schema, source.table, generationLabel(generation)].filter((part) => part.length > 0).join('/')}/`;

const generationLabel = (generation: number): string => `g${String(generation).padStart(4, '0')}`;

/** The keys and ETags frozen of generation `generation`, beside (not inside) the folder its copy is in. */
export const generationManifestKey = (
  layout: CatalogLayout,
  source: { schema: string; table: string },
  generation: number,
): string => `${generationFolderKey(layout, source, generation).slice(0, -1)}${GENERATION_MANIFEST_SUFFIX}`;

/** Whether a table's view reads the change log (`current`) or the previous generation plus changes. */
export const viewStateOf = (view: Pick<GlueTableInput, 'Parameters'>): ViewState =>
  view.Parameters[GENERATION_PARAMETERS.viewState] === VIEW_STATES.reloading
    ? VIEW_STATES.reloading
    : VIEW_STATES.current;

/** The name of the table over the frozen copy of a view's previous generation. */
export const previousTableName = (viewName: string): string => `${viewName}${PREVIOUS_GENERATION_SUFFIX}`;

/**
 * The other migrated table whose view has the name a resync of `table` would give `<table>_previous` (a source with
 * tables `orders` and `orders_previous`), or undefined. The resync would overwrite that view, then delete it when it
 * ends, so it is refused before anything is done. A change log's name ends in `_changes`, so it never clashes.
 */
export const previousNameOwner = (
  table: { readonly schema: string; readonly table: string },
  migrated: ReadonlyArray<{ readonly schema: string; readonly table: string }>,
): string | undefined => {
  const previous = previousTableName(catalogTableNames(table.schema, table.table).view);
  const owner = migrated.find((other) => catalogTableNames(other.schema, other.table).view === previous);
  return owner === undefined ? undefined : `${owner.schema}.${owner.table}`;
};

/** The generation a table's view reads now: 0 until its first resync. */
export const generationOf = (view: Pick<GlueTableInput, 'Parameters'>): number => {
  const value = Number(view.Parameters[GENERATION_PARAMETERS.generation] ?? '0');
  return Number.isInteger(value) && value >= 0 ? value : 0;
};

export interface StoredObject {
  readonly key: string;
  readonly etag: string;
}

/** The object keys of the new generation's copy: each frozen file at the same place below the generation folder. */
export const freezeCopies = (
  objects: readonly StoredObject[],
  fromPrefix: string,
  toPrefix: string,
): ReadonlyArray<{ readonly from: string; readonly to: string }> =>
  objects
    .filter((object) => object.key.startsWith(fromPrefix))
    .map((object) => ({ from: object.key, to: `${toPrefix}${object.key.slice(fromPrefix.length)}` }));

/**
 * The files of the previous generation DMS left in the folder after the reload: the same key with the same ETag as
 * when it was frozen. A key DMS wrote again (LOAD numbering that starts over) has a new ETag and stays.
 */
export const previousGenerationLeftovers = (
  frozen: readonly StoredObject[],
  now: readonly StoredObject[],
): readonly string[] => {
  const frozenTags = new Map(frozen.map((object) => [object.key, object.etag]));
  return now.filter((object) => frozenTags.get(object.key) === object.etag).map((object) => object.key);
};

export interface ReloadingCatalog {
  /** The table over the frozen copy of the previous generation. */
  readonly previous: GlueTableInput;
  /** The view over the previous generation plus the changes written after it. */
  readonly view: GlueTableInput;
}

const s3Uri = (layout: CatalogLayout, key: string): string => `s3://${layout.bucket}/${key}`;

/**
 * The catalog of a table while DMS reloads it into generation `generation`: `<table>_previous` over the copy of
 * generation `generation - 1`, and the view over it and the change-log rows DMS writes from CDC meanwhile. Those
 * rows are told apart by file (a LOAD file sits at the folder's root and is named `LOAD…`; CDC files are named by
 * time, in dated folders with date partitioning) and by change sequence (above every change the copy holds, so a
 * CDC file DMS kept from before is not counted twice).
 */
export const reloadingTableCatalog = (
  layout: CatalogLayout,
  databaseName: string,
  current: TableCatalog,
  generation: number,
): ReloadingCatalog => {
  const previousName = previousTableName(current.view.Name);
  const marks = {
    [GENERATION_PARAMETERS.generation]: String(generation),
    [GENERATION_PARAMETERS.viewState]: VIEW_STATES.reloading,
  };
  const previous: GlueTableInput = {
    ...current.changes,
    Name: previousName,
    Description: `Generation ${generation - 1} of ${current.source.schema}.${current.source.table}, kept while generation ${generation} loads: a copy of its change log.`,
    Parameters: { ...current.changes.Parameters, ...marks },
    StorageDescriptor: {
      ...current.changes.StorageDescriptor,
      Location: s3Uri(layout, generationFolderKey(layout, current.source, generation - 1)),
    },
  };
  const logColumns = current.changes.StorageDescriptor.Columns.map((column) =>
    quoteIdentifier(column.Name),
  ).join(', ');
  const liveLocation = s3Uri(layout, tableFolderKey(layout, current.source));
  const sequence = quoteIdentifier(CHANGE_SEQUENCE_COLUMN);
  const qualified = (name: string) => `${quoteIdentifier(databaseName)}.${quoteIdentifier(name)}`;
  const fileInFolder = `substr(${quoteIdentifier(PATH_COLUMN)}, ${liveLocation.length + 1})`;
  const rows = [
    '(',
    `  SELECT ${logColumns} FROM ${qualified(previousName)}`,
    '  UNION ALL',
    `  SELECT ${logColumns} FROM ${qualified(current.changes.Name)}`,
    `  WHERE ${fileInFolder} NOT LIKE 'LOAD%'`,
    `    AND COALESCE(${sequence}, '') > (SELECT COALESCE(max(${sequence}), '') FROM ${qualified(previousName)})`,
    ') AS generation_rows',
  ].join('\n');
  const primaryKey = (current.view.Parameters[TABLE_PARAMETERS.primaryKey] ?? '')
    .split(',')
    .filter((name) => name.length > 0);
  const columns = current.view.StorageDescriptor.Columns.map((column) => column.Name);
  const sql = currentStateSql({ changes: rows, columns, primaryKey });
  const stored = prestoViewOf(current.view.ViewOriginalText ?? '');
  return {
    previous,
    view: {
      ...current.view,
      Parameters: { ...current.view.Parameters, ...marks },
      ViewOriginalText: prestoViewText({
        originalSql: sql,
        catalog: stored?.catalog ?? 'awsdatacatalog',
        schema: databaseName,
        columns: stored?.columns ?? [],
      }),
    },
  };
};

/** The view of generation `generation` once its reload is over: the change log alone, as before any resync. */
export const currentTableCatalog = (current: TableCatalog, generation: number): TableCatalog => {
  const marks = {
    [GENERATION_PARAMETERS.generation]: String(generation),
    [GENERATION_PARAMETERS.viewState]: VIEW_STATES.current,
  };
  return {
    ...current,
    changes: { ...current.changes, Parameters: { ...current.changes.Parameters, ...marks } },
    view: { ...current.view, Parameters: { ...current.view.Parameters, ...marks } },
  };
};

/**
 * A table's catalog as Glue holds it, with the view as it reads when current: a resync that finds the view
 * reloading (or current) starts again from the change log and the view's own columns and key.
 */
export const storedTableCatalog = (
  databaseName: string,
  source: { readonly schema: string; readonly table: string },
  stored: { readonly changes: GlueTableInput; readonly view: GlueTableInput },
): TableCatalog => {
  const primaryKey = (stored.view.Parameters[TABLE_PARAMETERS.primaryKey] ?? '')
    .split(',')
    .filter((name) => name.length > 0);
  const sql = currentStateSql({
    changes: `${quoteIdentifier(databaseName)}.${quoteIdentifier(stored.changes.Name)}`,
    columns: stored.view.StorageDescriptor.Columns.map((column) => column.Name),
    primaryKey,
  });
  const presto = prestoViewOf(stored.view.ViewOriginalText ?? '');
  return {
    source: { schema: source.schema, table: source.table },
    changes: stored.changes,
    view: {
      ...stored.view,
      ViewOriginalText: prestoViewText({
        originalSql: sql,
        catalog: presto?.catalog ?? 'awsdatacatalog',
        schema: databaseName,
        columns: presto?.columns ?? [],
      }),
    },
  };
};

/** What a catalog refresh writes for one table so that it keeps the generation and the view state a resync set. */
export interface GenerationAwareTable {
  readonly catalog: TableCatalog;
  /** `<table>_previous`, rewritten while the view is reloading (its columns follow the change log's). */
  readonly previous?: GlueTableInput;
}

/**
 * A refreshed table's catalog given the parameters its view has in Glue: a view a resync left reloading stays
 * reloading (a refresh must never put the folder's LOAD files back under it), and a generation is kept.
 */
export const keepGeneration = (
  layout: CatalogLayout,
  databaseName: string,
  planned: TableCatalog,
  storedView: Pick<GlueTableInput, 'Parameters'> | undefined,
): GenerationAwareTable => {
  if (storedView === undefined || storedView.Parameters[GENERATION_PARAMETERS.generation] === undefined)
    return { catalog: planned };
  const generation = generationOf(storedView);
  if (viewStateOf(storedView) === VIEW_STATES.current)
    return { catalog: currentTableCatalog(planned, generation) };
  const reloading = reloadingTableCatalog(layout, databaseName, planned, generation);
  return { catalog: { ...planned, view: reloading.view }, previous: reloading.previous };
};
