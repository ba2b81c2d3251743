/** What the task does with each selected source table: target names, columns and their conversions. */
import type { SourceTable } from './catalog.ts';
import { type ColumnConversion, type ColumnTypeOptions, columnConversion } from './column-types.ts';
import { InvalidSettingError } from './errors.ts';
import type { HeaderColumn, TableMappings, TableName } from './table-mappings.ts';

export interface PlannedColumn {
  readonly source: string;
  readonly target: string;
  readonly conversion: ColumnConversion;
}

export interface TablePlan {
  readonly source: TableName;
  readonly target: TableName;
  readonly columns: readonly PlannedColumn[];
  /** Columns added by `add-column` rules with a header expression, written after the table's own. */
  readonly headerColumns: readonly HeaderColumn[];
  readonly primaryKey: readonly string[];
  /**
   * False for a table without a primary key (and without REPLICA IDENTITY FULL/INDEX): DMS ignores its updates and
   * deletes (docs/dms-behaviour.md §6.3).
   */
  readonly capturesUpdatesAndDeletes: boolean;
  readonly sizeBytes: number;
  /** Every column of the source table (written or not) with its type as the change stream names it. */
  readonly sourceColumns: ReadonlyMap<string, string>;
}

export interface PlanOptions extends ColumnTypeOptions {
  readonly supportLobs: boolean;
  /** choices.ts `changeDataTypeOnSourceValue`. */
  readonly changeDataTypeOnSourceValue: boolean;
}

export const tableKey = (name: TableName): string => `${name.schema}.${name.table}`;

export const planTable = (table: SourceTable, mappings: TableMappings, options: PlanOptions): TablePlan => {
  const source = { schema: table.schema, table: table.table };
  const columns: PlannedColumn[] = [];
  for (const column of table.columns) {
    const target = mappings.targetColumn(source, column.name);
    if (target === undefined) continue;
    const changed = mappings.columnDataType(source, column.name);
    const conversion = columnConversion(
      column,
      options,
      `"${column.name}" of ${tableKey(source)}`,
      changed === undefined
        ? undefined
        : { toString: true, onSourceValue: options.changeDataTypeOnSourceValue },
    );
    if (conversion.lob && !options.supportLobs) continue;
    columns.push({ source: column.name, target, conversion });
  }
  if (columns.length === 0) {
    throw new InvalidSettingError(
      `TableMappings: every column of ${tableKey(source)} is left out; nothing to write`,
    );
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.target)) {
      throw new InvalidSettingError(
        `TableMappings: two columns of ${tableKey(source)} end up named "${column.target}" in the target`,
      );
    }
    seen.add(column.target);
  }
  return {
    source,
    target: mappings.targetName(source),
    columns,
    headerColumns: mappings.headerColumns(source),
    primaryKey: table.primaryKey,
    capturesUpdatesAndDeletes:
      table.replicaIdentity === 'f' ||
      table.replicaIdentity === 'i' ||
      (table.replicaIdentity === 'd' && table.primaryKey.length > 0),
    sizeBytes: table.sizeBytes,
    sourceColumns: new Map(table.columns.map((column) => [column.name, column.typeText])),
  };
};

/** True when two plans of a table write the same columns with the same conversions (one Parquet schema). */
export const sameShape = (a: TablePlan, b: TablePlan): boolean =>
  a.columns.length === b.columns.length &&
  a.columns.every((column, index) => {
    const other = b.columns[index];
    return (
      other !== undefined &&
      other.source === column.source &&
      other.target === column.target &&
      other.conversion.duckType === column.conversion.duckType &&
      a.sourceColumns.get(column.source) === b.sourceColumns.get(column.source)
    );
  });

/** Plans every table the mappings select, in catalogue order; fails when two tables map to one target. */
export const planTables = (
  catalog: readonly SourceTable[],
  mappings: TableMappings,
  options: PlanOptions,
): TablePlan[] => {
  const plans = catalog
    .filter((table) => mappings.selects(table))
    .map((table) => planTable(table, mappings, options));
  const targets = new Map<string, string>();
  for (const plan of plans) {
    const key = tableKey(plan.target);
    const other = targets.get(key);
    if (other) {
      throw new InvalidSettingError(
        `TableMappings: ${other} and ${tableKey(plan.source)} both map to ${key}`,
      );
    }
    targets.set(key, tableKey(plan.source));
  }
  return plans;
};
