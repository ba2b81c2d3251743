import { createPostgresToS3Workload } from '#local/dataplane/workload';
import type { TestDatabase } from '#test/postgres';
import { CdcDriver } from './cdc-driver.ts';
import { newLake } from './lake-queries.ts';
import { type FakeTaskOptions, fakeTask, secretFor, taskArnOf } from './task-context.ts';

/**
 * Runs a task on a source until it streams; `written()` returns once the changes so far are in files, `done()`
 * stops it.
 */
export const streamingTask = async (db: TestDatabase, task: Omit<FakeTaskOptions, 'db'>) => {
  const lakeDir = await newLake();
  const driver = new CdcDriver();
  const fake = fakeTask({ db, taskArn: taskArnOf(db), s3Settings: { CdcMaxBatchInterval: 1 }, ...task });
  const outcome = createPostgresToS3Workload({
    lakeDir,
    resolveSecret: secretFor(db),
    observer: driver.observer(),
  }).run(fake.ctx);
  driver.watch(outcome);
  await driver.streaming;
  return {
    lakeDir,
    written: () =>
      driver.stepUntil(fake.clock, 500, (cycle) => cycle.filesWritten.length > 0 && cycle.rowsBuffered === 0),
    done: async () => {
      fake.controller.abort();
      return outcome;
    },
  };
};
