import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptExecutionName, deriveIdentifiers } from '#domain/naming';
import { type E2eRun, executionsOf, LIFECYCLE_TO_CDC, resourceCounts, startE2eRun } from './harness.ts';

const MIGRATION = 'e2e-retry';
const DATABASES = ['ledger', 'payments'];
const FAILING = 'payments';

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: MIGRATION,
    databaseIds: DATABASES,
    clockSpeed: 300,
    dmsFaults: {
      seed: MIGRATION,
      // The first run of payments' task fails in its full load, as a task meeting a fatal error does.
      tasks: [
        {
          task: deriveIdentifiers(MIGRATION, FAILING).task,
          at: 'full-load',
          stopReason: 'FATAL_ERROR',
          message: 'Last Error Fatal error while loading. Stop Reason FATAL_ERROR',
          nth: [1],
        },
      ],
    },
  });
});

afterAll(async () => {
  await run?.stop();
});

/** Fleet executions that ended, in start order, with the statuses their output reports (none for a failed one). */
const fleetStatuses = () =>
  executionsOf(run, 'migrate-fleet').map((execution) => {
    const output = run.aws.stepFunctions.getExecution(execution.executionArn)?.output;
    return (JSON.parse(output ?? '{}') as { statuses?: string[] }).statuses;
  });

/** Fleet executions that ended, in start order, with the counts and failed databases their failure names. */
const fleetFailures = () =>
  executionsOf(run, 'migrate-fleet').map((execution) => {
    const cause = run.aws.stepFunctions.getExecution(execution.executionArn)?.cause;
    const { databases, failed, failedDatabases } = JSON.parse(cause ?? '{}') as Record<string, unknown>;
    return { databases, failed, failedDatabases };
  });

const fleetsEnded = (count: number) => () =>
  executionsOf(run, 'migrate-fleet').length === count &&
  executionsOf(run, 'migrate-fleet').every((execution) => execution.status !== 'RUNNING');

const phaseOf = (databaseId: string) => run.phases.get(databaseId)?.at(-1);

const migrateDatabaseNames = () => executionsOf(run, 'migrate-database').map((execution) => execution.name);

describe('retrying a failed database and re-running a torn-down one, on the local AWS', () => {
  it('records the failed database as FAILED, not as done', async () => {
    // Act
    await run.requestMigration();
    await run.waitFor(
      'ledger in CDC and payments FAILED',
      () => phaseOf('ledger') === 'CDC' && phaseOf(FAILING) === 'FAILED',
    );
    await run.waitFor('migrate-fleet to end', fleetsEnded(1));
    // Assess
    expect(fleetFailures()).toEqual([{ databases: 2, failed: 1, failedDatabases: [FAILING] }]);
    expect(run.items.get(FAILING)?.attempt).toBe('1');
  });

  it('runs the failed database again as attempt 2 when the request is re-sent or a retry is requested, starting it once', async () => {
    // Act: the request re-sent and a Retry Requested at once, two triggers of the same attempt.
    await Promise.all([run.requestMigration(), run.requestRetry({ [FAILING]: 1 })]);
    await run.waitFor('payments in CDC', () => phaseOf(FAILING) === 'CDC', 150_000);
    await run.waitFor('both fleets to end', fleetsEnded(3));
    // Assess
    const [, ...triggered] = fleetStatuses();
    const resent = triggered.find((statuses) => statuses?.length === 2);
    const retried = triggered.find((statuses) => statuses?.length === 1);
    expect(resent?.[0]).toBe('ALREADY_DONE');
    expect([resent?.[1], retried?.[0]].sort()).toEqual(['ALREADY_RUNNING', 'STARTED']);
    expect(
      migrateDatabaseNames().filter((name) => name === attemptExecutionName(MIGRATION, FAILING, 2)),
    ).toHaveLength(1);
    expect(run.phases.get(FAILING)).toEqual([
      'REQUESTED',
      'PROVISIONING',
      'FULL_LOAD',
      'FAILED',
      ...LIFECYCLE_TO_CDC,
    ]);
    expect(run.items.get(FAILING)?.attempt).toBe('2');
    // The retry adopted the failed attempt's instance, endpoints and task.
    expect(resourceCounts(run)).toEqual({ instances: 2, endpoints: 4, tasks: 2 });
  });

  it('starts nothing for a duplicate of a retry that has happened', async () => {
    // Act
    await run.requestRetry({ [FAILING]: 1 });
    await run.waitFor('the fleet to end', fleetsEnded(4));
    // Assess
    expect(fleetStatuses().at(-1)).toEqual(['ALREADY_DONE']);
    expect(migrateDatabaseNames()).toHaveLength(3);
  });

  it('migrates a torn-down database again as attempt 3 when the request is re-sent', async () => {
    // Prepare
    await run.requestTeardown([FAILING]);
    await run.waitFor('payments DELETED', () => phaseOf(FAILING) === 'DELETED', 150_000);
    const afterTeardown = resourceCounts(run);
    // Act
    await run.requestMigration();
    await run.waitFor('payments in CDC again', () => phaseOf(FAILING) === 'CDC', 150_000);
    await run.waitFor('the fleet to end', fleetsEnded(5));
    // Assess
    expect(afterTeardown).toEqual({ instances: 1, endpoints: 2, tasks: 1 });
    expect(fleetStatuses().at(-1)).toEqual(['ALREADY_DONE', 'STARTED']);
    expect(migrateDatabaseNames()).toContain(attemptExecutionName(MIGRATION, FAILING, 3));
    expect(run.phases.get(FAILING)?.slice(-7)).toEqual(['TEARING_DOWN', 'DELETED', ...LIFECYCLE_TO_CDC]);
    expect(run.items.get(FAILING)?.attempt).toBe('3');
    expect(resourceCounts(run)).toEqual({ instances: 2, endpoints: 4, tasks: 2 });
  });
});
