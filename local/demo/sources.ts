/**
 * The databases a demo run migrates: the demo's own (an embedded PostgreSQL started with logical decoding and TLS,
 * the chosen demo databases created and filled) or existing ones given with `--source`.
 *
 * lakeshift reaches every source over TLS (the request's SslMode, `require` by default). A `--source` URL that says
 * `sslmode=disable` is read as the explicit plain-text choice: that database is requested with sslMode `none` and
 * `acknowledgePlainText`, and the demo warns. Any other URL is tried over TLS: a server without TLS then fails the
 * endpoint's connection test with a message naming the SslMode and the plain-text choice.
 */
import { DEMO_DATABASES, type DemoDatabase } from '../../examples/demo/databases.ts';
import { seedDemoDatabase } from '../../examples/demo/seed.ts';
import { startEmbeddedPostgres } from '../postgres/embedded.ts';
import { databaseIdFor } from './request.ts';

export interface DemoSource {
  readonly databaseId: string;
  /** `postgres://` URL of the database. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly databaseName: string;
  readonly description: string;
  /** Tables to verify as `schema.table`; every user table when absent. */
  readonly tables?: readonly string[];
  /** Set when the demo created the database: it then gets the write load. */
  readonly demo?: DemoDatabase;
  /** True when the URL says `sslmode=disable`: the database is requested in plain text, explicitly. */
  readonly plainText?: boolean;
}

export interface PreparedSources {
  readonly sources: readonly DemoSource[];
  /** The embedded server's CA certificate (PEM), which verify-full checks its certificate against. */
  readonly caCertificatePem?: string;
  /** Stops what the demo started (the embedded server); existing sources are left alone. */
  stop(): Promise<void>;
}

/** The connection details of a `postgres://` URL, as the source secret holds them. */
export const connectionOf = (
  url: string,
): Pick<DemoSource, 'host' | 'port' | 'user' | 'password' | 'databaseName'> => {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    databaseName: decodeURIComponent(parsed.pathname.slice(1)),
  };
};

/** True when the URL asks for a plain-text session (see the file comment). */
const asksForPlainText = (url: string): boolean => new URL(url).searchParams.get('sslmode') === 'disable';

/** The demo's warning for a plain-text source; the URL itself is not repeated, it may hold a password. */
export const plainTextWarning = (source: DemoSource): string =>
  `warning: --source ${source.host}:${source.port}/${source.databaseName} says sslmode=disable: requested with sslMode 'none' and acknowledgePlainText, so its credentials and data cross the network unencrypted`;

export const externalSources = (urls: readonly string[]): DemoSource[] => {
  const taken = new Set<string>();
  return urls.map((url) => {
    const connection = connectionOf(url);
    const databaseId = databaseIdFor(connection.databaseName, taken);
    taken.add(databaseId);
    return {
      databaseId,
      url,
      ...connection,
      description: `${connection.databaseName} on ${connection.host}:${connection.port} (existing database)`,
      ...(asksForPlainText(url) ? { plainText: true } : {}),
    };
  });
};

export const prepareSources = async (options: {
  readonly sources: readonly string[];
  readonly databases: readonly string[];
  readonly rows: number;
  readonly log: (text: string) => void;
}): Promise<PreparedSources> => {
  if (options.sources.length > 0) return { sources: externalSources(options.sources), stop: async () => {} };
  options.log('starting an embedded PostgreSQL with wal_level=logical');
  const server = await startEmbeddedPostgres();
  try {
    const sources: DemoSource[] = [];
    for (const id of options.databases) {
      const demo = DEMO_DATABASES.find((database) => database.id === id);
      if (demo === undefined) throw new RangeError(`databases: unknown demo database ${id}`);
      options.log(`creating ${demo.describe(options.rows)}`);
      const url = await seedDemoDatabase(demo, { serverUrl: server.url, rows: options.rows, replace: true });
      sources.push({
        databaseId: demo.id,
        url,
        ...connectionOf(url),
        description: demo.describe(options.rows),
        tables: demo.tables,
        demo,
      });
    }
    return {
      sources,
      ...(server.caCertificatePem === undefined ? {} : { caCertificatePem: server.caCertificatePem }),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
};
