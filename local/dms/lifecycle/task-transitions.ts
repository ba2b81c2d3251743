/**
 * The replication task's statuses and every legal move between them. A move names its trigger: an API call
 * (`StartReplicationTask`, ...) or a lifecycle step (`start-finished`, ...). Every status change of a task goes
 * through `moveTask`; anything not in the table is an IllegalTaskTransitionError.
 */

/** Every status DMS reports for a replication task (`ReplicationTask.Status` in the DMS API reference). */
export const TASK_STATUSES = [
  'moving',
  'creating',
  'deleting',
  'failed',
  'failed-move',
  'modifying',
  'ready',
  'running',
  'starting',
  'stopped',
  'stopping',
  'testing',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The status of a task CreateReplicationTask has just accepted. */
export const INITIAL_TASK_STATUS: TaskStatus = 'creating';

export type TaskTrigger =
  | 'ModifyReplicationTask'
  | 'StartReplicationTask'
  | 'StopReplicationTask'
  | 'DeleteReplicationTask'
  /** The task's metadata is created on the instance. */
  | 'create-finished'
  /** The modification is applied: back to the status the task had before. */
  | 'modify-finished'
  /** The task prepared its run (metadata, connections, slot) and runs its workload. */
  | 'start-finished'
  /** StopReplicationTask's stop has completed. */
  | 'stop-finished'
  /** The run ended by itself: a full-load-only task finished, or the workload stopped (e.g. at a CDC stop position). */
  | 'run-finished'
  /** The run failed and DMS gave up retrying (or an instance change or restart interrupted a loading task). */
  | 'run-failed';

export interface TaskTransition {
  readonly from: TaskStatus;
  readonly trigger: TaskTrigger;
  readonly to: TaskStatus;
}

const from = (
  statuses: readonly TaskStatus[],
  trigger: TaskTrigger,
  to: TaskStatus,
): readonly TaskTransition[] => statuses.map((status) => ({ from: status, trigger, to }));

/** Statuses in which a task is idle: it can be modified, started or deleted. */
const IDLE: readonly TaskStatus[] = ['ready', 'stopped', 'failed'];

export const TASK_TRANSITIONS: readonly TaskTransition[] = [
  ...from(['creating'], 'create-finished', 'ready'),
  ...from(IDLE, 'ModifyReplicationTask', 'modifying'),
  ...IDLE.flatMap((status) => from(['modifying'], 'modify-finished', status)),
  ...from(IDLE, 'StartReplicationTask', 'starting'),
  ...from(['starting'], 'start-finished', 'running'),
  ...from(['starting', 'running'], 'StopReplicationTask', 'stopping'),
  ...from(['stopping'], 'stop-finished', 'stopped'),
  ...from(['running'], 'run-finished', 'stopped'),
  ...from(['starting', 'running'], 'run-failed', 'failed'),
  ...from(IDLE, 'DeleteReplicationTask', 'deleting'),
];

export class IllegalTaskTransitionError extends Error {
  override readonly name = 'IllegalTaskTransitionError';
}

/** True when a task in `status` may take `trigger` (the precondition of the API call or step). */
export const taskAccepts = (status: string, trigger: TaskTrigger): boolean =>
  TASK_TRANSITIONS.some((transition) => transition.from === status && transition.trigger === trigger);

/**
 * The status `trigger` moves a task in `status` to. When the table allows several (`modify-finished`), `to` says
 * which; it must be one the table allows.
 */
export const nextTaskStatus = (status: string, trigger: TaskTrigger, to?: TaskStatus): TaskStatus => {
  const allowed = TASK_TRANSITIONS.filter(
    (transition) => transition.from === status && transition.trigger === trigger,
  ).map((transition) => transition.to);
  const target = to ?? (allowed.length === 1 ? allowed[0] : undefined);
  if (target === undefined || !allowed.includes(target)) {
    throw new IllegalTaskTransitionError(
      `A replication task in status ${status} cannot take ${trigger}` +
        (to === undefined ? '' : ` to ${to}`) +
        ` (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
    );
  }
  return target;
};

/** Moves a task along the table. */
export const moveTask = (task: { status: string }, trigger: TaskTrigger, to?: TaskStatus): void => {
  task.status = nextTaskStatus(task.status, trigger, to);
};

export const isTaskStatus = (value: string): value is TaskStatus =>
  (TASK_STATUSES as readonly string[]).includes(value);
