import { afterAll, describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { POLL_LIMITS } from '../../../infra/asl/limits.ts';
import {
  type E2eRun,
  executionsOf,
  LIFECYCLE_TO_CDC,
  migrateUntilDatabaseRunEnds,
  startE2eRun,
  taskStatuses,
} from './harness.ts';

const FULL_LOAD_CLASS = 'dms.r5.xlarge';
let current: E2eRun | undefined;

afterAll(async () => {
  await current?.stop();
});

describe('a step-down whose class change never applies, on the local AWS', () => {
  it('ends the wait at its bound and resumes CDC on the class the instance kept', async () => {
    // Prepare: DMS accepts the class change and leaves it pending, as a maintenance window longer than any wait. A
    // day's cooldown keeps the quiet alarm from starting another step-down once CDC runs again, which would race
    // the assertions below (the policy may rightly try again; that is not what this test is about).
    const run = await startE2eRun({
      migrationId: 'e2e-never-applies',
      databaseIds: ['ledger'],
      clockSpeed: 600,
      resize: { cooldownMinutes: 24 * 60 },
      faults: { faults: [{ fault: 'modification-never-applies', database: 'ledger', stays: 'pending' }] },
    });
    current = run;
    // Act
    await migrateUntilDatabaseRunEnds(run);
    // Assess
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(run.phases.get('ledger')).toEqual(LIFECYCLE_TO_CDC);
    expect(run.items.get('ledger')?.currentClass).toBe(FULL_LOAD_CLASS);
    expect(taskStatuses(run)).toEqual(['running']);
    const instance = Object.values(run.aws.dms.snapshot().instances)[0];
    expect([instance?.status, instance?.instanceClass]).toEqual(['available', FULL_LOAD_CLASS]);
    expect(run.eventsOf(LAKESHIFT_DETAIL_TYPES.resizeFailed).map((event) => event.detail)).toEqual([
      expect.objectContaining({
        databaseId: 'ledger',
        fromClass: FULL_LOAD_CLASS,
        instanceClass: FULL_LOAD_CLASS,
        error: FAIL_STATE_ERRORS.waitTimedOut,
        cause: expect.stringContaining(`after ${POLL_LIMITS.instanceClassChange.maxAttempts} checks`),
        resumed: true,
      }),
    ]);
  }, 150_000);
});
