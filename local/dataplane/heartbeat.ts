/**
 * DMS's PostgreSQL heartbeat (`HeartbeatEnable`, `HeartbeatFrequency` in minutes, `HeartbeatSchema`): every
 * interval of the task clock a one-row table on the source is written, so the task's slot sees a transaction of its
 * own database even while the captured tables are idle, and its position (and the WAL it retains) moves on while
 * other databases of the same server write. The table name `awsdms_heartbeat` is this emulator's choice: the user
 * guide documents the settings, not the table (see README.md).
 */
import type pg from 'pg';
import type { Clock } from '../clock.ts';
import type { HeartbeatSettings } from './settings.ts';
import { qualifiedName } from './source.ts';

export const HEARTBEAT_TABLE = 'awsdms_heartbeat';

/** Writes the heartbeat row once; creates the table on first use. */
export const writeHeartbeat = async (
  client: pg.Client,
  settings: HeartbeatSettings,
  at: Date,
): Promise<void> => {
  const table = qualifiedName(settings.schema, HEARTBEAT_TABLE);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${table} (heartbeat_id int PRIMARY KEY, heartbeat_timestamp timestamptz NOT NULL)`,
  );
  await client.query(
    `INSERT INTO ${table} VALUES (1, $1)
     ON CONFLICT (heartbeat_id) DO UPDATE SET heartbeat_timestamp = EXCLUDED.heartbeat_timestamp`,
    [at.toISOString()],
  );
  // The slot's restart point moves only past a running-transactions record, which the server logs every 15 s of
  // real time; at emulated speed (minutes in seconds) that would lag many heartbeats behind. PostgreSQL 16 and
  // later log one on request; elsewhere (or without the privilege) the server's own interval stands.
  await client.query('SELECT pg_log_standby_snapshot()').catch(() => undefined);
};

/**
 * Writes a heartbeat every `frequencyMinutes` of the task clock until the signal aborts. A failed write is
 * reported and the next interval tries again: a heartbeat is an aid, never a reason to fail the task.
 */
export const runHeartbeat = async (options: {
  readonly client: pg.Client;
  readonly settings: HeartbeatSettings;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly failed?: (error: unknown) => void;
}): Promise<void> => {
  const { client, settings, clock, signal } = options;
  const intervalMs = settings.frequencyMinutes * 60_000;
  while (!signal.aborted) {
    try {
      await writeHeartbeat(client, settings, new Date(clock.now()));
    } catch (error) {
      if (signal.aborted) return;
      options.failed?.(error);
    }
    await clock.sleep(intervalMs, signal).catch(() => undefined);
  }
};
