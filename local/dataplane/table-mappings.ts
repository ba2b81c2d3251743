/**
 * Table mappings (docs/dms-behaviour.md §7.2): which source tables a task moves and the names they get in the
 * target. Selection rules include, exclude or name tables explicitly (`%` is the only wildcard; `_` is
 * literal, the safer reading); an exclude wins over an include. Transformation rules rename, case-convert,
 * prefix or suffix schemas, tables and columns, or remove columns; they apply in ascending `rule-id` order.
 * Anything else that would change the data (source filters, unknown actions) fails the task instead of being
 * silently ignored.
 */
import { InvalidSettingError } from './errors.ts';

type Rule = Readonly<Record<string, unknown>>;

export interface TableName {
  readonly schema: string;
  readonly table: string;
}

export interface TableMappings {
  /** True when the selection rules take this table. */
  selects(name: TableName): boolean;
  /** The schema and table names the target uses for a source table. */
  targetName(name: TableName): TableName;
  /** The target name of a column, or undefined when a rule removes it. */
  targetColumn(name: TableName, column: string): string | undefined;
  /** The data type a `change-data-type` rule gives the column, or undefined when none does. */
  columnDataType(name: TableName, column: string): ChangedDataType | undefined;
  /** Columns `add-column` rules add to a table with a header expression, in rule order. */
  headerColumns(name: TableName): HeaderColumn[];
}

/** The `data-type` of a `change-data-type` rule; the local data plane supports `string` (docs: column fidelity). */
export interface ChangedDataType {
  readonly type: 'string';
  readonly length?: number;
}

interface DataTypeChange {
  readonly id: number;
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly dataType: ChangedDataType;
}

/** DMS's header expressions the data plane fills (docs/lake.md, "Change order"). */
export const HEADER_EXPRESSIONS = ['$AR_H_CHANGE_SEQ'] as const;
export type HeaderExpression = (typeof HEADER_EXPRESSIONS)[number];

export interface HeaderColumn {
  readonly name: string;
  readonly expression: HeaderExpression;
}

interface AddColumnRule {
  readonly id: number;
  readonly schema: string;
  readonly table: string;
  readonly column: HeaderColumn;
}

const parseAddColumn = (rule: Rule, label: string): AddColumnRule => {
  if (rule['rule-target'] !== 'column') {
    throw new InvalidSettingError(`${label}.rule-target: add-column needs rule-target column`);
  }
  const expression = stringField(rule, 'expression', label);
  if (!(HEADER_EXPRESSIONS as readonly string[]).includes(expression)) {
    throw new InvalidSettingError(
      `${label}.expression: "${expression}" is not supported by the local data plane (supported: ${HEADER_EXPRESSIONS.join(', ')})`,
    );
  }
  const locator = locatorOf(rule, label);
  return {
    id: Number(rule['rule-id'] ?? 0),
    schema: stringField(locator, 'schema-name', `${label}.object-locator`),
    table: stringField(locator, 'table-name', `${label}.object-locator`, '%'),
    column: { name: stringField(rule, 'value', label), expression: expression as HeaderExpression },
  };
};

interface Selection {
  readonly action: 'include' | 'exclude' | 'explicit';
  readonly schema: string;
  readonly table: string;
}

type NameTarget = 'schema' | 'table' | 'column';

interface Transformation {
  readonly id: number;
  readonly target: NameTarget;
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly apply: (name: string) => string | undefined;
}

const wildcard = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('%').map(escapeRegExp).join('.*')}$`, 's');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const matches = (pattern: string, value: string): boolean => wildcard(pattern).test(value);

const ruleLabel = (rule: Rule, index: number): string =>
  `TableMappings.rules[${index}] (rule-id ${String(rule['rule-id'] ?? '?')})`;

const stringField = (rule: Rule, key: string, label: string, fallback?: string): string => {
  const value = rule[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (fallback !== undefined && value === undefined) return fallback;
  throw new InvalidSettingError(`${label}.${key}: must be a non-empty string`);
};

const locatorOf = (rule: Rule, label: string): Rule => {
  const locator = rule['object-locator'];
  if (typeof locator !== 'object' || locator === null || Array.isArray(locator)) {
    throw new InvalidSettingError(`${label}.object-locator: must be an object`);
  }
  return locator as Rule;
};

const parseSelection = (rule: Rule, label: string): Selection => {
  const action = rule['rule-action'];
  if (action !== 'include' && action !== 'exclude' && action !== 'explicit') {
    throw new InvalidSettingError(`${label}.rule-action: must be include, exclude or explicit`);
  }
  const filters = rule['filters'];
  if (Array.isArray(filters) && filters.length > 0) {
    throw new InvalidSettingError(
      `${label}.filters: source filters are not supported by the local data plane`,
    );
  }
  const locator = locatorOf(rule, label);
  return {
    action,
    schema: stringField(locator, 'schema-name', `${label}.object-locator`),
    table: stringField(locator, 'table-name', `${label}.object-locator`),
  };
};

const renamer = (rule: Rule, label: string): ((name: string) => string | undefined) => {
  const action = rule['rule-action'];
  const value = () => stringField(rule, 'value', label);
  switch (action) {
    case 'rename': {
      const to = value();
      return () => to;
    }
    case 'convert-lowercase':
      return (name) => name.toLowerCase();
    case 'convert-uppercase':
      return (name) => name.toUpperCase();
    case 'add-prefix': {
      const prefix = value();
      return (name) => prefix + name;
    }
    case 'add-suffix': {
      const suffix = value();
      return (name) => name + suffix;
    }
    case 'remove-prefix': {
      const prefix = value();
      return (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
    }
    case 'remove-suffix': {
      const suffix = value();
      return (name) => (name.endsWith(suffix) ? name.slice(0, name.length - suffix.length) : name);
    }
    case 'replace-prefix': {
      const from = stringField(rule, 'old-value', label);
      const to = value();
      return (name) => (name.startsWith(from) ? to + name.slice(from.length) : name);
    }
    case 'remove-column':
      return () => undefined;
    default:
      throw new InvalidSettingError(
        `${label}.rule-action: "${String(action)}" is not supported by the local data plane`,
      );
  }
};

const parseDataTypeChange = (rule: Rule, label: string): DataTypeChange => {
  if (rule['rule-target'] !== 'column') {
    throw new InvalidSettingError(`${label}.rule-target: change-data-type needs rule-target column`);
  }
  const dataType = rule['data-type'];
  if (typeof dataType !== 'object' || dataType === null || Array.isArray(dataType)) {
    throw new InvalidSettingError(`${label}.data-type: must be an object with a type`);
  }
  const { type, length } = dataType as Rule;
  if (type !== 'string') {
    throw new InvalidSettingError(
      `${label}.data-type.type: "${String(type)}" is not supported by the local data plane (only string)`,
    );
  }
  const parsedLength = length === undefined ? undefined : Number(length);
  if (parsedLength !== undefined && !(Number.isInteger(parsedLength) && parsedLength > 0)) {
    throw new InvalidSettingError(`${label}.data-type.length: must be a positive whole number`);
  }
  const locator = locatorOf(rule, label);
  return {
    id: Number(rule['rule-id'] ?? 0),
    schema: stringField(locator, 'schema-name', `${label}.object-locator`),
    table: stringField(locator, 'table-name', `${label}.object-locator`, '%'),
    column: stringField(locator, 'column-name', `${label}.object-locator`, '%'),
    dataType: parsedLength === undefined ? { type } : { type, length: parsedLength },
  };
};

const parseTransformation = (rule: Rule, label: string): Transformation | undefined => {
  const target = rule['rule-target'];
  if (target !== 'schema' && target !== 'table' && target !== 'column') {
    // Targets such as table-tablespace or index-tablespace do not change S3 output.
    return undefined;
  }
  if (rule['rule-action'] === 'remove-column' && target !== 'column') {
    throw new InvalidSettingError(`${label}.rule-action: remove-column needs rule-target column`);
  }
  const locator = locatorOf(rule, label);
  return {
    id: Number(rule['rule-id'] ?? 0),
    target,
    schema: stringField(locator, 'schema-name', `${label}.object-locator`),
    table: stringField(locator, 'table-name', `${label}.object-locator`, '%'),
    column: stringField(locator, 'column-name', `${label}.object-locator`, '%'),
    apply: renamer(rule, label),
  };
};

/** Compiles a task's parsed `TableMappings`; throws InvalidSettingError naming the rule and field. */
export const compileTableMappings = (mappings: { rules: ReadonlyArray<Rule> }): TableMappings => {
  if (!Array.isArray(mappings.rules)) throw new InvalidSettingError('TableMappings.rules: must be an array');
  const selections: Selection[] = [];
  const transformations: Transformation[] = [];
  const dataTypeChanges: DataTypeChange[] = [];
  const addColumns: AddColumnRule[] = [];
  mappings.rules.forEach((rule, index) => {
    const label = ruleLabel(rule, index);
    const type = rule['rule-type'];
    if (type === 'selection') selections.push(parseSelection(rule, label));
    else if (type === 'transformation' && rule['rule-action'] === 'change-data-type') {
      dataTypeChanges.push(parseDataTypeChange(rule, label));
    } else if (type === 'transformation' && rule['rule-action'] === 'add-column') {
      addColumns.push(parseAddColumn(rule, label));
    } else if (type === 'transformation') {
      const transformation = parseTransformation(rule, label);
      if (transformation) transformations.push(transformation);
    }
    // table-settings and other rule types tune how DMS loads, not what lands in S3.
  });
  if (!selections.some((selection) => selection.action !== 'exclude')) {
    throw new InvalidSettingError('TableMappings.rules: at least one selection rule must include tables');
  }
  transformations.sort((a, b) => a.id - b.id);
  // With several matching rules the highest rule-id wins (the last applied).
  dataTypeChanges.sort((a, b) => b.id - a.id);

  const selects = ({ schema, table }: TableName): boolean => {
    let included = false;
    for (const selection of selections) {
      const hit =
        selection.action === 'explicit'
          ? selection.schema === schema && selection.table === table
          : matches(selection.schema, schema) && matches(selection.table, table);
      if (!hit) continue;
      if (selection.action === 'exclude') return false;
      included = true;
    }
    return included;
  };

  const transform = (
    target: NameTarget,
    name: string,
    source: TableName,
    column = '',
  ): string | undefined => {
    let current: string | undefined = name;
    for (const rule of transformations) {
      if (current === undefined) break;
      if (rule.target !== target || !matches(rule.schema, source.schema)) continue;
      if (target !== 'schema' && !matches(rule.table, source.table)) continue;
      if (target === 'column' && !matches(rule.column, column)) continue;
      current = rule.apply(current);
    }
    return current;
  };

  return {
    selects,
    targetName: (source) => ({
      schema: transform('schema', source.schema, source) ?? source.schema,
      table: transform('table', source.table, source) ?? source.table,
    }),
    targetColumn: (source, column) => transform('column', column, source, column),
    columnDataType: (source, column) =>
      dataTypeChanges.find(
        (change) =>
          matches(change.schema, source.schema) &&
          matches(change.table, source.table) &&
          matches(change.column, column),
      )?.dataType,
    headerColumns: (source) =>
      addColumns
        .filter((rule) => matches(rule.schema, source.schema) && matches(rule.table, source.table))
        .sort((a, b) => a.id - b.id)
        .map((rule) => rule.column),
  };
};
