/**
 * The check that a source is left clean: `SELECT count(*) FROM pg_replication_slots` is 0 on the server (slots are
 * server-wide, so one look covers every database on it). Failures name the slots left, and where.
 *
 *   await expectNoReplicationSlots(server.url);
 */
import pg from 'pg';
import { expect } from 'vitest';

/** The slots on the server at `url`, with their database, plugin and whether a process reads them. */
export const replicationSlotsOn = async (
  url: string,
): Promise<{ readonly count: number; readonly slots: readonly string[] }> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ slot_name: string; database: string | null; active: boolean }>(
      'SELECT slot_name, database, active FROM pg_replication_slots ORDER BY slot_name',
    );
    const counted = await client.query<{ count: string }>('SELECT count(*) FROM pg_replication_slots');
    return {
      count: Number(counted.rows[0]?.count ?? 0),
      slots: rows.map(
        (row) => `${row.slot_name} (${row.database ?? 'physical'}${row.active ? ', active' : ''})`,
      ),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Asserts the server at each url holds no replication slot. */
export const expectNoReplicationSlots = async (...urls: readonly string[]): Promise<void> => {
  for (const url of urls) {
    const { count, slots } = await replicationSlotsOn(url);
    expect(slots, `replication slots left on ${new URL(url).host}`).toEqual([]);
    expect(count).toBe(0);
  }
};

/** Drops the slots no process reads, e.g. those of tasks whose names a later harness numbers again. */
export const dropInactiveReplicationSlots = async (url: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
};
