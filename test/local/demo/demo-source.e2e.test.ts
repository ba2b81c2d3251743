import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDemoOptions } from '#local/demo/options';
import { runDemo } from '#local/demo/run';
import { startEmbeddedPostgres } from '#local/postgres/embedded';

// A file of its own: the handlers' AWS clients are created once per process, for the first local endpoint.
const folder = mkdtempSync(join(tmpdir(), 'lakeshift-demo-source-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run demo -- --source', () => {
  it('migrates an existing PostgreSQL database given with --source, and verifies it', async () => {
    // Prepare: a server the demo did not start.
    const server = await startEmbeddedPostgres();
    try {
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query('CREATE DATABASE "Shop_2024"');
      await admin.end();
      const shop = new pg.Client({ connectionString: server.urlFor('Shop_2024') });
      await shop.connect();
      await shop.query(`CREATE TABLE products (id int PRIMARY KEY, name text, price numeric(8, 2), added timestamptz);
        INSERT INTO products SELECT i, 'product ' || i, i * 1.25, timestamptz '2025-01-01' + i * interval '1 hour'
        FROM generate_series(1, 500) AS i;
        CREATE TABLE notes (body text); INSERT INTO notes VALUES ('first'), ('second'), (NULL);`);
      await shop.end();
      const options = parseDemoOptions([
        '--source',
        server.urlFor('Shop_2024'),
        '--lake',
        join(folder, 'lake'),
      ]);
      // Act
      const result = await runDemo(options, { out: { write: () => true }, isTty: false });
      // Assess
      expect(result.failure).toBeUndefined();
      expect(result.exitCode).toBe(0);
      expect(
        result.verification.map((table) => [table.database, table.table, table.status, table.lake?.rowCount]),
      ).toEqual([
        ['shop-2024', 'notes', 'equal', 3],
        ['shop-2024', 'products', 'equal', 500],
      ]);
      // The teardown dropped the slot DMS created on the source.
      const after = new pg.Client({ connectionString: server.urlFor('Shop_2024') });
      await after.connect();
      const slots = await after.query('SELECT slot_name FROM pg_replication_slots');
      await after.end();
      expect(slots.rows).toEqual([]);
      expect(result.slotsLeft).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
