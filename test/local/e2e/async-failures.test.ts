import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DMS_DETAIL_TYPES } from '#contracts/events';
import { type E2eRun, executionsOf, lifecycleOf, migrateToCdc, startE2eRun, steadyInCdc } from './harness.ts';

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: 'e2e-async',
    databaseIds: ['ledger'],
    clockSpeed: 300,
    // The task event consumer crashes on its first invocation and on both of Lambda's retries.
    awsFaults: { handlers: [{ handlers: ['on-task-event'], fault: 'crash-before', nth: [1, 2, 3] }] },
  });
});

afterAll(async () => {
  await run?.stop();
});

describe('an asynchronous handler that fails after its retries, on the local AWS', () => {
  it('keeps the event in the on-failure destination, and the reconciler still completes the migration', async () => {
    // Act
    await migrateToCdc(run);

    // Assess
    const failed = run.aws.events.failedInvocations;
    expect(failed.map((entry) => [entry.rule, entry.errorType, entry.event['detail-type']])).toEqual([
      ['lakeshift-DmsTaskStateChange', 'Lambda.Unknown', DMS_DETAIL_TYPES.taskStateChange],
    ]);
    expect(lifecycleOf(run)).toEqual(steadyInCdc(run));
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual(['SUCCEEDED']);
  });
});
