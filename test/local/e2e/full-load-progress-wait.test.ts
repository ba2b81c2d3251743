import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONAL_ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import type { SyntheticDatabase } from '#local/dms/index';
import { FULL_LOAD_WAIT } from '../../../infra/asl/limits.ts';
import { type E2eRun, executionsOf, LIFECYCLE_TO_CDC, startE2eRun } from './harness.ts';

const MIGRATION = 'e2e-full-load-wait';
/** Loads slowly and steadily for far longer than the stall time and the wait's heartbeat. */
const SLOW = 'archive';
/** Its load hangs at 20% while the task stays `running`. */
const HUNG = 'ledger';
const STALL_MINUTES = 10;
const MINUTE_MS = 60_000;

/**
 * One table of 27 million rows: at the synthetic plane's 5,000 rows per second for a table, 90 emulated minutes of
 * full load, about one percent every 54 seconds, so every reconciler sweep sees it advance.
 */
const LARGE_DATABASE: SyntheticDatabase = {
  tables: [{ schema: 'public', name: 'entries', rows: 27_000_000, changesPerSecond: 1 }],
};

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: MIGRATION,
    databaseIds: [SLOW, HUNG],
    clockSpeed: 1200,
    handlerSettings: { [OPTIONAL_ENV.fullLoadStallMinutes]: String(STALL_MINUTES) },
    faults: { faults: [{ fault: 'full-load-stalls', database: HUNG, atPercent: 20 }] },
  });
  for (const id of [SLOW, HUNG]) run.aws.synthetic.define(id, LARGE_DATABASE);
  await run.requestMigration();
  // The execution goes on past the CDC write (the catalog steps), so its end is waited for too.
  await run.waitFor(
    `${SLOW} in CDC with its execution ended, and ${HUNG} failed`,
    () =>
      run.phases.get(SLOW)?.at(-1) === 'CDC' &&
      executionsOf(run, 'migrate-database').some((e) => e.name.includes(SLOW) && e.status !== 'RUNNING') &&
      run.phases.get(HUNG)?.at(-1) === 'FAILED',
  );
}, 150_000);

afterAll(async () => {
  await run?.stop();
});

/** The DMS task of a database, as the local DMS holds it. */
const taskOf = (databaseId: string) =>
  Object.values(run.aws.dms.snapshot().tasks).find((task) => task.identifier.includes(databaseId));

/** The registry item's failure map (DynamoDB JSON), as plain strings. */
const failureOf = (databaseId: string): Record<string, string | undefined> => {
  const raw = run.items.get(databaseId)?.failure;
  const attributes = raw ? (JSON.parse(raw) as Record<string, { S?: string }>) : {};
  return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, value.S]));
};

describe('the full-load wait on the local AWS', () => {
  it('has no overall timeout in the deployed definition, only the heartbeat the reconciler keeps up', async () => {
    // Prepare
    const sfn = new SFNClient({
      endpoint: run.aws.endpoint,
      region: run.aws.region,
      credentials: run.aws.credentials,
    });
    // Act
    const described = await sfn.send(
      new DescribeStateMachineCommand({
        stateMachineArn: run.aws.stack.stateMachineArns['migrate-database'],
      }),
    );
    // Assess
    const states = (JSON.parse(described.definition ?? '{}') as { States: Record<string, object> }).States;
    expect(states['AwaitFullLoad']).not.toHaveProperty('TimeoutSeconds');
    expect(states['AwaitFullLoad']).toHaveProperty('HeartbeatSeconds', FULL_LOAD_WAIT.heartbeatSeconds);
  });

  it('keeps a full load that advances slowly for far longer than the stall time, and reaches CDC', () => {
    // Act (in beforeAll)
    const task = taskOf(SLOW);
    const loadMs = (task?.stats.fullLoadFinishDate ?? 0) - (task?.stats.fullLoadStartDate ?? 0);
    // Assess
    expect(run.phases.get(SLOW)).toEqual(LIFECYCLE_TO_CDC);
    expect(run.items.get(SLOW)?.failure).toBeUndefined();
    expect(loadMs).toBeGreaterThan(6 * STALL_MINUTES * MINUTE_MS);
    expect(loadMs).toBeGreaterThan(FULL_LOAD_WAIT.heartbeatSeconds * 1000);
    expect(task?.status).toBe('running');
    const slowExecution = executionsOf(run, 'migrate-database').find((e) => e.name.includes(SLOW));
    expect(slowExecution?.status).toBe('SUCCEEDED');
  });

  it('fails a running full load whose progress froze, with FullLoadStalled in its registry item', () => {
    // Act (in beforeAll)
    const failure = failureOf(HUNG);
    const frozenSince = JSON.parse(run.items.get(HUNG)?.fullLoadProgress ?? '{}') as {
      advancedAt?: { S?: string };
    };
    const stalledForMs = Date.parse(failure['at'] ?? '') - Date.parse(frozenSince.advancedAt?.S ?? '');
    // Assess
    expect(run.phases.get(HUNG)).toEqual(['REQUESTED', 'PROVISIONING', 'FULL_LOAD', 'FAILED']);
    expect(failure).toMatchObject({
      error: ERROR_NAMES.fullLoadStalled,
      phase: 'FULL_LOAD',
      cause: expect.stringContaining(`has not advanced for ${STALL_MINUTES} minutes`),
    });
    expect(failure['cause']).toContain('20/0/1/0');
    // Failed once the stall time had passed, at the first sweep after it (the reconciler runs every 5 minutes).
    expect(stalledForMs).toBeGreaterThanOrEqual(STALL_MINUTES * MINUTE_MS);
    expect(stalledForMs).toBeLessThan((STALL_MINUTES + 5) * MINUTE_MS);
    const hungExecution = executionsOf(run, 'migrate-database').find((e) => e.name.includes(HUNG));
    expect(hungExecution?.status).not.toBe('RUNNING');
  });
});
