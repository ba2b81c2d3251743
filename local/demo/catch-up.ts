/**
 * Waits until a source's logical replication slots hold no pending change: the data plane advances a slot only
 * after the changes before it are written to the lake, so a drained slot means the lake has caught up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { withClient } from '../../examples/demo/seed.ts';

const PEEK_ONE = `pg_logical_slot_peek_changes($1, NULL, 1, 'skip-empty-xacts', '1')`;

/** Why the slots are not drained (slot, confirmed position, first pending change), for the demo's log. */
export const pendingChanges = (url: string): Promise<string> =>
  withClient(url, async (client) => {
    const slots = await client.query<{ slot_name: string; confirmed_flush_lsn: string; active: boolean }>(
      `SELECT slot_name, confirmed_flush_lsn, active FROM pg_replication_slots WHERE database = current_database()`,
    );
    const lines: string[] = [];
    for (const slot of slots.rows) {
      const first = await client
        .query<{ lsn: string; data: string }>(`SELECT lsn, data FROM ${PEEK_ONE} LIMIT 2`, [slot.slot_name])
        .then((result) => result.rows.map((row) => `${row.lsn} ${row.data.slice(0, 120)}`).join(' | '))
        .catch((error: unknown) => `(${(error as Error).message})`);
      lines.push(
        `${slot.slot_name} confirmed ${slot.confirmed_flush_lsn}${slot.active ? ' active' : ''}: ${first || 'none'}`,
      );
    }
    return lines.join('; ') || 'no slot';
  });

/** True when every slot of the database is drained; false when some slot has changes or is busy being read. */
export const slotsDrained = async (client: pg.Client): Promise<boolean> => {
  const slots = await client.query<{ slot_name: string }>(
    `SELECT slot_name FROM pg_replication_slots WHERE database = current_database() AND plugin = 'test_decoding'`,
  );
  for (const slot of slots.rows) {
    try {
      const result = await client.query<{ pending: string }>(`SELECT count(*) AS pending FROM ${PEEK_ONE}`, [
        slot.slot_name,
      ]);
      if (Number(result.rows[0]?.pending ?? 0) > 0) return false;
    } catch {
      // The data plane is reading the slot right now (it is active for its process): not known to be drained.
      return false;
    }
  }
  return true;
};

/** Polls until the slots are drained or `deadline` (wall-clock epoch ms) passes; returns whether they drained. */
export const waitForSlotsDrained = (url: string, deadline: number, pollMs = 200): Promise<boolean> =>
  withClient(url, async (client) => {
    for (;;) {
      if (await slotsDrained(client)) return true;
      if (Date.now() > deadline) return false;
      await sleep(pollMs);
    }
  });
