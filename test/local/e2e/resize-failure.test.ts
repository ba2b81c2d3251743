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

const FULL_LOAD_CLASS = 'dms.r5.xlarge';
let current: E2eRun | undefined;

afterAll(async () => {
  await current?.stop();
});

describe('a step-down that fails after the task stopped, on the local AWS', () => {
  it('resumes CDC on the class the instance kept when DMS has no capacity for the smaller class', async () => {
    // Prepare
    const run = await startE2eRun({
      migrationId: 'e2e-capacity',
      databaseIds: ['ledger'],
      clockSpeed: 300,
      dmsFaults: {
        api: [{ fault: 'insufficient-capacity', operations: ['ModifyReplicationInstance'], nth: [1] }],
      },
    });
    current = run;
    // Act
    await migrateUntilDatabaseRunEnds(run);
    // Assess
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(run.phases.get('ledger')).toEqual(LIFECYCLE_TO_CDC);
    expect(run.items.get('ledger')?.currentClass).toBe(FULL_LOAD_CLASS);
    expect(taskStatuses(run)).toEqual(['running']);
    expect(run.eventsOf(LAKESHIFT_DETAIL_TYPES.resizeFailed).map((event) => event.detail)).toEqual([
      expect.objectContaining({
        databaseId: 'ledger',
        fromClass: FULL_LOAD_CLASS,
        instanceClass: FULL_LOAD_CLASS,
        error: 'InsufficientCapacity',
        resumed: true,
      }),
    ]);
  }, 150_000);
});
