/**
 * The Glue catalog of one migrated database (docs/lake.md): per source table a change-log table over the folder
 * DMS writes it to (LOAD files at its root, CDC files in dated folders below, which Athena reads with it, so there
 * are no partitions to register and no crawler) and a current-state view over it.
 */
import { CHANGE_SEQUENCE_COLUMN, OPERATION_COLUMN, TABLE_PARAMETERS } from '#contracts/lake';
import { type CatalogSourceColumn, glueTypeOf, prestoTypeOf } from './column-types.ts';
import { athenaName, catalogTableNames, glueDatabaseName, refuseCollisions } from './names.ts';
import { currentStateSql, quoteIdentifier } from './view-sql.ts';

export interface CatalogSourceTable {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly CatalogSourceColumn[];
  readonly primaryKey: readonly string[];
  /** Columns the catalog had that the source dropped: kept, after the source's own (docs/lake.md). */
  readonly retiredColumns?: readonly GlueColumn[];
}

export interface CatalogLayout {
  readonly migrationId: string;
  readonly databaseId: string;
  readonly bucket: string;
  /** The target endpoint's BucketFolder. */
  readonly bucketFolder: string;
  /** The target endpoint's TimestampColumnName, when set. */
  readonly timestampColumn?: string;
}

export interface GlueColumn {
  readonly Name: string;
  readonly Type: string;
  readonly Comment?: string;
}

/** The comment on a column the source dropped and the catalog keeps. */
export const RETIRED_COLUMN_COMMENT = 'dropped at the source; rows written after the drop hold NULL';

/** The subset of Glue's TableInput lakeshift writes. */
export interface GlueTableInput {
  readonly Name: string;
  readonly Description: string;
  readonly TableType: 'EXTERNAL_TABLE' | 'VIRTUAL_VIEW';
  readonly Parameters: Readonly<Record<string, string>>;
  readonly StorageDescriptor: {
    readonly Columns: readonly GlueColumn[];
    readonly Location?: string;
    readonly InputFormat?: string;
    readonly OutputFormat?: string;
    readonly SerdeInfo: { readonly SerializationLibrary?: string };
  };
  readonly PartitionKeys: readonly GlueColumn[];
  readonly ViewOriginalText?: string;
  readonly ViewExpandedText?: string;
}

export interface TableCatalog {
  readonly source: { readonly schema: string; readonly table: string };
  readonly changes: GlueTableInput;
  readonly view: GlueTableInput;
}

export interface DatabaseCatalog {
  readonly databaseName: string;
  readonly description: string;
  readonly tables: readonly TableCatalog[];
}

const PARQUET = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
} as const;

/** Athena keeps a view's definition as base64 JSON inside a comment, in the table's ViewOriginalText. */
const PRESTO_VIEW_PREFIX = '/* Presto View: ';
const PRESTO_VIEW_SUFFIX = ' */';

export interface PrestoView {
  readonly originalSql: string;
  readonly catalog: string;
  readonly schema: string;
  readonly columns: ReadonlyArray<{ name: string; type: string }>;
}

export const prestoViewText = (view: PrestoView): string =>
  `${PRESTO_VIEW_PREFIX}${Buffer.from(JSON.stringify(view)).toString('base64')}${PRESTO_VIEW_SUFFIX}`;

/** A view's definition as Athena stored it, or undefined when the text is not an Athena view. */
export const prestoViewOf = (viewOriginalText: string): Partial<PrestoView> | undefined => {
  if (!viewOriginalText.startsWith(PRESTO_VIEW_PREFIX) || !viewOriginalText.endsWith(PRESTO_VIEW_SUFFIX)) {
    return undefined;
  }
  const encoded = viewOriginalText.slice(PRESTO_VIEW_PREFIX.length, -PRESTO_VIEW_SUFFIX.length);
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Partial<PrestoView>;
};

/** The SQL of a view as Athena stored it, or undefined when the text is not an Athena view. */
export const viewSqlOf = (viewOriginalText: string): string | undefined => {
  const originalSql = prestoViewOf(viewOriginalText)?.originalSql;
  return typeof originalSql === 'string' ? originalSql : undefined;
};

const s3Location = (layout: CatalogLayout, table: CatalogSourceTable): string =>
  `s3://${layout.bucket}/${[layout.bucketFolder, table.schema, table.table].join('/')}/`;

const tableCatalog = (
  layout: CatalogLayout,
  databaseName: string,
  table: CatalogSourceTable,
): TableCatalog => {
  const names = catalogTableNames(table.schema, table.table);
  const columns = [
    ...table.columns.map((column) => ({ Name: column.name.toLowerCase(), Type: glueTypeOf(column) })),
    ...(table.retiredColumns ?? []).map((column) => ({ ...column, Comment: RETIRED_COLUMN_COMMENT })),
  ];
  refuseCollisions(
    table.columns.map((column) => ({ source: column.name, name: column.name.toLowerCase() })),
    `columns of ${table.schema}.${table.table}:`,
  );
  const dmsColumns = [
    { Name: OPERATION_COLUMN, Type: 'string' },
    ...(layout.timestampColumn ? [{ Name: layout.timestampColumn.toLowerCase(), Type: 'string' }] : []),
  ];
  const primaryKey = table.primaryKey.map((name) => name.toLowerCase());
  const sourceName = `${table.schema}.${table.table}`;
  const flags = {
    [TABLE_PARAMETERS.managed]: 'true',
    [TABLE_PARAMETERS.sourceTable]: sourceName,
    [TABLE_PARAMETERS.primaryKey]: primaryKey.join(','),
    [TABLE_PARAMETERS.currentState]: primaryKey.length > 0 ? 'latest-per-key' : 'inserts-only',
  };
  const sql = currentStateSql({
    changes: `${quoteIdentifier(databaseName)}.${quoteIdentifier(names.changes)}`,
    columns: columns.map((column) => column.Name),
    primaryKey,
  });
  return {
    source: { schema: table.schema, table: table.table },
    changes: {
      Name: names.changes,
      Description: `Change log of ${sourceName} as DMS writes it: LOAD rows, then every change in order of ${CHANGE_SEQUENCE_COLUMN}.`,
      TableType: 'EXTERNAL_TABLE',
      Parameters: { ...flags, classification: 'parquet', EXTERNAL: 'TRUE' },
      StorageDescriptor: {
        Columns: [...dmsColumns, ...columns, { Name: CHANGE_SEQUENCE_COLUMN, Type: 'string' }],
        Location: s3Location(layout, table),
        ...PARQUET,
      },
      PartitionKeys: [],
    },
    view: {
      Name: names.view,
      Description:
        primaryKey.length > 0
          ? `${sourceName} as it is now: the last change per primary key, deletes removed.`
          : `${sourceName} has no primary key: DMS writes its inserts only, and this view is every inserted row.`,
      TableType: 'VIRTUAL_VIEW',
      Parameters: { ...flags, presto_view: 'true', comment: 'Presto View' },
      StorageDescriptor: { Columns: columns, SerdeInfo: {} },
      PartitionKeys: [],
      ViewOriginalText: prestoViewText({
        originalSql: sql,
        catalog: 'awsdatacatalog',
        schema: databaseName,
        columns: columns.map((column) => ({ name: column.Name, type: prestoTypeOf(column.Type) })),
      }),
      ViewExpandedText: '/* Presto View */',
    },
  };
};

export const planDatabaseCatalog = (
  layout: CatalogLayout,
  tables: readonly CatalogSourceTable[],
): DatabaseCatalog => {
  const databaseName = glueDatabaseName(layout.migrationId, layout.databaseId);
  const catalogs = tables.map((table) => tableCatalog(layout, databaseName, table));
  refuseCollisions(
    catalogs.flatMap((catalog) => {
      const source = `${catalog.source.schema}.${catalog.source.table}`;
      return [
        { source, name: catalog.view.Name },
        { source: `${source} (change log)`, name: catalog.changes.Name },
      ];
    }),
    'tables',
  );
  return {
    databaseName,
    description: `lakeshift: database ${layout.databaseId} of migration ${layout.migrationId} (${athenaName(layout.databaseId)}).`,
    tables: catalogs,
  };
};
