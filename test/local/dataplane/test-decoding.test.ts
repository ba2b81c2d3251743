import { describe, expect, it } from 'vitest';
import { parseDecodedLine, UNCHANGED_TOAST } from '#local/dataplane/test-decoding';

describe('parseDecodedLine', () => {
  it('reads BEGIN and COMMIT with the commit time', () => {
    // Prepare
    const lines = ['BEGIN 754', 'COMMIT 754 (at 2026-01-01 12:00:00.123456+00)'];

    // Act
    const parsed = lines.map(parseDecodedLine);

    // Assess
    expect(parsed).toEqual([
      { kind: 'BEGIN', xid: '754' },
      { kind: 'COMMIT', xid: '754', commitTime: '2026-01-01 12:00:00.123456+00' },
    ]);
  });

  it('reads an insert with quoted names, escaped quotes, newlines, bits, nulls and unquoted numbers', () => {
    // Prepare
    const line =
      `table "My Schema"."Order ""Items""": INSERT: id[integer]:1 "Col X"[text]:'it''s "x"\ny z' ` +
      `flags[bit]:B'1010' n[numeric]:-12.50 ok[boolean]:true gone[text]:null ints[integer[]]:'{1,NULL}'`;

    // Act
    const parsed = parseDecodedLine(line);

    // Assess
    expect(parsed.kind).toBe('CHANGE');
    if (parsed.kind !== 'CHANGE') return;
    expect(parsed.change.schema).toBe('My Schema');
    expect(parsed.change.table).toBe('Order "Items"');
    expect(parsed.change.kind).toBe('INSERT');
    expect([...parsed.change.values]).toEqual([
      ['id', '1'],
      ['Col X', `it's "x"\ny z`],
      ['flags', '1010'],
      ['n', '-12.50'],
      ['ok', 'true'],
      ['gone', null],
      ['ints', '{1,NULL}'],
    ]);
    expect([...parsed.change.types.values()]).toEqual([
      'integer',
      'text',
      'bit',
      'numeric',
      'boolean',
      'text',
      'integer[]',
    ]);
  });

  it('reads an update that changed the key, with an unchanged TOAST value', () => {
    // Prepare
    const line =
      'table public.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 body[text]:unchanged-toast-datum';

    // Act
    const parsed = parseDecodedLine(line);

    // Assess
    expect(parsed.kind).toBe('CHANGE');
    if (parsed.kind !== 'CHANGE') return;
    expect([...(parsed.change.oldKey ?? [])]).toEqual([['id', '1']]);
    expect([...parsed.change.values]).toEqual([
      ['id', '2'],
      ['body', UNCHANGED_TOAST],
    ]);
  });

  it('reads a delete without key data as a change with no values', () => {
    // Prepare
    const line = 'table public.nopk: DELETE: (no-tuple-data)';

    // Act
    const parsed = parseDecodedLine(line);

    // Assess
    expect(parsed).toEqual({
      kind: 'CHANGE',
      change: { kind: 'DELETE', schema: 'public', table: 'nopk', values: new Map(), types: new Map() },
    });
  });

  it('passes over TRUNCATE and logical messages, which DMS does not replicate', () => {
    // Prepare
    const lines = [
      'table public.t: TRUNCATE: (no-flags)',
      'message: transactional: 1 prefix: p, sz: 1 content:x',
    ];

    // Act
    const parsed = lines.map(parseDecodedLine);

    // Assess
    expect(parsed).toEqual([{ kind: 'OTHER' }, { kind: 'OTHER' }]);
  });
});
