import { afterAll, describe, expect, it } from 'vitest';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import {
  type E2eRun,
  executionsOf,
  LIFECYCLE_TO_CDC,
  migrateUntilDatabaseRunEnds,
  startE2eRun,
  taskStatuses,
} from './harness.ts';

let current: E2eRun | undefined;

afterAll(async () => {
  await current?.stop();
});

describe('a failed step-down whose resume keeps failing, on the local AWS', () => {
  it('leaves a resume that keeps failing to the reconciler, which brings CDC back once DMS lets it', async () => {
    // Prepare: the full load's start goes through; the first 16 resumes find the task busy.
    const run = await startE2eRun({
      migrationId: 'e2e-resume',
      databaseIds: ['ledger'],
      clockSpeed: 300,
      faults: { faults: [{ fault: 'resume-fails', database: 'ledger', times: 16 }] },
    });
    current = run;
    // Act
    await migrateUntilDatabaseRunEnds(run);
    const pendingAfterRun = run.items.get('ledger')?.phase;
    await run.waitFor('the reconciler to bring CDC back', () => run.phases.get('ledger')?.at(-1) === 'CDC');
    // Assess
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual(['FAILED']);
    expect(pendingAfterRun).toBe('STEPPING_DOWN');
    expect(run.eventsOf(LAKESHIFT_DETAIL_TYPES.resizeFailed).map((event) => event.detail)).toEqual([
      expect.objectContaining({ databaseId: 'ledger', resumed: false }),
    ]);
    expect(run.phases.get('ledger')).toEqual(LIFECYCLE_TO_CDC);
    expect(taskStatuses(run)).toEqual(['running']);
    expect(run.aws.counters.lambdaInvocationsByRule().get('lakeshift-Reconcile')).toBeGreaterThan(0);
  }, 150_000);
});
