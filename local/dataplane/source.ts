/**
 * Connections to the source PostgreSQL, configured from the source endpoint as DMS reads it: the secret named by
 * `SecretsManagerSecretId` (RDS secret JSON) or the endpoint's own server/port/user/password, and `SslMode`.
 *
 * SslMode reading (documented choice, as libpq): `none` connects in plain text; `require` encrypts without checking
 * the certificate; `verify-ca` checks it against the trusted CA certificates, `verify-full` also the host name. The
 * trusted CAs are the workload's `trustedCa` (standing for the certificate DMS takes from the endpoint's
 * `CertificateArn`, which the emulator does not keep), else the system's. There is no plain-text fallback: a
 * server without TLS fails `require` with a message naming the SslMode, as DMS fails it.
 */
import pg from 'pg';
import {
  POSTGRES_SSL_MODES,
  type PostgresSslMode,
  tlsFailureReason,
  tlsOptionsFor,
} from '#adapters/postgres-tls';
import { parsePostgresSecret } from '#adapters/secrets';
import type { EndpointDescription } from '../dms/workload.ts';
import { InvalidSettingError, SourceTlsError } from './errors.ts';

/** Reads a secret as DMS does: as the role the endpoint names for Secrets Manager (when it names one). */
export type SecretResolver = (secretId: string, accessRoleArn?: string) => Promise<string>;

export interface SourceConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
}

/**
 * Session settings that make every value's text form stable and exact (UTC, ISO dates, shortest-exact floats, money
 * as `$1,234.56` whatever the server's locale).
 */
const SESSION_SETUP =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; " +
  "SET extra_float_digits = 3; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; SET lc_monetary = 'C'";

export const resolveSourceConnection = async (
  endpoint: EndpointDescription,
  resolveSecret: SecretResolver,
  trustedCa?: string,
): Promise<SourceConnection> => {
  const sslMode = POSTGRES_SSL_MODES.find((mode) => mode === endpoint.sslMode.toLowerCase());
  if (!sslMode) throw new InvalidSettingError(`SslMode: must be one of ${POSTGRES_SSL_MODES.join(', ')}`);
  // The endpoint's certificate (CertificateArn) first, as DMS verifies against it; else the workload's fallback.
  const ca = endpoint.trustedCa ?? trustedCa;
  const tls = { sslMode, ...(ca === undefined ? {} : { trustedCa: ca }) };
  const settings = endpoint.postgreSqlSettings ?? {};
  const secretId = settings['SecretsManagerSecretId'];
  const settingsDatabase =
    typeof settings['DatabaseName'] === 'string' ? settings['DatabaseName'] : undefined;
  if (typeof secretId === 'string' && secretId.length > 0) {
    const role = settings['SecretsManagerAccessRoleArn'];
    const secret = parsePostgresSecret(
      secretId,
      await resolveSecret(secretId, typeof role === 'string' ? role : undefined),
    );
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
      ...tls,
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
    ...tls,
  };
};

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
  const client = new pg.Client({
    host: source.host,
    port: source.port,
    user: source.user,
    password: source.password,
    database: source.database,
    ssl: tlsOptionsFor(source.sslMode, source.trustedCa),
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
    const tls = tlsFailureReason(error, source.sslMode);
    throw tls === undefined ? error : new SourceTlsError(tls, { cause: error });
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
