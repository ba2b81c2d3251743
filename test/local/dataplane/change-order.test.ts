import { describe, expect, it } from 'vitest';
import { CHANGE_SEQUENCE_COLUMN } from '#contracts/lake';
import { currentStateSql } from '#domain/lake/view-sql';
import { changeSequenceRule } from '#domain/planner/table-mappings';
import { listLakeTableFiles } from '#local/dataplane/replay';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import { usePostgres } from '#test/postgres';
import { CdcDriver } from './cdc-driver.ts';
import { fileList, newLake, queryDuckDb, tableDir } from './lake-queries.ts';
import { fakeTask, includeAll, secretFor, taskArnOf } from './task-context.ts';

const postgres = usePostgres();

describe('change order in the lake', () => {
  it('writes a 35-digit change sequence growing in commit order, none in LOAD files, and the view keeps the last change per key', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await client.query(`INSERT INTO t VALUES (1, 'loaded'), (2, 'loaded'), (3, 'loaded')`);
    const lakeDir = await newLake();
    const driver = new CdcDriver();
    const fake = fakeTask({
      db,
      rules: [includeAll(), changeSequenceRule(2)],
      s3Settings: { CdcMaxBatchInterval: 1 },
      taskArn: taskArnOf(db),
    });
    const workload = createPostgresToS3Workload({
      lakeDir,
      resolveSecret: secretFor(db),
      observer: driver.observer(),
    });
    const outcome = workload.run(fake.ctx);
    driver.watch(outcome);
    await driver.streaming;

    // Act: three updates of one key in one transaction, then one key updated in separate files.
    await client.query(
      `BEGIN; UPDATE t SET v = 'first' WHERE id = 1; UPDATE t SET v = 'second' WHERE id = 1; UPDATE t SET v = 'third' WHERE id = 1; COMMIT`,
    );
    for (const value of ['a', 'b', 'c']) {
      await client.query(`UPDATE t SET v = $1 WHERE id = 2`, [value]);
      await driver.stepUntil(
        fake.clock,
        500,
        (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0,
      );
    }
    await client.query('DELETE FROM t WHERE id = 3');
    await driver.stepUntil(
      fake.clock,
      500,
      (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0,
    );
    fake.controller.abort();
    await outcome;

    // Assess
    const files = await listLakeTableFiles(tableDir(lakeDir, 't'));
    const loadSequences = await queryDuckDb(
      `SELECT DISTINCT ${CHANGE_SEQUENCE_COLUMN} FROM read_parquet(${fileList(files.load)})`,
    );
    expect(loadSequences).toEqual([[null]]);
    const changes = await queryDuckDb(
      `SELECT id, v, ${CHANGE_SEQUENCE_COLUMN} FROM read_parquet(${fileList(files.cdc)}) ORDER BY ${CHANGE_SEQUENCE_COLUMN}`,
    );
    expect(changes.map(([id, v]) => [id, v])).toEqual([
      [1, 'first'],
      [1, 'second'],
      [1, 'third'],
      [2, 'a'],
      [2, 'b'],
      [2, 'c'],
      [3, null],
    ]);
    for (const [, , sequence] of changes) expect(String(sequence)).toMatch(/^\d{35}$/);
    expect(files.cdc.length).toBeGreaterThanOrEqual(4);
    const view = currentStateSql({
      changes: `(SELECT * FROM read_parquet(${fileList([...files.load, ...files.cdc])}, union_by_name = true))`,
      columns: ['id', 'v'],
      primaryKey: ['id'],
    });
    expect(await queryDuckDb(`${view} ORDER BY id`)).toEqual([
      [1, 'third'],
      [2, 'c'],
    ]);
  });
});
