import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eRun, executionsOf, lifecycleOf, migrateToCdc, startE2eRun, steadyInCdc } from './harness.ts';

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: 'e2e-token',
    databaseIds: ['ledger'],
    clockSpeed: 300,
    awsFaults: {
      // The state machine's key is unusable for a while: the full-load completion fails on the event and on both of
      // EventBridge's retries of it.
      api: [
        {
          service: 'stepfunctions',
          operations: ['SendTaskSuccess'],
          error: 'KmsInvalidStateException',
          status: 400,
          times: 3,
        },
      ],
    },
  });
});

afterAll(async () => {
  await run?.stop();
});

describe('a full-load completion Step Functions refuses, on the local AWS', () => {
  it('keeps the token until it is delivered: the reconciler completes the wait and the database reaches CDC', async () => {
    // Act
    await migrateToCdc(run);

    // Assess
    expect(lifecycleOf(run)).toEqual(steadyInCdc(run));
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(run.aws.counters.requestsOf('stepfunctions', 'SendTaskSuccess')).toEqual({
      succeeded: 1,
      failed: 3,
    });
    expect(run.items.get('ledger')?.taskToken).toBeUndefined();
  });
});
