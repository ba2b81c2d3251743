import { describe, expect, it } from 'vitest';
import { selectionRules, tableMappingsJson } from '#domain/planner/table-mappings';

describe('selectionRules', () => {
  it('numbers include rules first, then exclude rules, from 1', () => {
    // Act
    const rules = selectionRules(['public.%', 'sales.orders'], ['public.tmp_%']);

    // Assess
    expect(
      rules.map((rule) => [rule['rule-id'], rule['rule-name'], rule['rule-action'], rule['object-locator']]),
    ).toEqual([
      ['1', 'include-1', 'include', { 'schema-name': 'public', 'table-name': '%' }],
      ['2', 'include-2', 'include', { 'schema-name': 'sales', 'table-name': 'orders' }],
      ['3', 'exclude-3', 'exclude', { 'schema-name': 'public', 'table-name': 'tmp_%' }],
    ]);
  });
});

describe('tableMappingsJson', () => {
  it('is the DMS table mappings document as a string, identical for identical patterns', () => {
    // Act
    const first = tableMappingsJson(['%.%'], []);
    const second = tableMappingsJson(['%.%'], []);

    // Assess
    expect(first).toBe(second);
    expect(first).toBe(
      '{"rules":[{"rule-type":"selection","rule-id":"1","rule-name":"include-1",' +
        '"object-locator":{"schema-name":"%","table-name":"%"},"rule-action":"include","filters":[]},' +
        '{"rule-type":"transformation","rule-id":"2","rule-name":"add-change-sequence","rule-target":"column",' +
        '"object-locator":{"schema-name":"%","table-name":"%"},"rule-action":"add-column","value":"dms_change_seq",' +
        '"expression":"$AR_H_CHANGE_SEQ","data-type":{"type":"string","length":50}}]}',
    );
  });
});
