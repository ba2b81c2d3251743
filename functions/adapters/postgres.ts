/**
 * Drops a source database's logical replication slot at teardown. DMS never drops it, and a forgotten slot keeps
 * WAL on the source until its disk fills (docs/dms-behaviour.md §6.2). Idempotent: a slot that is not there
 * is success.
 */
import pg from 'pg';
import { AccessDeniedError, ResourceBusyError } from '#contracts/errors';
import { errorCodeOf, type PostgresSslMode, tlsFailureReason, tlsOptionsFor } from './postgres-tls.ts';
import type { PostgresCredentials } from './secrets.ts';

export interface DropSlotRequest {
  readonly credentials: PostgresCredentials;
  /** Database the slot belongs to (a logical slot is per database); defaults to the secret's `dbname`. */
  readonly database?: string;
  readonly slotName: string;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

export interface DropSlotResult {
  /** False when there was no slot by that name: nothing to do. */
  readonly dropped: boolean;
}

// PostgreSQL SQLSTATEs (errcodes appendix).
const OBJECT_IN_USE = '55006';
const UNDEFINED_OBJECT = '42704';
const INSUFFICIENT_PRIVILEGE = '42501';
const AUTHENTICATION_FAILED = new Set(['28000', '28P01']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const describeFailure = (error: unknown, where: string, sslMode: PostgresSslMode): unknown => {
  // A source that refuses the TLS the endpoint asks for will not change its mind on a retry, as a pg_hba refusal.
  const tls = tlsFailureReason(error, sslMode);
  if (tls !== undefined) {
    return new AccessDeniedError(`cannot drop replication slot ${where}: ${tls}`, { cause: error });
  }
  const code = errorCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === OBJECT_IN_USE) {
    return new ResourceBusyError(`replication slot ${where} is still in use: ${reason}`, { cause: error });
  }
  if (code === INSUFFICIENT_PRIVILEGE || (code !== undefined && AUTHENTICATION_FAILED.has(code))) {
    return new AccessDeniedError(`cannot drop replication slot ${where}: ${reason}`, { cause: error });
  }
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new ResourceBusyError(`source database for replication slot ${where} is unreachable: ${reason}`, {
      cause: error,
    });
  }
  return error;
};

export interface SourceConnection {
  readonly credentials: PostgresCredentials;
  /** Defaults to the secret's `dbname`. */
  readonly database?: string;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

/** A client for a source database, with the endpoint's TLS mode; not yet connected. */
export const sourceClient = (connection: SourceConnection): pg.Client => {
  const { credentials } = connection;
  const client = new pg.Client({
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database: connection.database ?? credentials.dbname,
    ssl: tlsOptionsFor(connection.sslMode, connection.trustedCa),
    connectionTimeoutMillis: connection.connectTimeoutMs ?? 10_000,
  });
  // A connection dropped by the server after a failure must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  return client;
};

export const dropReplicationSlot = async (request: DropSlotRequest): Promise<DropSlotResult> => {
  const { credentials, slotName } = request;
  const database = request.database ?? credentials.dbname;
  const where = `"${slotName}" on ${credentials.host}:${credentials.port}/${database ?? '(default database)'}`;
  const client = sourceClient(request);
  try {
    await client.connect();
    const found = await client.query<{ active: boolean; active_pid: number | null }>(
      'SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1',
      [slotName],
    );
    const slot = found.rows[0];
    if (!slot) return { dropped: false };
    if (slot.active) {
      throw new ResourceBusyError(
        `replication slot ${where} is still in use by process ${slot.active_pid ?? 'unknown'}: stop the task first`,
      );
    }
    await client.query('SELECT pg_drop_replication_slot($1)', [slotName]);
    return { dropped: true };
  } catch (error) {
    // Dropped by someone else between our look and our drop: the outcome we wanted.
    if (errorCodeOf(error) === UNDEFINED_OBJECT) return { dropped: false };
    throw describeFailure(error, where, request.sslMode);
  } finally {
    await client.end().catch(() => undefined);
  }
};
