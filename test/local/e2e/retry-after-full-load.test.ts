import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptExecutionName } from '#domain/naming';
import { type E2eRun, executionsOf, LIFECYCLE_TO_CDC, resourceCounts, startE2eRun } from './harness.ts';

const MIGRATION = 'e2e-retry-cdc';
const DATABASE = 'ledger';
const FULL_LOAD_CLASS = 'dms.r5.xlarge';
/** arm-alarms is invoked once and retried six times by its state (LAMBDA_TASK_RETRY): all seven crash. */
const FIRST_ATTEMPT_ARM_ALARMS = [1, 2, 3, 4, 5, 6, 7];

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: MIGRATION,
    databaseIds: [DATABASE],
    clockSpeed: 300,
    // auto: the step-down target is reckoned from the full-load class, so a second decision would step down again.
    resize: { steadyClass: 'auto' },
    awsFaults: {
      handlers: [{ handlers: ['arm-alarms'], fault: 'crash-before', nth: FIRST_ATTEMPT_ARM_ALARMS }],
    },
  });
});

afterAll(async () => {
  await run?.stop();
});

const phaseOf = () => run.phases.get(DATABASE)?.at(-1);

const onlyTask = () => {
  const [task, ...others] = Object.values(run.aws.dms.snapshot().tasks);
  expect(others).toEqual([]);
  if (!task) throw new Error('the local DMS holds no task');
  return task;
};

const onlyInstanceClass = () => Object.values(run.aws.dms.snapshot().instances).map((i) => i.instanceClass);

describe('retrying a database that failed after its full load, on the local AWS', () => {
  it('goes on from the step-down to CDC as attempt 2, without reloading, on one task and the class it had', async () => {
    // Prepare: attempt 1 steps down and resumes CDC, then fails arming the alarms.
    await run.requestMigration();
    await run.waitFor('ledger FAILED after its step-down', () => phaseOf() === 'FAILED', 150_000);
    const failedTask = onlyTask();
    const steppedDownTo = onlyInstanceClass();

    // Act
    await run.requestRetry({ [DATABASE]: 1 });
    await run.waitFor('ledger in CDC', () => phaseOf() === 'CDC', 150_000);
    await run.waitFor('migrate-database attempt 2 to end', () =>
      executionsOf(run, 'migrate-database').every((execution) => execution.status !== 'RUNNING'),
    );

    // Assess
    expect(failedTask.status).toBe('running');
    expect(steppedDownTo).not.toEqual([FULL_LOAD_CLASS]);
    expect(run.phases.get(DATABASE)).toEqual([
      'REQUESTED',
      'PROVISIONING',
      'FULL_LOAD',
      'STEPPING_DOWN',
      'FAILED',
      ...LIFECYCLE_TO_CDC,
    ]);
    expect(run.items.get(DATABASE)?.attempt).toBe('2');
    expect(
      executionsOf(run, 'migrate-database').map((execution) => [execution.name, execution.status]),
    ).toEqual([
      [attemptExecutionName(MIGRATION, DATABASE, 1), 'FAILED'],
      [attemptExecutionName(MIGRATION, DATABASE, 2), 'SUCCEEDED'],
    ]);
    const task = onlyTask();
    expect(task.status).toBe('running');
    expect(task.lastStartType).toBe('resume-processing');
    // No reload: the fresh start and the full load are the ones attempt 1 made.
    expect(task.stats.freshStartDate).toBe(failedTask.stats.freshStartDate);
    expect(task.stats.fullLoadStartDate).toBe(failedTask.stats.fullLoadStartDate);
    expect(task.stats.fullLoadFinishDate).toBe(failedTask.stats.fullLoadFinishDate);
    expect(resourceCounts(run)).toEqual({ instances: 1, endpoints: 2, tasks: 1 });
    // The step-down is not repeated: the instance keeps the class attempt 1 stepped it down to.
    expect(onlyInstanceClass()).toEqual(steppedDownTo);
    expect(run.items.get(DATABASE)?.currentClass).toBe(steppedDownTo[0]);
  });
});
