import { describe, expect, it } from 'vitest';
import { inspectSourceColumns } from '#adapters/source-columns';
import { ERROR_NAMES } from '#contracts/errors';
import { credentialsOf, usePostgres } from '#test/postgres';

const postgres = usePostgres();

describe('inspectSourceColumns', () => {
  it('reads the selected tables’ columns with their base types and measures LOB and unbounded numeric values', async () => {
    // Prepare
    const db = await postgres.createDatabase('inspect');
    const client = await db.connect();
    await client.query(`CREATE DOMAIN amount AS numeric(12, 2);
      CREATE TABLE ledger (id int PRIMARY KEY, ratio numeric, price amount, code varchar(8), note text, tags int[]);
      INSERT INTO ledger VALUES (1, 1::numeric / 7, 1.5, 'a', repeat('x', 300), '{1,2}'), (2, NULL, NULL, NULL, NULL, NULL);
      CREATE TABLE skipped (id int);`);

    // Act
    const columns = await inspectSourceColumns({
      credentials: credentialsOf(db),
      database: db.name,
      sslMode: 'none',
      include: ['public.%'],
      exclude: ['public.skipped'],
    });

    // Assess
    expect(
      columns.map((column) => [column.column, column.typeName, column.declaredLength, column.maxBytes]),
    ).toEqual([
      ['id', 'int4', null, null],
      ['ratio', 'numeric', null, 22],
      ['price', 'numeric', 12, null],
      ['code', 'varchar', 8, null],
      ['note', 'text', null, 300],
      ['tags', '_int4', null, 5],
    ]);
    expect(columns.find((column) => column.column === 'tags')?.typeCategory).toBe('A');
  });

  it('fails with ConnectionTestFailed naming the source when it cannot connect', async () => {
    // Prepare
    const db = await postgres.createDatabase('inspect');

    // Act
    const attempt = inspectSourceColumns({
      credentials: { ...credentialsOf(db), password: 'wrong' },
      database: db.name,
      sslMode: 'none',
      include: ['%.%'],
      exclude: [],
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.connectionTestFailed,
      message: expect.stringContaining(
        `cannot inspect the source ${db.host}:${db.port}/${db.name} before planning`,
      ),
    });
  });
});
