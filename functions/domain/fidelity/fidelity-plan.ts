/**
 * Lossless by default: for every captured column DMS would change, the documented remedy, unless the request
 * chose DMS's lossy mapping for that column or type (docs/column-fidelity.md). Pure.
 */
import { type CapturedColumn, type ColumnClass, classifyColumn } from './classify.ts';
import type { LossyMapping } from './type-mapping.ts';

/** What the request chose (`fidelity` in the migration request). */
export interface FidelityChoices {
  /** Types whose lossy DMS mapping the request accepts, by mapping id. */
  readonly lossyTypes: readonly LossyMapping[];
  /** `schema.table.column` → the lossy mapping accepted for that column alone. */
  readonly lossyColumns: Readonly<Record<string, LossyMapping>>;
  readonly warningsFatal: boolean;
}

/** Settings of the plan the remedies depend on. */
export interface FidelityContext {
  /** The effective `LobMaxSize` (KB) before any remedy. */
  readonly lobMaxSizeKb: number;
  /** True when the request itself set `ParquetTimestampInMillisecond: true` (an explicit lossy choice). */
  readonly millisecondTimestampsRequested: boolean;
}

/** A DMS `change-data-type` transformation rule (docs/column-fidelity.md, table mappings). */
export interface ChangeDataTypeRule {
  readonly 'rule-type': 'transformation';
  readonly 'rule-id': string;
  readonly 'rule-name': string;
  readonly 'rule-target': 'column';
  readonly 'object-locator': { 'schema-name': string; 'table-name': string; 'column-name': string };
  readonly 'rule-action': 'change-data-type';
  readonly 'data-type': { type: 'string'; length: number };
}

export interface ColumnAdjustment {
  readonly column: string;
  readonly typeName: string;
  /** How lakeshift keeps the value exact. */
  readonly how: string;
}

export interface LossyColumn {
  readonly column: string;
  readonly mapping: LossyMapping;
  readonly effect: string;
}

export type PlanWarningKind = 'not-migrated' | 'unproven-remedy' | 'lob-over-limit' | 'not-inspected';

export interface PlanWarning {
  readonly column: string;
  readonly kind: PlanWarningKind;
  readonly message: string;
}

export interface FidelityPlan {
  readonly columnsInspected: number;
  readonly adjustments: ColumnAdjustment[];
  readonly lossy: LossyColumn[];
  readonly warnings: PlanWarning[];
  readonly rules: ChangeDataTypeRule[];
  readonly parquetTimestampInMillisecond: boolean;
  /** The LobMaxSize (KB) the task gets: the request's, or raised to the longest LOB measured. */
  readonly lobMaxSizeKb: number;
}

/** Transformation rule ids start here, clear of the selection rules numbered from 1. */
const FIRST_RULE_ID = 1001;
/** A string column holds at least this many characters, and twice the longest value measured. */
const MIN_STRING_LENGTH = 100;
/** Text of `HH:MM:SS.ffffff+HH:MM:SS` and then some. */
const TIME_STRING_LENGTH = 32;
/** The largest LobMaxSize the request accepts (KB). */
const MAX_LOB_SIZE_KB = 102_400;

const UNPROVEN_ORDER =
  'DMS does not document whether a change-data-type rule acts on the source value or on the value after its own type mapping; in the second case the value is still changed. Verify the column after the full load, or choose the lossy mapping explicitly';

const chosen = (column: ColumnClass, choices: FidelityChoices): boolean =>
  column.loss !== undefined &&
  (choices.lossyTypes.includes(column.loss) || choices.lossyColumns[column.name] === column.loss);

const stringRule = (source: CapturedColumn, index: number, length: number): ChangeDataTypeRule => ({
  'rule-type': 'transformation',
  'rule-id': String(FIRST_RULE_ID + index),
  'rule-name': `lossless-${FIRST_RULE_ID + index}`,
  'rule-target': 'column',
  'object-locator': {
    'schema-name': source.schema,
    'table-name': source.table,
    'column-name': source.column,
  },
  'rule-action': 'change-data-type',
  'data-type': { type: 'string', length },
});

/** The columns worth carrying in the plan's state: those DMS changes or does not migrate. */
export const needsAttention = (column: CapturedColumn): boolean => {
  const classified = classifyColumn(column);
  return classified.outcome !== 'exact' || classified.loss !== undefined;
};

export const planFidelity = (
  inspection: {
    readonly columnsInspected: number;
    readonly columns: readonly CapturedColumn[];
    readonly notInspected?: string;
  },
  choices: FidelityChoices,
  context: FidelityContext,
): FidelityPlan => {
  const captured = inspection.columns;
  const adjustments: ColumnAdjustment[] = [];
  const lossy: LossyColumn[] = [];
  const warnings: PlanWarning[] =
    inspection.notInspected === undefined
      ? []
      : [
          {
            column: '*',
            kind: 'not-inspected',
            message: `the source could not be inspected, so no column is remedied: ${inspection.notInspected}`,
          },
        ];
  const rules: ChangeDataTypeRule[] = [];
  const classes = captured.map((source) => ({ source, column: classifyColumn(source) }));

  const millis =
    context.millisecondTimestampsRequested || choices.lossyTypes.includes('timestamp-milliseconds');
  const lobLimitBytes = context.lobMaxSizeKb * 1024;
  let lobMaxSizeKb = context.lobMaxSizeKb;

  for (const { source, column } of classes) {
    if (column.outcome === 'not-migrated') {
      warnings.push({
        column: column.name,
        kind: 'not-migrated',
        message: `${column.typeName}: ${column.effect}`,
      });
      continue;
    }
    if (column.loss === undefined) continue;
    const lose = (): void => {
      lossy.push({ column: column.name, mapping: column.loss as LossyMapping, effect: column.effect });
    };
    switch (column.loss) {
      case 'timestamp-milliseconds':
        if (millis) lose();
        else
          adjustments.push({
            column: column.name,
            typeName: column.typeName,
            how: 'kept in microseconds (ParquetTimestampInMillisecond false)',
          });
        break;
      case 'unbounded-numeric':
      case 'time-milliseconds': {
        if (chosen(column, choices)) {
          lose();
          break;
        }
        const length =
          column.loss === 'time-milliseconds'
            ? TIME_STRING_LENGTH
            : Math.max(MIN_STRING_LENGTH, 2 * (source.maxBytes ?? 0));
        rules.push(stringRule(source, rules.length, length));
        adjustments.push({
          column: column.name,
          typeName: column.typeName,
          how: `carried as a string of up to ${length} characters (change-data-type), not ${column.effect}`,
        });
        warnings.push({ column: column.name, kind: 'unproven-remedy', message: UNPROVEN_ORDER });
        break;
      }
      case 'lob-truncation': {
        const longest = source.maxBytes ?? 0;
        if (longest <= lobLimitBytes) break;
        if (chosen(column, choices)) {
          lose();
          break;
        }
        const needed = Math.ceil(longest / 1024);
        if (needed > MAX_LOB_SIZE_KB) {
          warnings.push({
            column: column.name,
            kind: 'lob-over-limit',
            message: `its longest value is ${longest} bytes, more than the largest LobMaxSize (${MAX_LOB_SIZE_KB} KB)`,
          });
          break;
        }
        lobMaxSizeKb = Math.max(lobMaxSizeKb, needed);
        adjustments.push({
          column: column.name,
          typeName: column.typeName,
          how: `LobMaxSize raised to at least ${needed} KB: its longest value is ${longest} bytes`,
        });
        break;
      }
    }
  }
  return {
    columnsInspected: inspection.columnsInspected,
    adjustments,
    lossy,
    warnings,
    rules,
    parquetTimestampInMillisecond: millis,
    lobMaxSizeKb,
  };
};

/** One line per warning, for errors and logs. */
export const describeWarnings = (warnings: readonly PlanWarning[]): string =>
  warnings.map((warning) => `${warning.column} (${warning.kind}): ${warning.message}`).join('; ');
