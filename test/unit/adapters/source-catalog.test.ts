import { describe, expect, it } from 'vitest';
import { readSourceTables } from '#adapters/source-catalog';
import { credentialsOf, usePostgres } from '#test/postgres';

const postgres = usePostgres();

describe('readSourceTables', () => {
  it('reads the captured tables with their columns and primary key, leaving out DMS artifacts', async () => {
    // Prepare
    const db = await postgres.createDatabase('catalog');
    const client = await db.connect();
    await client.query(
      'CREATE TABLE orders (id int, line int, note text, PRIMARY KEY (id, line)); CREATE TABLE awsdms_ddl_audit (c_key bigint)',
    );

    // Act
    const tables = await readSourceTables({
      credentials: credentialsOf(db),
      database: db.name,
      sslMode: 'none',
    });

    // Assess
    expect(tables.map((table) => `${table.schema}.${table.table}`)).toEqual(['public.orders']);
    expect(tables[0]?.columns.map((column) => column.name)).toEqual(['id', 'line', 'note']);
    expect(tables[0]?.primaryKey).toEqual(['id', 'line']);
  });

  it('reports an unreachable source as SourceUnreachable, naming the source', async () => {
    // Prepare
    const db = await postgres.createDatabase('catalog');

    // Act
    const attempt = readSourceTables({
      credentials: { ...credentialsOf(db), host: '127.0.0.1', port: 1 },
      database: db.name,
      sslMode: 'none',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'SourceUnreachable',
      message: expect.stringContaining(`read the source tables on 127.0.0.1:1/${db.name}`),
    });
  });
});
