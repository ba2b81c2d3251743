/**
 * Creates and fills the demo databases on a PostgreSQL server.
 *
 *   tsx examples/demo/seed.ts --url postgres://user:pass@host:5432/postgres [--databases orders,awkward] [--rows 100000] [--replace]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_ROWS, DEMO_DATABASES, type DemoDatabase, demoDatabase } from './databases.ts';

/** The URL of another database on the same server. */
export const databaseUrl = (serverUrl: string, database: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
};

export interface SeedOptions {
  /** Any database URL on the server; the demo databases are created beside it. */
  readonly serverUrl: string;
  readonly rows: number;
  /** Drop a demo database that already exists instead of failing. */
  readonly replace?: boolean;
}

export class SeedError extends Error {
  override readonly name = 'SeedError';
}

/** Runs `work` on a fresh connection to `url`, and closes it. */
export const withClient = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Creates one demo database and fills it; returns its URL. */
export const seedDemoDatabase = async (database: DemoDatabase, options: SeedOptions): Promise<string> => {
  if (!Number.isInteger(options.rows) || options.rows < 1) {
    throw new SeedError(`rows: must be a whole number >= 1, got ${options.rows}`);
  }
  await withClient(options.serverUrl, async (admin) => {
    const name = admin.escapeIdentifier(database.id);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database.id]);
    if (exists.rowCount && !options.replace) {
      throw new SeedError(`database ${database.id} already exists on the server (pass replace to drop it)`);
    }
    if (exists.rowCount) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name} ENCODING 'UTF8' TEMPLATE template0`);
  });
  const url = databaseUrl(options.serverUrl, database.id);
  await withClient(url, async (client) => {
    await client.query(database.schema);
    for (const statement of database.seed(options.rows)) await client.query(statement);
    await client.query('ANALYZE');
  });
  return url;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      databases: { type: 'string' },
      rows: { type: 'string' },
      replace: { type: 'boolean', default: false },
    },
  });
  if (values.url === undefined) throw new SeedError('--url: required (a postgres:// URL of the server)');
  const rows = values.rows === undefined ? DEFAULT_ROWS : Number(values.rows);
  const ids =
    values.databases?.split(',').map((id) => id.trim()) ?? DEMO_DATABASES.map((database) => database.id);
  for (const id of ids) {
    const database = demoDatabase(id);
    if (database === undefined) {
      throw new SeedError(
        `--databases: unknown database ${id} (known: ${DEMO_DATABASES.map((d) => d.id).join(', ')})`,
      );
    }
    const url = await seedDemoDatabase(database, { serverUrl: values.url, rows, replace: values.replace });
    console.log(`${database.describe(rows)} → ${url.replace(/\/\/[^@]*@/, '//')}`);
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
