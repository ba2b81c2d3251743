/**
 * The task's logical replication slot (test_decoding, as DMS uses). Changes are read with
 * `pg_logical_slot_peek_changes`, which never consumes, and acknowledged with `pg_replication_slot_advance` only
 * after the files holding them are durable: at-least-once, never at-most-once.
 */
import type pg from 'pg';
import { TaskFailure } from './errors.ts';
import { connectSource, type SourceConnection } from './source.ts';

export const OUTPUT_PLUGIN = 'test_decoding';

/** A WAL position `X/Y` as a number that orders correctly. */
export const parseLsn = (lsn: string): bigint => {
  const [high, low] = lsn.split('/');
  if (high === undefined || low === undefined) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
};

export interface SlotState {
  readonly plugin: string;
  readonly database: string;
  readonly active: boolean;
  readonly confirmedFlushLsn?: string;
}

export const readSlot = async (client: pg.Client, name: string): Promise<SlotState | undefined> => {
  const result = await client.query<{
    plugin: string;
    database: string;
    active: boolean;
    confirmed_flush_lsn: string | null;
  }>(
    'SELECT plugin, database, active, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = $1',
    [name],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    plugin: row.plugin,
    database: row.database,
    active: row.active,
    ...(row.confirmed_flush_lsn ? { confirmedFlushLsn: row.confirmed_flush_lsn } : {}),
  };
};

/** A freshly created slot and the snapshot of the moment it was created, for a consistent full load. */
export interface SlotWithSnapshot {
  readonly consistentPoint: string;
  readonly snapshotName: string;
  /** Ends the snapshot (closes the replication connection); the slot stays. */
  release(): Promise<void>;
}

/**
 * Creates the slot over a replication connection with an exported snapshot. Tables read in that snapshot hold
 * exactly the rows committed before the slot's first change, so the full load and the cached changes neither
 * overlap nor leave a gap. The snapshot lives until `release()`.
 */
export const createSlotWithSnapshot = async (
  source: SourceConnection,
  name: string,
): Promise<SlotWithSnapshot> => {
  const client = await connectSource(source, { replication: true });
  try {
    const result = await client.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT "${name}" LOGICAL ${OUTPUT_PLUGIN} EXPORT_SNAPSHOT`,
    );
    const row = result.rows[0];
    if (!row) throw new Error('CREATE_REPLICATION_SLOT returned no row');
    return {
      consistentPoint: row.consistent_point,
      snapshotName: row.snapshot_name,
      release: () => client.end().catch(() => undefined),
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
};

/** Creates the slot without a snapshot (CDC-only tasks). */
export const createSlot = async (client: pg.Client, name: string): Promise<string> => {
  const result = await client.query<{ lsn: string }>(
    'SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, $2)',
    [name, OUTPUT_PLUGIN],
  );
  return result.rows[0]?.lsn ?? '0/0';
};

/**
 * Drops a slot a previous run left, as DMS does when a task is started fresh (docs/dms-behaviour.md §6.2).
 */
export const dropSlotForRestart = async (
  client: pg.Client,
  name: string,
  database: string,
): Promise<void> => {
  const state = await readSlot(client, name);
  if (!state) return;
  if (state.database !== database) {
    // Slot names are server-wide: this one is another database's, and dropping it would break that replication.
    throw new TaskFailure(
      `Replication slot "${name}" already exists for database "${state.database}"; choose another SlotName`,
      'FATAL_ERROR',
    );
  }
  if (state.active) {
    throw new TaskFailure(
      `Replication slot "${name}" is active in another session; cannot restart the task from the beginning`,
      'RECOVERABLE_ERROR',
    );
  }
  await client.query('SELECT pg_drop_replication_slot($1)', [name]);
};

export interface DecodedRow {
  readonly lsn: string;
  readonly xid: string;
  readonly data: string;
}

/** Reads (without consuming) up to about `maxChanges` changes in whole transactions, optionally up to `uptoLsn`. */
export const peekChanges = async (
  client: pg.Client,
  name: string,
  options: { readonly maxChanges: number; readonly uptoLsn?: string },
): Promise<DecodedRow[]> => {
  const result = await client.query<DecodedRow>(
    `SELECT lsn::text AS lsn, xid::text AS xid, data FROM pg_logical_slot_peek_changes($1, $2::pg_lsn, $3,
       'include-timestamp', '1', 'include-xids', '1', 'skip-empty-xacts', '1')`,
    [name, options.uptoLsn ?? null, options.maxChanges],
  );
  return result.rows;
};

/** Acknowledges everything up to `lsn`; the server may then recycle the WAL before it. */
export const advanceSlot = async (client: pg.Client, name: string, lsn: string): Promise<void> => {
  await client.query('SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [name, lsn]);
};

export const currentWalLsn = async (client: pg.Client): Promise<string> => {
  const result = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  return result.rows[0]?.lsn ?? '0/0';
};
