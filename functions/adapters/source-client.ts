/** A client for a source database, connected as DMS would reach it: the secret's credentials and the endpoint's TLS mode. */
import pg from 'pg';
import { type PostgresSslMode, tlsOptionsFor } from './postgres-tls.ts';
import type { PostgresCredentials } from './secrets.ts';

export interface SourceConnection {
  readonly credentials: PostgresCredentials;
  readonly database: string | undefined;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

/** A client not yet connected; a connection the server drops never becomes an unhandled 'error' event. */
export const sourceClient = (connection: SourceConnection): pg.Client => {
  const { credentials } = connection;
  const client = new pg.Client({
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database: connection.database,
    ssl: tlsOptionsFor(connection.sslMode, connection.trustedCa),
    connectionTimeoutMillis: connection.connectTimeoutMs ?? 10_000,
  });
  client.on('error', () => undefined);
  return client;
};
