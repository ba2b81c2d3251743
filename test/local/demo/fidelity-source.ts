/** A source database with DMS's lossy cases: unbounded numerics with more than 6 decimals, microsecond times. */
import pg from 'pg';
import type { RunningPostgres } from '#local/postgres/embedded';

export const FIDELITY_DATABASE = 'Ledger_2026';

export const createFidelitySource = async (server: RunningPostgres): Promise<string> => {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${FIDELITY_DATABASE}"`);
  await admin.end();
  const url = server.urlFor(FIDELITY_DATABASE);
  const ledger = new pg.Client({ connectionString: url });
  await ledger.connect();
  // Every third row has a ratio that NUMERIC(28,6) keeps (3 decimals) and a timestamp on a whole millisecond.
  await ledger.query(`CREATE TABLE entries (id int PRIMARY KEY, ratio numeric, booked timestamptz, at_time time);
    INSERT INTO entries SELECT i,
      CASE WHEN i % 3 = 0 THEN i / 8.0 ELSE i::numeric / 7 END,
      timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' + CASE WHEN i % 3 = 0 THEN interval '0' ELSE (i % 1000 + 1) * interval '1 microsecond' END,
      time '08:00:00' + i * interval '1 second 250 microseconds'
    FROM generate_series(1, 300) AS i;`);
  await ledger.end();
  return url;
};
