/**
 * `npm run demo` options. Bad options fail before anything starts, with one message naming each bad option and
 * its rule.
 */
import { parseArgs } from 'node:util';
import { LOSSY_MAPPINGS, type LossyMapping } from '#domain/fidelity/type-mapping';
import { DEFAULT_ROWS, DEMO_DATABASES } from '../../examples/demo/databases.ts';

export interface DemoOptions {
  /** Demo databases to create (ignored with `sources`). */
  readonly databases: readonly string[];
  /** Rows of the largest demo table. */
  readonly rows: number;
  /** Emulated seconds per wall-clock second. */
  readonly clockSpeed: number;
  /** Folder standing for S3; the report is written beside it. */
  readonly lakeDir: string;
  /** Existing PostgreSQL databases to migrate instead of the demo's own. */
  readonly sources: readonly string[];
  readonly json: boolean;
  /** A price file laid over the shipped table. */
  readonly prices?: string;
  /** No write load and no spike: only the migration and its verification (the shrunken end-to-end run). */
  readonly quiet: boolean;
  /** DMS's lossy mappings the request accepts (`defaults.fidelity.lossyTypes`); none by default: lossless. */
  readonly lossy: readonly LossyMapping[];
  readonly help: boolean;
}

export const DEFAULT_CLOCK_SPEED = 120;
export const DEFAULT_LAKE_DIR = '.lakeshift/demo/lake';

export const USAGE = `npm run demo -- [options]

  --databases <ids|n>     demo databases to create: a comma list of ${DEMO_DATABASES.map((d) => d.id).join(', ')}, or a count (default: all)
  --rows <n>              rows of the largest table (default ${DEFAULT_ROWS.toLocaleString('en-US')})
  --clock-speed <x>       emulated seconds per wall-clock second (default ${DEFAULT_CLOCK_SPEED})
  --lake <dir>            folder standing for the S3 bucket; the report is written beside it (default ${DEFAULT_LAKE_DIR})
  --source <url>          migrate an existing PostgreSQL database (postgres://user:password@host:port/db); repeatable
  --prices <file>         prices laid over the shipped, dated price table
  --json                  machine-readable progress: one JSON object per line
  --quiet                 no write load and no load spike (migration and verification only)
  --lossy <mappings>      accept DMS's lossy mappings instead of lakeshift's lossless remedies: a comma list of
                          ${LOSSY_MAPPINGS.join(', ')}
  --help                  this text`;

export class DemoOptionsError extends Error {
  override readonly name = 'DemoOptionsError';
}

const demoIds = DEMO_DATABASES.map((database) => database.id);

const parseDatabases = (value: string | undefined, problems: string[]): string[] => {
  if (value === undefined) return demoIds;
  if (/^\d+$/.test(value)) {
    const count = Number(value);
    if (count < 1 || count > demoIds.length) {
      problems.push(`--databases: a count must be between 1 and ${demoIds.length}, got ${value}`);
      return [];
    }
    return demoIds.slice(0, count);
  }
  const ids = value.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !demoIds.includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    problems.push(
      `--databases: unknown database ${unknown.join(', ') || '(none)'} (known: ${demoIds.join(', ')})`,
    );
  }
  if (new Set(ids).size !== ids.length) problems.push('--databases: must not repeat a database');
  return ids;
};

const parseNumber = (
  name: string,
  value: string | undefined,
  fallback: number,
  rule: { integer: boolean; min: number },
  problems: string[],
): number => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || (rule.integer && !Number.isInteger(number)) || number < rule.min) {
    problems.push(
      `${name}: must be ${rule.integer ? 'a whole number' : 'a number'} >= ${rule.min}, got ${value}`,
    );
    return fallback;
  }
  return number;
};

const checkSource = (url: string, problems: string[]): void => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`--source: not a URL: ${url}`);
    return;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    problems.push(`--source: must be a postgres:// URL, got ${parsed.protocol}//…`);
  } else if (parsed.pathname.length <= 1) {
    problems.push(`--source: must name a database (postgres://…/<database>): ${parsed.host}`);
  }
};

const parseLossy = (value: string | undefined, problems: string[]): LossyMapping[] => {
  if (value === undefined) return [];
  const names = value.split(',').map((name) => name.trim());
  const known = (name: string): name is LossyMapping => (LOSSY_MAPPINGS as readonly string[]).includes(name);
  const unknown = names.filter((name) => !known(name));
  if (unknown.length > 0) {
    problems.push(`--lossy: unknown mapping ${unknown.join(', ')} (known: ${LOSSY_MAPPINGS.join(', ')})`);
  }
  return [...new Set(names.filter(known))];
};

export const parseDemoOptions = (argv: readonly string[]): DemoOptions => {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new DemoOptionsError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const problems: string[] = [];
  const sources = values.source ?? [];
  for (const source of sources) checkSource(source, problems);
  const options: DemoOptions = {
    databases: parseDatabases(values.databases, problems),
    rows: parseNumber('--rows', values.rows, DEFAULT_ROWS, { integer: true, min: 1 }, problems),
    clockSpeed: parseNumber(
      '--clock-speed',
      values['clock-speed'],
      DEFAULT_CLOCK_SPEED,
      { integer: false, min: 1 },
      problems,
    ),
    lakeDir: values.lake ?? DEFAULT_LAKE_DIR,
    sources,
    json: values.json ?? false,
    quiet: values.quiet ?? false,
    lossy: parseLossy(values.lossy, problems),
    help: values.help ?? false,
    ...(values.prices === undefined ? {} : { prices: values.prices }),
  };
  if (problems.length > 0) throw new DemoOptionsError(`${problems.join('\n')}\n\n${USAGE}`);
  return options;
};

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      databases: { type: 'string' },
      rows: { type: 'string' },
      'clock-speed': { type: 'string' },
      lake: { type: 'string' },
      source: { type: 'string', multiple: true },
      prices: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      lossy: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
