/**
 * One embedded PostgreSQL per test file, a fresh database per test.
 *
 *   const pg = usePostgres();            // at the top of a test file: starts in beforeAll, stops in afterAll
 *   const db = await pg.createDatabase(); // in a test: { name, url, connect() }
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { PostgresCredentials } from '#adapters/secrets';
import {
  type EmbeddedPostgresOptions,
  type RunningPostgres,
  startEmbeddedPostgres,
} from '#local/postgres/embedded';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A connected client; the harness closes it after the file's tests. */
  connect(): Promise<pg.Client>;
}

export interface PostgresHarness {
  /** The running server (throws if used outside a test). */
  server(): RunningPostgres;
  /** Creates an empty database with a unique name. */
  createDatabase(prefix?: string): Promise<TestDatabase>;
}

/** A test database's login in the layout of an RDS secret, as lakeshift's adapters take it. */
export const credentialsOf = (db: TestDatabase): PostgresCredentials => ({
  host: db.host,
  port: db.port,
  username: db.user,
  password: db.password,
  dbname: db.name,
});

/** The names of the replication slots a test database has on its server. */
export const replicationSlotsOf = async (db: TestDatabase): Promise<string[]> => {
  const client = await db.connect();
  const result = await client.query<{ slot_name: string }>(
    'SELECT slot_name FROM pg_replication_slots WHERE database = current_database()',
  );
  return result.rows.map((row) => row.slot_name);
};

export const usePostgres = (options: EmbeddedPostgresOptions = {}): PostgresHarness => {
  let running: RunningPostgres | undefined;
  let admin: Promise<pg.Client> | undefined;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    running = await startEmbeddedPostgres(options);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await running?.stop();
    running = undefined;
    admin = undefined;
  });

  const server = (): RunningPostgres => {
    if (!running)
      throw new Error('usePostgres: the server is not running (call it at the top of a test file)');
    return running;
  };

  const connectTo = async (url: string): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url });
    // A server stopped under an idle client emits 'error'; it must not crash the test run.
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  return {
    server,
    createDatabase: async (prefix = 'test') => {
      const current = server();
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      admin ??= connectTo(current.url);
      const client = await admin;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      const url = current.urlFor(name);
      return {
        name,
        url,
        host: current.host,
        port: current.port,
        user: current.user,
        password: current.password,
        connect: () => connectTo(url),
      };
    },
  };
};
