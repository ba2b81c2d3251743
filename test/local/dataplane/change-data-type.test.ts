import { describe, expect, it } from 'vitest';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { lakeRows } from './fixtures.ts';
import { newLake, parquetColumns, tableFiles } from './lake-queries.ts';
import { fakeTask, includeAll, secretFor } from './task-context.ts';

const pg = usePostgres();

const asString = (id: number, column: string): Record<string, unknown> => ({
  'rule-type': 'transformation',
  'rule-id': String(1000 + id),
  'rule-name': `lossless-${id}`,
  'rule-target': 'column',
  'object-locator': { 'schema-name': 'public', 'table-name': 'ledger', 'column-name': column },
  'rule-action': 'change-data-type',
  'data-type': { type: 'string', length: 100 },
});

const RULES = [includeAll(), asString(1, 'ratio'), asString(2, 'at_time')];

const ledger = async (): Promise<TestDatabase> => {
  const db = await pg.createDatabase();
  const client = await db.connect();
  await client.query(`CREATE TABLE ledger (id int PRIMARY KEY, ratio numeric, at_time time, untouched numeric);
    INSERT INTO ledger VALUES (1, 1::numeric / 7, '08:00:01.123456', 1::numeric / 7), (2, NULL, NULL, NULL)`);
  return db;
};

const load = async (db: TestDatabase, lakeDir: string, onSourceValue?: boolean) => {
  const workload = createPostgresToS3Workload({
    lakeDir,
    resolveSecret: secretFor(db),
    ...(onSourceValue === undefined ? {} : { undocumented: { changeDataTypeOnSourceValue: onSourceValue } }),
  });
  return workload.run(fakeTask({ db, migrationType: 'full-load', rules: RULES }).ctx);
};

describe('change-data-type rules in the local data plane', () => {
  it('writes the columns as strings of the value after DMS type mapping by default (the undocumented worse case)', async () => {
    // Prepare
    const db = await ledger();
    const lakeDir = await newLake();

    // Act
    await load(db, lakeDir);

    // Assess
    const [file] = (await tableFiles(lakeDir, 'ledger')).load;
    expect(Object.fromEntries(await parquetColumns(file ?? ''))).toMatchObject({
      ratio: 'VARCHAR',
      at_time: 'VARCHAR',
      untouched: 'DECIMAL(28,6)',
    });
    expect(await lakeRows(lakeDir, 'ledger', { key: ['id'] })).toEqual([
      ['1', '0.142857', '08:00:01.123', '0.142857'],
      ['2', null, null, null],
    ]);
  });

  it('writes the source value exactly when the rule acts on the source value', async () => {
    // Prepare
    const db = await ledger();
    const lakeDir = await newLake();

    // Act
    await load(db, lakeDir, true);

    // Assess
    expect(await lakeRows(lakeDir, 'ledger', { key: ['id'] })).toEqual([
      ['1', '0.14285714285714285714', '08:00:01.123456', '0.142857'],
      ['2', null, null, null],
    ]);
  });

  it('fails the task naming the rule when the target type is not string', async () => {
    // Prepare
    const db = await ledger();
    const lakeDir = await newLake();
    const rule = { ...asString(1, 'ratio'), 'data-type': { type: 'int8' } };
    const workload = createPostgresToS3Workload({ lakeDir, resolveSecret: secretFor(db) });

    // Act
    const outcome = await workload.run(
      fakeTask({ db, migrationType: 'full-load', rules: [includeAll(), rule] }).ctx,
    );

    // Assess
    expect(outcome).toMatchObject({
      stopReason: 'FATAL_ERROR',
      message: expect.stringContaining('data-type.type: "int8" is not supported by the local data plane'),
    });
  });
});
