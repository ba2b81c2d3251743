import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { planDatabaseCatalog } from '#domain/lake/catalog-plan';
import type { DatabaseCatalogView } from '#local/demo/lake-catalog';
import { catchUpAndVerify } from '#local/demo/verify-lake';
import { usePostgres } from '#test/postgres';

const postgres = usePostgres();
const lakeDir = mkdtempSync(join(tmpdir(), 'lakeshift-corrupted-'));
afterAll(() => rmSync(lakeDir, { recursive: true, force: true }));

const TARGET = { bucket: 'lake', folder: 'shop' };

/** The catalog the catalog step would write for the source's one table, as GetTables answers it. */
const catalogOf = async (databaseId: string): Promise<DatabaseCatalogView> => {
  const plan = planDatabaseCatalog(
    { migrationId: 'm1', databaseId, bucket: TARGET.bucket, bucketFolder: `${TARGET.folder}/${databaseId}` },
    [
      {
        schema: 'public',
        table: 'items',
        columns: [
          { name: 'id', typeName: 'int4', typeCategory: 'N', typeModifier: -1 },
          { name: 'price', typeName: 'numeric', typeCategory: 'N', typeModifier: ((8 << 16) | 2) + 4 },
          { name: 'name', typeName: 'text', typeCategory: 'S', typeModifier: -1 },
        ],
        primaryKey: ['id'],
      },
    ],
  );
  // GetTables answers plain JSON; the round trip drops the plan's readonly types.
  const tables: Table[] = JSON.parse(
    JSON.stringify(plan.tables.flatMap((table) => [table.changes, table.view])),
  );
  return { databaseName: plan.databaseName, tables };
};

/** A LOAD file as the data plane writes it (Op first, the change sequence column last), with the price of ids 3 and 8 corrupted. */
const writeCorruptedLoadFile = async (databaseId: string): Promise<void> => {
  const folder = join(lakeDir, TARGET.bucket, TARGET.folder, databaseId, 'public', 'items');
  mkdirSync(folder, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT 'I' AS "Op", i AS id,
               CAST(CASE WHEN i IN (3, 8) THEN i * 1.5 + 100 ELSE i * 1.5 END AS DECIMAL(8, 2)) AS price,
               'item ' || i AS name,
               lpad(CAST(i AS VARCHAR), 35, '0') AS dms_change_seq
             FROM range(1, 11) AS t(i))
       TO '${join(folder, 'LOAD00000001.parquet')}' (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

describe('catchUpAndVerify with a corrupted lake file', () => {
  it('reports the column, the count and an example, and fails at once when CDC has nothing left to write', async () => {
    // Prepare
    const db = await postgres.createDatabase('corrupted');
    const client = await db.connect();
    await client.query(`CREATE TABLE items (id int PRIMARY KEY, price numeric(8, 2), name text);
      INSERT INTO items SELECT i, i * 1.5, 'item ' || i FROM generate_series(1, 10) AS i`);
    await writeCorruptedLoadFile('shop-db');
    const logged: string[] = [];
    const url = new URL(db.url);

    // Act: a deadline far away; a retry loop would run until it.
    const { verification: results } = await catchUpAndVerify({
      sources: [
        {
          databaseId: 'shop-db',
          url: db.url,
          host: url.hostname,
          port: Number(url.port),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          databaseName: url.pathname.slice(1),
          description: 'a source whose lake file was corrupted',
        },
      ],
      lakeDir,
      catalogOf,
      deadline: Date.now() + 3_600_000,
      log: (text) => logged.push(text),
    });

    // Assess
    expect(results.map((result) => [result.table, result.status])).toEqual([['items', 'content-differs']]);
    expect(results[0]?.columns).toEqual([
      { column: 'price', values: 2, example: { key: '3', source: '4.5', lake: '104.5' } },
    ]);
    expect(results[0]?.detail).toContain('price: 2 values differ, e.g. key 3: source "4.5", lake "104.5"');
    expect(logged.filter((line) => line.startsWith('verification attempt'))).toEqual([]);
  }, 60_000);
});
