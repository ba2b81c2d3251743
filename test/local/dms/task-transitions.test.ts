import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IllegalTaskTransitionError,
  moveTask,
  nextTaskStatus,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  taskAccepts,
} from '#local/dms/lifecycle/task-transitions';

/** The statuses `ReplicationTask.Status` documents, from the API model's documentation shipped in the AWS SDK. */
const documentedTaskStatuses = (): string[] => {
  const models = readFileSync(
    join(
      process.cwd(),
      'node_modules/@aws-sdk/client-database-migration-service/dist-types/models/models_0.d.ts',
    ),
    'utf8',
  );
  const block = models
    .split('/**')
    .find((comment) => comment.includes('<p>The status of the replication task.'));
  return [...(block ?? '').matchAll(/<code>"([a-z-]+)"<\/code> –/g)].map((match) => match[1] ?? '');
};

describe('the replication task transition table', () => {
  it('names exactly the statuses DMS documents for a replication task', () => {
    // Act
    const documented = documentedTaskStatuses();

    // Assess
    expect(documented.length).toBeGreaterThan(5);
    expect([...TASK_STATUSES].sort()).toEqual([...documented].sort());
  });

  it('lets a task be modified, started or deleted only when it is ready, stopped or failed', () => {
    // Act
    const startable = TASK_STATUSES.filter((status) => taskAccepts(status, 'StartReplicationTask'));
    const modifiable = TASK_STATUSES.filter((status) => taskAccepts(status, 'ModifyReplicationTask'));
    const deletable = TASK_STATUSES.filter((status) => taskAccepts(status, 'DeleteReplicationTask'));
    const stoppable = TASK_STATUSES.filter((status) => taskAccepts(status, 'StopReplicationTask'));

    // Assess
    expect(startable).toEqual(['failed', 'ready', 'stopped']);
    expect(modifiable).toEqual(startable);
    expect(deletable).toEqual(startable);
    expect(stoppable).toEqual(['running', 'starting']);
  });

  it('walks a task through a run: start, prepared, stop, stopped', () => {
    // Prepare
    const task = { status: 'ready' };

    // Act
    const seen = (
      ['StartReplicationTask', 'start-finished', 'StopReplicationTask', 'stop-finished'] as const
    ).map((trigger) => {
      moveTask(task, trigger);
      return task.status;
    });

    // Assess
    expect(seen).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it('returns a modified task to the status it had before, and to no other', () => {
    // Act
    const back = nextTaskStatus('modifying', 'modify-finished', 'failed');

    // Assess
    expect(back).toBe('failed');
    expect(() => nextTaskStatus('modifying', 'modify-finished', 'running')).toThrow(
      IllegalTaskTransitionError,
    );
    expect(() => nextTaskStatus('modifying', 'modify-finished')).toThrow(IllegalTaskTransitionError);
  });

  it('refuses a move the table does not hold, naming the status and the trigger, and leaves the task as it was', () => {
    // Prepare
    const task = { status: 'creating' };

    // Act
    const move = () => moveTask(task, 'StartReplicationTask');

    // Assess
    expect(move).toThrow(IllegalTaskTransitionError);
    expect(move).toThrow(/creating cannot take StartReplicationTask/);
    expect(task.status).toBe('creating');
  });

  it('has one target per status and trigger, except the return from modifying', () => {
    // Prepare
    const targets = new Map<string, Set<string>>();
    for (const { from, trigger, to } of TASK_TRANSITIONS) {
      const key = `${from} ${trigger}`;
      targets.set(key, (targets.get(key) ?? new Set()).add(to));
    }

    // Act
    const ambiguous = [...targets].filter(([, to]) => to.size > 1).map(([key]) => key);

    // Assess
    expect(ambiguous).toEqual(['modifying modify-finished']);
  });
});
