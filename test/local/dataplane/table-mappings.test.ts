import { describe, expect, it } from 'vitest';
import { InvalidSettingError } from '#local/dataplane/errors';
import { compileTableMappings } from '#local/dataplane/table-mappings';

const selection = (id: string, action: string, schema: string, table: string) => ({
  'rule-type': 'selection',
  'rule-id': id,
  'rule-name': `select-${id}`,
  'object-locator': { 'schema-name': schema, 'table-name': table },
  'rule-action': action,
  filters: [],
});

const transformation = (
  id: string,
  target: string,
  action: string,
  locator: Record<string, string>,
  extra = {},
) => ({
  'rule-type': 'transformation',
  'rule-id': id,
  'rule-name': `transform-${id}`,
  'rule-target': target,
  'object-locator': locator,
  'rule-action': action,
  ...extra,
});

describe('compileTableMappings', () => {
  it('selects tables by % wildcards and lets an exclude win over an include', () => {
    // Prepare
    const mappings = compileTableMappings({
      rules: [selection('1', 'include', 'sales%', '%'), selection('2', 'exclude', 'sales', 'audit_%')],
    });

    // Act
    const picked = [
      { schema: 'sales', table: 'orders' },
      { schema: 'sales_eu', table: 'orders' },
      { schema: 'sales', table: 'audit_log' },
      { schema: 'hr', table: 'people' },
    ].map((name) => mappings.selects(name));

    // Assess
    expect(picked).toEqual([true, true, false, false]);
  });

  it('treats _ as a literal character, not a single-character wildcard', () => {
    // Prepare
    const mappings = compileTableMappings({ rules: [selection('1', 'include', 'public', 'a_b')] });

    // Act
    const literal = mappings.selects({ schema: 'public', table: 'a_b' });
    const other = mappings.selects({ schema: 'public', table: 'axb' });

    // Assess
    expect([literal, other]).toEqual([true, false]);
  });

  it('matches explicit selections by exact name only', () => {
    // Prepare
    const mappings = compileTableMappings({ rules: [selection('1', 'explicit', 'public', 'orders%')] });

    // Act
    const exact = mappings.selects({ schema: 'public', table: 'orders%' });
    const wildcard = mappings.selects({ schema: 'public', table: 'orders_2024' });

    // Assess
    expect([exact, wildcard]).toEqual([true, false]);
  });

  it('renames schemas and tables and applies case and prefix rules in rule-id order', () => {
    // Prepare
    const mappings = compileTableMappings({
      rules: [
        selection('1', 'include', '%', '%'),
        transformation(
          '20',
          'table',
          'add-prefix',
          { 'schema-name': 'public', 'table-name': '%' },
          { value: 'raw_' },
        ),
        transformation('10', 'table', 'convert-lowercase', { 'schema-name': 'public', 'table-name': '%' }),
        transformation('5', 'schema', 'rename', { 'schema-name': 'public' }, { value: 'app' }),
      ],
    });

    // Act
    const target = mappings.targetName({ schema: 'public', table: 'Orders' });
    const untouched = mappings.targetName({ schema: 'hr', table: 'People' });

    // Assess
    expect(target).toEqual({ schema: 'app', table: 'raw_orders' });
    expect(untouched).toEqual({ schema: 'hr', table: 'People' });
  });

  it('renames and removes columns', () => {
    // Prepare
    const mappings = compileTableMappings({
      rules: [
        selection('1', 'include', 'public', '%'),
        transformation(
          '2',
          'column',
          'rename',
          { 'schema-name': 'public', 'table-name': 'users', 'column-name': 'pwd' },
          { value: 'secret' },
        ),
        transformation('3', 'column', 'remove-column', {
          'schema-name': 'public',
          'table-name': '%',
          'column-name': 'tmp_%',
        }),
      ],
    });
    const users = { schema: 'public', table: 'users' };

    // Act
    const names = ['pwd', 'tmp_x', 'email'].map((column) => mappings.targetColumn(users, column));

    // Assess
    expect(names).toEqual(['secret', undefined, 'email']);
  });

  it('rejects source filters and unknown actions, naming the rule', () => {
    // Prepare
    const filtered = { ...selection('7', 'include', 'public', '%'), filters: [{ 'filter-type': 'source' }] };
    const unknown = transformation('8', 'table', 'shuffle', { 'schema-name': 'public', 'table-name': '%' });

    // Act
    const filterError = () => compileTableMappings({ rules: [filtered] });
    const actionError = () => compileTableMappings({ rules: [selection('1', 'include', '%', '%'), unknown] });

    // Assess
    expect(filterError).toThrow(InvalidSettingError);
    expect(filterError).toThrow('TableMappings.rules[0] (rule-id 7).filters');
    expect(actionError).toThrow('TableMappings.rules[1] (rule-id 8).rule-action: "shuffle"');
  });

  it('requires at least one including selection', () => {
    // Prepare
    const rules = [selection('1', 'exclude', 'public', '%')];

    // Act
    const compile = () => compileTableMappings({ rules });

    // Assess
    expect(compile).toThrow('at least one selection rule must include tables');
  });
});
