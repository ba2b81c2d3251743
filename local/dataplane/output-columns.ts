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

/** A leading column: a constant (full load) or a CSV column (CDC). */
export type LeadingValue = { readonly constant: string } | { readonly csvIndex: number };

export interface LeadingColumn {
  readonly name: string;
  readonly value: LeadingValue;
}

export const outputColumns = (
  plan: TablePlan,
  leading: readonly LeadingColumn[],
  dataOffset: number,
): OutputColumn[] => {
  for (const column of leading) {
    if (plan.columns.some((planned) => planned.target === column.name)) {
      throw new InvalidSettingError(
        `table ${plan.source.schema}.${plan.source.table} has a column named "${column.name}", which the S3 target adds itself`,
      );
    }
  }
  return [
    ...leading.map((column) => ({
      name: column.name,
      expression:
        'constant' in column.value ? sqlString(column.value.constant) : csvColumn(column.value.csvIndex),
    })),
    ...plan.columns.map((column, index) => ({
      name: column.target,
      expression: column.conversion.expression(csvColumn(dataOffset + index)),
    })),
  ];
};
