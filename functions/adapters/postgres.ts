/**
 * The control plane's reads and writes on a source database: its logical replication slots (which the task uses,
 * how much WAL each keeps) and dropping the task's slot at teardown. A stopped or failed task keeps its slot, and
 * an abandoned slot keeps WAL on the source until its disk fills (docs/source-safety.md). Every failure names its
 * real cause: TLS, login or privilege, an unreachable server, a slot in use.
 */
import type pg from 'pg';
import {
  ResourceBusyError,
  SourceAccessDeniedError,
  SourceTlsError,
  SourceUnreachableError,
} from '#contracts/errors';
import { errorCodeOf, type PostgresSslMode, tlsFailureReason } from './postgres-tls.ts';
import type { PostgresCredentials } from './secrets.ts';
import { sourceClient } from './source-client.ts';

/** How to reach one source database. */
export interface SourceAccess {
  readonly credentials: PostgresCredentials;
  /** Database the slots belong to (a logical slot is per database); defaults to the secret's `dbname`. */
  readonly database?: string;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

export interface DropSlotRequest extends SourceAccess {
  readonly slotName: string;
}

export interface DropSlotResult {
  /** False when there was no slot by that name: nothing to do. */
  readonly dropped: boolean;
}

/** A logical replication slot of the source database, as `pg_replication_slots` shows it. */
export interface LogicalSlot {
  readonly name: string;
  readonly plugin: string;
  readonly active: boolean;
  /** `pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`: WAL the server keeps for this slot; null if unknown. */
  readonly retainedWalBytes: number | null;
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

/**
 * pg's own connection timeout fails `connect()` with a plain error and no code. A server behind a security group
 * that drops the packets looks exactly like that, so it is named as unreachable too.
 */
const isConnectTimeout = (error: unknown, code: string | undefined): boolean =>
  code === undefined && error instanceof Error && /timeout/i.test(error.message);

const describeFailure = (
  error: unknown,
  what: string,
  sslMode: PostgresSslMode,
  connecting: boolean,
): unknown => {
  // A source that refuses the TLS the endpoint asks for will not change its mind on a retry.
  const tls = tlsFailureReason(error, sslMode);
  if (tls !== undefined) return new SourceTlsError(`cannot ${what}: ${tls}`, { cause: error });
  const code = errorCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === OBJECT_IN_USE) {
    return new ResourceBusyError(`cannot ${what}: the slot is still in use: ${reason}`, { cause: error });
  }
  if (code === INSUFFICIENT_PRIVILEGE || (code !== undefined && AUTHENTICATION_FAILED.has(code))) {
    return new SourceAccessDeniedError(
      `cannot ${what}: the source refused the login or privilege: ${reason}`,
      {
        cause: error,
      },
    );
  }
  if ((code !== undefined && UNREACHABLE.has(code)) || (connecting && isConnectTimeout(error, code))) {
    return new SourceUnreachableError(`cannot ${what}: the source database is unreachable: ${reason}`, {
      cause: error,
    });
  }
  return error;
};

const whereOf = (access: SourceAccess): string =>
  `${access.credentials.host}:${access.credentials.port}/${access.database ?? access.credentials.dbname ?? '(default database)'}`;

/** Runs `work` on a connection to the source database; failures come out named by their cause. */
export const onSource = async <T>(
  access: SourceAccess,
  what: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = sourceClient({ ...access, database: access.database ?? access.credentials.dbname });
  let connecting = true;
  try {
    await client.connect();
    connecting = false;
    return await work(client);
  } catch (error) {
    throw describeFailure(error, `${what} on ${whereOf(access)}`, access.sslMode, connecting);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const SLOTS_SQL = `
  SELECT slot_name, plugin, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text AS retained
  FROM pg_replication_slots
  WHERE slot_type = 'logical' AND database = current_database()`;

const toSlot = (row: {
  slot_name: string;
  plugin: string | null;
  active: boolean;
  retained: string | null;
}): LogicalSlot => ({
  name: row.slot_name,
  plugin: row.plugin ?? '',
  active: row.active,
  retainedWalBytes: row.retained === null ? null : Number(row.retained),
});

/** The logical slots of the source database, in name order. */
export const listLogicalSlots = (access: SourceAccess): Promise<LogicalSlot[]> =>
  onSource(access, 'list replication slots', async (client) => {
    const result = await client.query(`${SLOTS_SQL} ORDER BY slot_name`);
    return result.rows.map(toSlot);
  });

/** One slot of the source database, or undefined when there is none by that name. */
export const readReplicationSlot = (
  access: SourceAccess,
  slotName: string,
): Promise<LogicalSlot | undefined> =>
  onSource(access, `read replication slot "${slotName}"`, async (client) => {
    const result = await client.query(`${SLOTS_SQL} AND slot_name = $1`, [slotName]);
    const row = result.rows[0];
    return row === undefined ? undefined : toSlot(row);
  });

/** Drops the slot if it exists and no one reads it. Idempotent: a slot that is not there is success. */
export const dropReplicationSlot = (request: DropSlotRequest): Promise<DropSlotResult> =>
  onSource(request, `drop replication slot "${request.slotName}"`, async (client) => {
    const { slotName } = request;
    const found = await client.query<{ active: boolean; active_pid: number | null }>(
      'SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = $1',
      [slotName],
    );
    const slot = found.rows[0];
    if (!slot) return { dropped: false };
    if (slot.active) {
      throw new ResourceBusyError(
        `replication slot "${slotName}" on ${whereOf(request)} is still in use by process ${slot.active_pid ?? 'unknown'}: stop the task first`,
      );
    }
    try {
      await client.query('SELECT pg_drop_replication_slot($1)', [slotName]);
      return { dropped: true };
    } catch (error) {
      // Dropped by someone else between our look and our drop: the outcome we wanted.
      if (errorCodeOf(error) === UNDEFINED_OBJECT) return { dropped: false };
      throw error;
    }
  });
