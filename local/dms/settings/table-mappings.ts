/** `TableMappings` documents: DMS's validation, and the include-everything mapping local runs and tests use. */
import { invalidParameterValue } from '../protocol/errors.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every table of one schema (`%` is DMS's wildcard). */
export const includeAllTables = (schema = 'public'): string =>
  JSON.stringify({
    rules: [
      {
        'rule-type': 'selection',
        'rule-id': '1',
        'rule-name': 'include-all',
        'object-locator': { 'schema-name': schema, 'table-name': '%' },
        'rule-action': 'include',
      },
    ],
  });

/** Validates `TableMappings` the way DMS rejects it: "Invalid Table Mappings document". */
export const parseTableMappings = (text: string): { rules: Array<Record<string, unknown>> } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameterValue('Invalid Table Mappings document (not JSON)');
  }
  const rules = isObject(parsed) ? parsed['rules'] : undefined;
  if (!Array.isArray(rules) || rules.length === 0)
    throw invalidParameterValue('Invalid Table Mappings document: "rules" must be a non-empty list');
  const objects = rules.filter(isObject);
  if (objects.length !== rules.length)
    throw invalidParameterValue('Invalid Table Mappings document: every rule must be an object');
  for (const [index, item] of objects.entries()) {
    for (const key of ['rule-type', 'rule-id', 'rule-name'])
      if (typeof item[key] !== 'string' || item[key] === '')
        throw invalidParameterValue(
          `Invalid Table Mappings document: rules[${index}] needs a string "${key}"`,
        );
  }
  const selection = objects.filter((item) => item['rule-type'] === 'selection');
  if (!selection.some((item) => item['rule-action'] === 'include' || item['rule-action'] === 'explicit'))
    throw invalidParameterValue(
      'Invalid Table Mappings document: at least one selection rule with rule-action include or explicit is required',
    );
  for (const item of selection) {
    const locator = item['object-locator'];
    if (!isObject(locator) || typeof locator['schema-name'] !== 'string')
      throw invalidParameterValue(
        'Invalid Table Mappings document: a selection rule needs object-locator.schema-name',
      );
  }
  return { rules: objects };
};
