/**
 * Connections to the source PostgreSQL, configured from the source endpoint as DMS reads it: the secret named by
 * `SecretsManagerSecretId` (RDS secret JSON) or the endpoint's own server/port/user/password, and `SslMode`.
 *
 * SslMode reading (documented choice): `none` connects in plain text. `require` encrypts without checking the
 * certificate; `verify-ca`/`verify-full` check it against the system's trusted CAs (the endpoint's CertificateArn
 * does not exist locally). When the server offers no TLS at all (the embedded PostgreSQL has no certificate),
 * `sslFallback: 'prefer'` (the default) connects in plain text like libpq's `prefer`, so that secure-by-default
 * plans run locally; `sslFallback: 'strict'` fails as DMS would.
 */
import pg from 'pg';
import { parsePostgresSecret } from '#adapters/secrets';
import type { EndpointDescription } from '../dms/workload.ts';
import { InvalidSettingError, messageOf } from './errors.ts';

export type SslFallback = 'prefer' | 'strict';
export type SecretResolver = (secretId: string) => Promise<string>;

export interface SourceConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sslMode: 'none' | 'require' | 'verify-ca' | 'verify-full';
  readonly sslFallback: SslFallback;
}

const SSL_MODES = ['none', 'require', 'verify-ca', 'verify-full'] as const;

/** Session settings that make every value's text form stable and exact (UTC, ISO dates, shortest-exact floats). */
const SESSION_SETUP =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; " +
  "SET extra_float_digits = 3; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'";

export const resolveSourceConnection = async (
  endpoint: EndpointDescription,
  resolveSecret: SecretResolver,
  sslFallback: SslFallback = 'prefer',
): Promise<SourceConnection> => {
  const sslMode = SSL_MODES.find((mode) => mode === endpoint.sslMode.toLowerCase());
  if (!sslMode) throw new InvalidSettingError(`SslMode: must be one of ${SSL_MODES.join(', ')}`);
  const settings = endpoint.postgreSqlSettings ?? {};
  const secretId = settings['SecretsManagerSecretId'];
  const settingsDatabase =
    typeof settings['DatabaseName'] === 'string' ? settings['DatabaseName'] : undefined;
  if (typeof secretId === 'string' && secretId.length > 0) {
    const secret = parsePostgresSecret(secretId, await resolveSecret(secretId));
    const database = endpoint.databaseName ?? settingsDatabase ?? secret.dbname;
    if (!database)
      throw new InvalidSettingError(
        'DatabaseName: is required (neither the endpoint nor the secret names one)',
      );
    return {
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database,
      sslMode,
      sslFallback,
    };
  }
  const missing = (['serverName', 'port', 'username', 'password'] as const).filter((key) => !endpoint[key]);
  const database = endpoint.databaseName ?? settingsDatabase;
  if (missing.length > 0 || !database) {
    throw new InvalidSettingError(
      `source endpoint ${endpoint.endpointIdentifier}: set PostgreSQLSettings.SecretsManagerSecretId, or ServerName, Port, Username, Password and DatabaseName (missing: ${[...missing, ...(database ? [] : ['databaseName'])].join(', ')})`,
    );
  }
  return {
    host: endpoint.serverName ?? '',
    port: endpoint.port ?? 5432,
    user: endpoint.username ?? '',
    password: endpoint.password ?? '',
    database,
    sslMode,
    sslFallback,
  };
};

const sslOption = (mode: SourceConnection['sslMode']): pg.ClientConfig['ssl'] => {
  switch (mode) {
    case 'none':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
};

const NO_TLS_ON_SERVER = 'The server does not support SSL connections';

export interface ConnectOptions {
  /** A `replication=database` connection, for replication commands such as CREATE_REPLICATION_SLOT. */
  readonly replication?: boolean;
  readonly connectTimeoutMs?: number;
  /** Application name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

/** Opens a client with the endpoint's TLS mode and a stable session; the caller ends it. */
export const connectSource = async (
  source: SourceConnection,
  options: ConnectOptions = {},
): Promise<pg.Client> => {
  const open = async (ssl: pg.ClientConfig['ssl']): Promise<pg.Client> => {
    const client = new pg.Client({
      host: source.host,
      port: source.port,
      user: source.user,
      password: source.password,
      database: source.database,
      ssl,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'lakeshift-local-dms',
      ...(options.replication ? { replication: 'database' } : {}),
    } as pg.ClientConfig);
    // A server that goes away under an idle client emits 'error'; the next query reports it instead.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };
  let client: pg.Client;
  try {
    client = await open(sslOption(source.sslMode));
  } catch (error) {
    if (
      source.sslMode === 'none' ||
      source.sslFallback === 'strict' ||
      !messageOf(error).includes(NO_TLS_ON_SERVER)
    ) {
      throw error;
    }
    client = await open(false);
  }
  if (!options.replication) await client.query(SESSION_SETUP);
  return client;
};

/** Quotes an identifier for SQL. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Quotes a text literal for SQL. */
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export const qualifiedName = (schema: string, table: string): string =>
  `${quoteIdent(schema)}.${quoteIdent(table)}`;
