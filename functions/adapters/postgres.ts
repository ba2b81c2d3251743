/**
 * Drops a source database's logical replication slot at teardown. DMS never drops it, and a forgotten slot keeps
 * WAL on the source until its disk fills (dms-facts §6.2). Idempotent: a slot that is not there is success.
 */
import pg from 'pg';
import { AccessDeniedError, ResourceBusyError } from '#contracts/errors';
import type { PostgresCredentials } from './secrets.ts';

/** The endpoint's `SslMode` (dms-facts §6.1), or `none` for a source without TLS. */
export type PostgresSslMode = 'none' | 'require' | 'verify-ca' | 'verify-full';

export interface DropSlotRequest {
  readonly credentials: PostgresCredentials;
  /** Database the slot belongs to (a logical slot is per database); defaults to the secret's `dbname`. */
  readonly database?: string;
  readonly slotName: string;
  readonly sslMode: PostgresSslMode;
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

const sslOption = (mode: PostgresSslMode): pg.ClientConfig['ssl'] => {
  switch (mode) {
    case 'none':
      return false;
    case 'require':
      // libpq `require`: encrypted, certificate not checked.
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // Chain checked against the trusted CAs; host name not compared, as libpq's verify-ca.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
};

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const describeFailure = (error: unknown, where: string): unknown => {
  const code = codeOf(error);
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

export const dropReplicationSlot = async (request: DropSlotRequest): Promise<DropSlotResult> => {
  const { credentials, slotName } = request;
  const database = request.database ?? credentials.dbname;
  const where = `"${slotName}" on ${credentials.host}:${credentials.port}/${database ?? '(default database)'}`;
  const client = new pg.Client({
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database,
    ssl: sslOption(request.sslMode),
    connectionTimeoutMillis: request.connectTimeoutMs ?? 10_000,
  });
  // A connection dropped by the server after a failure must not become an unhandled 'error' event.
  client.on('error', () => undefined);
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
    if (codeOf(error) === UNDEFINED_OBJECT) return { dropped: false };
    throw describeFailure(error, where);
  } finally {
    await client.end().catch(() => undefined);
  }
};
