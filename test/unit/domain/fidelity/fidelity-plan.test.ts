import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CapturedColumn, classifyColumn } from '#domain/fidelity/classify';
import { type FidelityChoices, planFidelity } from '#domain/fidelity/fidelity-plan';
import { TYPE_MAPPING, type TypeFamily } from '#domain/fidelity/type-mapping';

const column = (name: string, typeName: string, extra: Partial<CapturedColumn> = {}): CapturedColumn => ({
  schema: 'public',
  table: 'orders',
  column: name,
  typeName,
  typeType: 'b',
  typeCategory: 'N',
  declaredLength: null,
  maxBytes: null,
  ...extra,
});

const NO_CHOICES: FidelityChoices = { lossyTypes: [], lossyColumns: {}, warningsFatal: false };
const CONTEXT = { lobMaxSizeKb: 64, millisecondTimestampsRequested: false };
const plan = (columns: CapturedColumn[], choices: FidelityChoices = NO_CHOICES, context = CONTEXT) =>
  planFidelity({ columnsInspected: columns.length, columns }, choices, context);

describe('classifyColumn', () => {
  it.each<[string, CapturedColumn, TypeFamily, string]>([
    ['bigint', column('id', 'int8'), 'integer', 'exact'],
    ['numeric(12,2)', column('price', 'numeric', { declaredLength: 12 }), 'bounded-numeric', 'exact'],
    ['numeric(50,2)', column('wide', 'numeric', { declaredLength: 50 }), 'wide-numeric', 'changed'],
    ['unbounded numeric', column('ratio', 'numeric'), 'unbounded-numeric', 'changed'],
    ['timestamptz', column('at', 'timestamptz'), 'timestamp', 'changed'],
    ['time', column('t', 'time'), 'time', 'changed'],
    ['an int4 array', column('tags', '_int4', { typeCategory: 'A' }), 'array', 'changed'],
    ['an enum', column('mood', 'mood', { typeType: 'e' }), 'enum', 'changed'],
    ['a range', column('span', 'int4range', { typeType: 'r' }), 'range', 'changed'],
    ['varchar(20)', column('code', 'varchar', { declaredLength: 20 }), 'bounded-string', 'exact'],
    ['varchar without length', column('note', 'varchar'), 'text-lob', 'exact'],
    ['oid', column('blob_ref', 'oid'), 'large-object', 'not-migrated'],
    ['pg_lsn', column('lsn', 'pg_lsn'), 'unlisted', 'not-migrated'],
  ])('classifies %s', (_label, captured, family, outcome) => {
    // Act
    const classified = classifyColumn(captured);

    // Assess
    expect(classified).toMatchObject({ name: `public.orders.${captured.column}`, family, outcome });
  });

  it('has one documented row with a source for every family it can return', () => {
    // Act
    const families = TYPE_MAPPING.map((row) => row.family);

    // Assess
    expect(new Set(families).size).toBe(families.length);
    expect(TYPE_MAPPING.every((row) => row.source.startsWith('https://docs.aws.amazon.com/'))).toBe(true);
  });
});

describe('planFidelity', () => {
  it('carries an unbounded numeric and a time as strings and keeps microsecond timestamps by default', () => {
    // Act
    const result = plan([
      column('ratio', 'numeric', { maxBytes: 80 }),
      column('at', 'timestamptz'),
      column('t', 'time'),
    ]);

    // Assess
    expect(result.parquetTimestampInMillisecond).toBe(false);
    expect(result.lossy).toEqual([]);
    expect(result.rules).toEqual([
      expect.objectContaining({
        'rule-id': '1001',
        'rule-action': 'change-data-type',
        'object-locator': { 'schema-name': 'public', 'table-name': 'orders', 'column-name': 'ratio' },
        'data-type': { type: 'string', length: 160 },
      }),
      expect.objectContaining({
        'rule-id': '1002',
        'object-locator': { 'schema-name': 'public', 'table-name': 'orders', 'column-name': 't' },
        'data-type': { type: 'string', length: 32 },
      }),
    ]);
    expect(result.adjustments.map((adjustment) => adjustment.column)).toEqual([
      'public.orders.ratio',
      'public.orders.at',
      'public.orders.t',
    ]);
    expect(result.warnings.map((warning) => [warning.column, warning.kind])).toEqual([
      ['public.orders.ratio', 'unproven-remedy'],
      ['public.orders.t', 'unproven-remedy'],
    ]);
  });

  it('applies the lossy mapping a request chose for a type or a column, and lists those columns', () => {
    // Act
    const result = plan([column('ratio', 'numeric'), column('other', 'numeric'), column('at', 'timestamp')], {
      lossyTypes: ['timestamp-milliseconds'],
      lossyColumns: { 'public.orders.ratio': 'unbounded-numeric' },
      warningsFatal: false,
    });

    // Assess
    expect(result.parquetTimestampInMillisecond).toBe(true);
    expect(result.lossy.map((entry) => [entry.column, entry.mapping])).toEqual([
      ['public.orders.ratio', 'unbounded-numeric'],
      ['public.orders.at', 'timestamp-milliseconds'],
    ]);
    expect(result.rules.map((rule) => rule['object-locator']['column-name'])).toEqual(['other']);
  });

  it('treats a request that set ParquetTimestampInMillisecond itself as choosing milliseconds', () => {
    // Act
    const result = plan([column('at', 'timestamp')], NO_CHOICES, {
      ...CONTEXT,
      millisecondTimestampsRequested: true,
    });

    // Assess
    expect(result.lossy).toEqual([expect.objectContaining({ column: 'public.orders.at' })]);
  });

  it('raises LobMaxSize to the longest LOB measured, and warns about columns it cannot carry', () => {
    // Act
    const result = plan([
      column('body', 'text', { maxBytes: 200_000 }),
      column('small', 'jsonb', { maxBytes: 10 }),
      column('huge', 'bytea', { maxBytes: 200 * 1024 * 1024 }),
      column('ref', 'oid'),
    ]);

    // Assess
    expect(result.lobMaxSizeKb).toBe(196);
    expect(result.adjustments).toEqual([
      expect.objectContaining({ column: 'public.orders.body', how: expect.stringContaining('196 KB') }),
    ]);
    expect(result.warnings.map((warning) => [warning.column, warning.kind])).toEqual([
      ['public.orders.huge', 'lob-over-limit'],
      ['public.orders.ref', 'not-migrated'],
    ]);
  });
});

describe('docs/column-fidelity.md', () => {
  it('lists every type family with its outcome, lossy mapping and sources', () => {
    // Prepare
    const docs = readFileSync(new URL('../../../../docs/column-fidelity.md', import.meta.url), 'utf8');
    const lines = docs.split('\n');

    // Act
    const missing = TYPE_MAPPING.filter((row) => {
      const line = lines.find((candidate) => candidate.startsWith(`| \`${row.family}\` |`));
      const urls = row.source.match(/https:\/\/\S+?(?=[;\s]|$)/g) ?? [];
      return (
        line === undefined ||
        !line.includes(` ${row.outcome} `) ||
        !line.includes(row.effect) ||
        (row.loss !== undefined && !line.includes(`\`${row.loss}\``)) ||
        !urls.every((url) => line.includes(url))
      );
    });

    // Assess
    expect(missing.map((row) => row.family)).toEqual([]);
  });
});
