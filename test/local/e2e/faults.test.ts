import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DMS_DETAIL_TYPES, DMS_TASK_EVENT_TYPES } from '#contracts/events';
import {
  type E2eRun,
  executionsOf,
  lifecycleOf,
  migrateToCdc,
  STEADY_CLASS,
  startE2eRun,
  steadyInCdc,
} from './harness.ts';

const CLOCK_SPEED = 300;
const DATABASES = ['ledger', 'payments', 'shipping'];

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: 'e2e-faults',
    databaseIds: DATABASES,
    clockSpeed: CLOCK_SPEED,
    dmsFaults: {
      seed: 'e2e-faults',
      api: [
        // One DMS call in five is throttled, as an account over its API budget sees.
        { fault: 'throttling', probability: 0.2 },
        // The first class change meets a busy instance.
        { fault: 'busy', operations: ['ModifyReplicationInstance'], nth: [1] },
      ],
      events: [
        // EventBridge delivery is best effort: the first task-stopped event is lost, the second arrives twice.
        { action: 'drop', eventType: DMS_TASK_EVENT_TYPES.stopped, nth: [1] },
        { action: 'duplicate', eventType: DMS_TASK_EVENT_TYPES.stopped, nth: [2] },
      ],
    },
  });
});

afterAll(async () => {
  await run?.stop();
});

describe('a migration under DMS faults, on the local AWS', () => {
  it('converges to CDC with no duplicate resources, the lost event recovered by the reconciler', async () => {
    // Act
    await migrateToCdc(run);

    // Assess
    expect(lifecycleOf(run)).toEqual(steadyInCdc(run));
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    const state = run.aws.dms.snapshot();
    expect(Object.values(state.instances).map((instance) => instance.instanceClass)).toEqual([
      STEADY_CLASS,
      STEADY_CLASS,
      STEADY_CLASS,
    ]);
    expect(Object.keys(state.endpoints)).toHaveLength(6);
    expect(Object.keys(state.tasks)).toHaveLength(3);
    // Throttled calls were retried; the busy instance's ModifyReplicationInstance was retried until it went through.
    expect(run.aws.counters.dmsApiErrors).toBeGreaterThan(3);
    expect(
      run.aws.counters.dmsApiErrorsByOperation().get('ModifyReplicationInstance'),
    ).toBeGreaterThanOrEqual(1);

    // Stop events that reached the bus, per task: the lost one never arrived, the duplicated one arrived twice.
    const stoppedByTask = new Map(Object.keys(state.tasks).map((arn) => [arn, 0]));
    for (const event of run.eventsOf(DMS_DETAIL_TYPES.taskStateChange)) {
      const detail = event.detail as { eventType?: string };
      const task = event.resources[0] ?? '';
      if (detail.eventType === DMS_TASK_EVENT_TYPES.stopped)
        stoppedByTask.set(task, (stoppedByTask.get(task) ?? 0) + 1);
    }
    expect([...stoppedByTask.values()].sort()).toEqual([0, 1, 2]);
    // The database whose stop event was lost left its full-load wait only through the scheduled reconciler.
    expect(run.aws.counters.lambdaInvocationsByRule().get('lakeshift-Reconcile')).toBeGreaterThan(0);
    // IAM was enforced from the synthesized template throughout, and the recovery paths needed nothing it lacks.
    expect(run.aws.iam?.record.all().length).toBeGreaterThan(0);
    expect(run.aws.iam?.record.denied()).toEqual([]);
  });
});
