/**
 * Parses the text test_decoding emits (`pg_logical_slot_peek_changes`):
 *   BEGIN 754
 *   table public."My Table": INSERT: id[integer]:1 name[text]:'it''s' flag[boolean]:true bits[bit]:B'1010'
 *   table public.t: UPDATE: old-key: id[integer]:1 new-tuple: id[integer]:2 …
 *   table public.t: DELETE: id[integer]:2            (key columns only; `(no-tuple-data)` without a key)
 *   COMMIT 754 (at 2026-01-01 12:00:00.123456+00)
 * Values keep PostgreSQL's text form; `null` is NULL and `unchanged-toast-datum` an unchanged out-of-line value.
 */

export const UNCHANGED_TOAST = Symbol('unchanged-toast-datum');
export type DecodedValue = string | null | typeof UNCHANGED_TOAST;

export interface DecodedChange {
  readonly kind: 'INSERT' | 'UPDATE' | 'DELETE';
  readonly schema: string;
  readonly table: string;
  /** New tuple for INSERT/UPDATE; the key (or full old row) for DELETE. Empty for DELETE without a key. */
  readonly values: ReadonlyMap<string, DecodedValue>;
  /** The type of each column of `values` as PostgreSQL names it (`format_type` without modifier). */
  readonly types: ReadonlyMap<string, string>;
  /** The old key of an UPDATE that changed it (or the old row under REPLICA IDENTITY FULL). */
  readonly oldKey?: ReadonlyMap<string, DecodedValue>;
}

export type DecodedLine =
  | { readonly kind: 'BEGIN'; readonly xid: string }
  | { readonly kind: 'COMMIT'; readonly xid: string; readonly commitTime?: string }
  | { readonly kind: 'CHANGE'; readonly change: DecodedChange }
  /** TRUNCATE, logical messages and anything else DMS does not replicate from PostgreSQL. */
  | { readonly kind: 'OTHER' };

export class DecodingParseError extends Error {
  override readonly name = 'DecodingParseError';
}

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.position);
  }

  expect(token: string): void {
    if (!this.startsWith(token)) this.fail(`expected "${token}"`);
    this.position += token.length;
  }

  skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position++;
  }

  /** A possibly double-quoted identifier ending before one of `stops`. */
  identifier(stops: string): string {
    if (this.text[this.position] === '"') return this.quoted('"');
    const start = this.position;
    while (!this.done && !stops.includes(this.text[this.position] ?? '')) this.position++;
    return this.text.slice(start, this.position);
  }

  /** A quoted token whose quote character is escaped by doubling. */
  quoted(quote: string): string {
    this.expect(quote);
    let value = '';
    for (;;) {
      const next = this.text.indexOf(quote, this.position);
      if (next < 0) this.fail('unterminated quoted value');
      value += this.text.slice(this.position, next);
      this.position = next + 1;
      if (this.text[this.position] === quote) {
        value += quote;
        this.position++;
      } else {
        return value;
      }
    }
  }

  fail(message: string): never {
    throw new DecodingParseError(`${message} at offset ${this.position} of: ${this.text.slice(0, 200)}`);
  }
}

const parseValue = (cursor: Cursor): DecodedValue => {
  if (cursor.startsWith("'")) return cursor.quoted("'");
  if (cursor.startsWith("B'")) {
    cursor.position++;
    return cursor.quoted("'");
  }
  const start = cursor.position;
  while (!cursor.done && cursor.text[cursor.position] !== ' ') cursor.position++;
  const token = cursor.text.slice(start, cursor.position);
  if (token === 'null') return null;
  if (token === 'unchanged-toast-datum') return UNCHANGED_TOAST;
  return token;
};

interface Tuple {
  readonly values: Map<string, DecodedValue>;
  readonly types: Map<string, string>;
}

/** Parses `name[type]:value` pairs until the end or the next section marker. */
const parseTuple = (cursor: Cursor): Tuple => {
  const values = new Map<string, DecodedValue>();
  const types = new Map<string, string>();
  for (;;) {
    cursor.skipSpaces();
    if (cursor.done || cursor.startsWith('new-tuple:')) return { values, types };
    const name = cursor.identifier('[');
    cursor.expect('[');
    const typeEnd = cursor.text.indexOf(']:', cursor.position);
    if (typeEnd < 0) cursor.fail('expected "]:" after a column type');
    types.set(name, cursor.text.slice(cursor.position, typeEnd));
    cursor.position = typeEnd + 2;
    values.set(name, parseValue(cursor));
  }
};

const COMMIT = /^COMMIT (\d+)(?: \(at (.+)\))?$/;

export const parseDecodedLine = (data: string): DecodedLine => {
  if (data.startsWith('BEGIN ')) return { kind: 'BEGIN', xid: data.slice(6) };
  const commit = COMMIT.exec(data);
  if (commit) {
    return { kind: 'COMMIT', xid: commit[1] ?? '', ...(commit[2] ? { commitTime: commit[2] } : {}) };
  }
  if (!data.startsWith('table ')) return { kind: 'OTHER' };
  const cursor = new Cursor(data);
  cursor.expect('table ');
  const schema = cursor.identifier('.');
  cursor.expect('.');
  const table = cursor.identifier(':');
  cursor.expect(': ');
  const actionEnd = data.indexOf(':', cursor.position);
  const action = data.slice(cursor.position, actionEnd);
  if (action !== 'INSERT' && action !== 'UPDATE' && action !== 'DELETE') return { kind: 'OTHER' };
  cursor.position = actionEnd + 1;
  cursor.skipSpaces();
  if (cursor.startsWith('(no-tuple-data)'))
    return { kind: 'CHANGE', change: { kind: action, schema, table, values: new Map(), types: new Map() } };
  if (cursor.startsWith('old-key:')) {
    cursor.expect('old-key:');
    const oldKey = parseTuple(cursor).values;
    cursor.expect('new-tuple:');
    return { kind: 'CHANGE', change: { kind: action, schema, table, ...parseTuple(cursor), oldKey } };
  }
  return { kind: 'CHANGE', change: { kind: action, schema, table, ...parseTuple(cursor) } };
};
