/**
 * What the lake catalog tests share: a source streamed by the local data plane with the change-sequence rule, and
 * the current-state view of `public.t` read through the catalog, as the demo reads it.
 */
import type { Table } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { changeSequenceRule } from '#domain/planner/table-mappings';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import { createCatalogLakeReader } from '#local/verify/catalog-reader';
import type { TestDatabase } from '#test/postgres';
import { CdcDriver } from '../dataplane/cdc-driver.ts';
import { newLake } from '../dataplane/lake-queries.ts';
import { fakeTask, includeAll, secretFor, taskArnOf } from '../dataplane/task-context.ts';

/** The table mappings of the streamed task: every table of `public`, with DMS's change-sequence column. */
export const STREAMED_RULES = [includeAll(), changeSequenceRule(2)];

/** Full load, then CDC of `db` into a new lake folder; `written()` returns once the changes so far are in files. */
export const streamChanges = async (db: TestDatabase) => {
  const lakeDir = await newLake();
  const driver = new CdcDriver();
  const fake = fakeTask({
    db,
    rules: STREAMED_RULES,
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
  return {
    lakeDir,
    written: () =>
      driver.stepUntil(fake.clock, 500, (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0),
    stop: async () => {
      fake.controller.abort();
      await outcome;
    },
  };
};

/** The rows of `public.t`'s current-state view, read through the catalog's location, columns and view SQL. */
export const viewRows = async (databaseName: string, lakeDir: string, tables: Table[]) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = createCatalogLakeReader({ databaseName, tables }, lakeDir, connection);
    const view = await reader.open({ schema: 'public', table: 't' }, ['id']);
    if (!view) throw new Error('the catalog has no view of public.t');
    return (await connection.runAndReadAll(`SELECT * FROM ${view.relation} ORDER BY id`)).getRows();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
