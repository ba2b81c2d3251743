/** DMS table mappings (docs/dms-behaviour.md §7.2) from `schema.table` patterns with `%` wildcards. */
import { CHANGE_SEQUENCE_COLUMN, CHANGE_SEQUENCE_EXPRESSION, CHANGE_SEQUENCE_LENGTH } from '#contracts/lake';

interface SelectionRule {
  'rule-type': 'selection';
  'rule-id': string;
  'rule-name': string;
  'object-locator': { 'schema-name': string; 'table-name': string };
  'rule-action': 'include' | 'exclude';
  filters: [];
}

const splitPattern = (pattern: string): { schema: string; table: string } => {
  const dot = pattern.indexOf('.');
  return { schema: pattern.slice(0, dot), table: pattern.slice(dot + 1) };
};

/**
 * Include rules first, then exclude rules, numbered from 1 in that order: the same patterns always give the
 * same rule ids, so a re-planned task compares equal.
 */
export const selectionRules = (include: readonly string[], exclude: readonly string[]): SelectionRule[] => {
  const entries = [
    ...include.map((pattern) => ({ pattern, action: 'include' as const })),
    ...exclude.map((pattern) => ({ pattern, action: 'exclude' as const })),
  ];
  return entries.map(({ pattern, action }, index) => {
    const { schema, table } = splitPattern(pattern);
    return {
      'rule-type': 'selection',
      'rule-id': String(index + 1),
      'rule-name': `${action}-${index + 1}`,
      'object-locator': { 'schema-name': schema, 'table-name': table },
      'rule-action': action,
      filters: [],
    };
  });
};

/**
 * Adds DMS's change sequence header to every table (docs/lake.md, "Change order"): the current-state views order
 * changes by it, since commit timestamps collide. Numbered after the selection rules.
 */
export const changeSequenceRule = (ruleId: number) => ({
  'rule-type': 'transformation' as const,
  'rule-id': String(ruleId),
  'rule-name': 'add-change-sequence',
  'rule-target': 'column' as const,
  'object-locator': { 'schema-name': '%', 'table-name': '%' },
  'rule-action': 'add-column' as const,
  value: CHANGE_SEQUENCE_COLUMN,
  expression: CHANGE_SEQUENCE_EXPRESSION,
  'data-type': { type: 'string' as const, length: CHANGE_SEQUENCE_LENGTH },
});

/**
 * Selection rules, the change sequence column numbered after them, then the transformation rules (ids from 1001,
 * see domain/fidelity).
 */
export const tableMappingsJson = (
  include: readonly string[],
  exclude: readonly string[],
  transformations: readonly object[] = [],
): string => {
  const selections = selectionRules(include, exclude);
  return JSON.stringify({
    rules: [...selections, changeSequenceRule(selections.length + 1), ...transformations],
  });
};
