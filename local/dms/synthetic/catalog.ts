/**
 * The databases the synthetic workload simulates: declared tables (rows, row size, change rate and mix), looked up by
 * the source endpoint's database name, or generated deterministically from that name when nobody declared one.
 */
import { createHash } from 'node:crypto';
import type { EndpointDescription } from '../workload.ts';

export interface ChangeMix {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
}

export interface SyntheticTable {
  readonly schema?: string;
  readonly name: string;
  readonly rows: number;
  /** Average row size in bytes (default 200). */
  readonly rowBytes?: number;
  /** Changes per second on the source while the task runs (default 0). */
  readonly changesPerSecond?: number;
  /** Shares of inserts, updates and deletes among the changes (default 60/30/10). */
  readonly mix?: ChangeMix;
}

export interface SyntheticDatabase {
  readonly tables: readonly SyntheticTable[];
  /** When set, TestConnection to this source fails with this message. */
  readonly connectionFailure?: string;
}

export const DEFAULT_ROW_BYTES = 200;
export const DEFAULT_MIX: ChangeMix = { inserts: 0.6, updates: 0.3, deletes: 0.1 };

const TABLE_NAMES = [
  'customers',
  'orders',
  'order_items',
  'products',
  'payments',
  'events',
  'invoices',
  'shipments',
];

/** The key a source is known by: its database name, else its endpoint identifier. */
export const databaseKey = (endpoint: EndpointDescription): string => {
  const fromSettings = endpoint.postgreSqlSettings?.['DatabaseName'];
  return (
    endpoint.databaseName ?? (typeof fromSettings === 'string' ? fromSettings : endpoint.endpointIdentifier)
  );
};

/** A plausible database derived from its name: 3–8 tables of 1,000 to 1,000,000 rows, a few changes per second. */
export const generateDatabase = (key: string): SyntheticDatabase => {
  const digest = createHash('sha256').update(`synthetic:${key}`).digest();
  const byte = (index: number) => digest[index % digest.length] ?? 0;
  const count = 3 + (byte(0) % 6);
  return {
    tables: TABLE_NAMES.slice(0, count).map((name, index) => ({
      schema: 'public',
      name,
      rows: Math.round(10 ** (3 + (byte(index + 1) / 255) * 3)),
      rowBytes: 100 + (byte(index + 9) % 4) * 100,
      changesPerSecond: Math.round((0.2 + (byte(index + 17) / 255) * 4.8) * 10) / 10,
    })),
  };
};

const likePattern = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%', '.*')}$`, 'i');

/** The tables the task's selection rules include (`%` is the wildcard; exclude rules win). */
export const selectTables = (
  tables: readonly SyntheticTable[],
  rules: ReadonlyArray<Readonly<Record<string, unknown>>>,
): SyntheticTable[] => {
  const selection = rules.filter((rule) => rule['rule-type'] === 'selection');
  const matches = (rule: Readonly<Record<string, unknown>>, table: SyntheticTable): boolean => {
    const locator = (rule['object-locator'] ?? {}) as Record<string, unknown>;
    const schema = typeof locator['schema-name'] === 'string' ? locator['schema-name'] : '%';
    const name = typeof locator['table-name'] === 'string' ? locator['table-name'] : '%';
    return likePattern(schema).test(table.schema ?? 'public') && likePattern(name).test(table.name);
  };
  return tables.filter(
    (table) =>
      selection.some((rule) => rule['rule-action'] !== 'exclude' && matches(rule, table)) &&
      !selection.some((rule) => rule['rule-action'] === 'exclude' && matches(rule, table)),
  );
};
