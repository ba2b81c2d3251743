/**
 * Column order of every file DMS writes to S3 (docs/dms-behaviour.md §5): `Op` first when present, then the
 * TimestampColumnName column, then the table's columns.
 */
import { InvalidSettingError } from './errors.ts';
import { csvColumn, type OutputColumn, sqlString } from './parquet-writer.ts';
import type { TablePlan } from './table-plan.ts';

/**
 * The name DMS gives the operation column in Parquet files (docs/dms-behaviour.md §5; observed, not
 * documented).
 */
export const OP_COLUMN = 'Op';

/**
 * A leading column: a constant (full load `Op`), a text per input CSV file (the full load's transfer time of each
 * chunk as it arrived) or a CSV column (CDC).
 */
export type LeadingValue =
  | { readonly constant: string }
  | { readonly byFile: ReadonlyArray<readonly [file: string, text: string]> }
  | { readonly csvIndex: number };

/** The DuckDB column read_csv adds with `filename = true`. */
export const FILENAME_COLUMN = 'filename';

const leadingExpression = (value: LeadingValue): string => {
  if ('constant' in value) return sqlString(value.constant);
  if ('csvIndex' in value) return csvColumn(value.csvIndex);
  const cases = value.byFile.map(([file, text]) => `WHEN ${sqlString(file)} THEN ${sqlString(text)}`);
  return `CASE ${FILENAME_COLUMN} ${cases.join(' ')} END`;
};

export interface LeadingColumn {
  readonly name: string;
  readonly value: LeadingValue;
}

/**
 * The file's columns. Header columns (`add-column` rules) follow the table's: NULL in LOAD files (DMS documents no
 * value during the full load, the worse case for ordering), read from the CSV after the data columns in CDC files.
 */
export const outputColumns = (
  plan: TablePlan,
  leading: readonly LeadingColumn[],
  dataOffset: number,
  headers: 'null' | 'csv' = 'null',
): OutputColumn[] => {
  for (const column of [...leading, ...plan.headerColumns]) {
    if (plan.columns.some((planned) => planned.target === column.name)) {
      throw new InvalidSettingError(
        `table ${plan.source.schema}.${plan.source.table} has a column named "${column.name}", which the S3 target adds itself`,
      );
    }
  }
  return [
    ...leading.map((column) => ({ name: column.name, expression: leadingExpression(column.value) })),
    ...plan.columns.map((column, index) => ({
      name: column.target,
      expression: column.conversion.expression(csvColumn(dataOffset + index)),
      ...(column.conversion.timeMillis ? { timeMillis: true } : {}),
    })),
    ...plan.headerColumns.map((column, index) => ({
      name: column.name,
      expression:
        headers === 'csv' ? csvColumn(dataOffset + plan.columns.length + index) : 'CAST(NULL AS VARCHAR)',
    })),
  ];
};
