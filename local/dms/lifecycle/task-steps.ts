/**
 * A replication task's steps outside its runs: creation (`creating` → `ready`), modification (`modifying` → the
 * status before) and deletion (`deleting` → gone). Runs (start, stop, failures) are the task runner's.
 */
import { endpointDescription } from '../state/endpoint-description.ts';
import type { TaskRecord } from '../state/records.ts';
import type { LifecycleScope } from './scope.ts';
import { isTaskStatus, moveTask } from './task-transitions.ts';

/** CreateReplicationTask accepted the task (status `creating`). */
export const taskCreating = (ctx: LifecycleScope, task: TaskRecord): void => {
  ctx.timers.schedule({ type: 'task-ready', arn: task.arn }, ctx.config.durations.taskCreate);
};

export const onTaskReady = (ctx: LifecycleScope, task: TaskRecord): void => {
  if (task.status !== 'creating') return;
  moveTask(task, 'create-finished');
  ctx.events.publish('task-created', task);
};

/** ModifyReplicationTask accepted the new settings (already on the record). */
export const modifyTask = (ctx: LifecycleScope, task: TaskRecord): void => {
  task.statusBeforeModify = task.status;
  moveTask(task, 'ModifyReplicationTask');
  ctx.timers.schedule({ type: 'task-modified', arn: task.arn }, ctx.config.durations.taskModify);
};

export const onTaskModified = (ctx: LifecycleScope, task: TaskRecord): void => {
  if (task.status !== 'modifying') return;
  const before = task.statusBeforeModify;
  moveTask(
    task,
    'modify-finished',
    before !== undefined && isTaskStatus(before) ? before : task.hasRun ? 'stopped' : 'ready',
  );
  delete task.statusBeforeModify;
  ctx.events.publish('task-modified', task);
};

export const deleteTask = (ctx: LifecycleScope, task: TaskRecord): void => {
  ctx.timers.cancelFor(task.arn);
  releaseSource(ctx, task, ctx.runner.forget(task.arn));
  moveTask(task, 'DeleteReplicationTask');
  ctx.timers.schedule({ type: 'task-deleted', arn: task.arn }, ctx.config.durations.taskDelete);
};

/** The deletion's time is up: the task goes once the source is released (it shows `deleting` until then). */
export const onTaskDeleted = (ctx: LifecycleScope, task: TaskRecord): void => {
  void ctx.runner.releaseOf(task.arn).then(() => {
    if (ctx.state.tasks[task.arn] !== task) return;
    delete ctx.state.tasks[task.arn];
    delete ctx.state.tags[task.arn];
    ctx.events.publish('task-deleted', task);
    ctx.changed();
  });
};

/**
 * DMS drops the replication slot it created for a task when the task is deleted (docs/source-safety.md); the
 * workload does it once the task's last run has closed its connections. A source it cannot reach keeps the slot,
 * as nothing else would drop it: that is what lakeshift's own drop at teardown is for.
 */
const releaseSource = (ctx: LifecycleScope, task: TaskRecord, runEnded: Promise<void>): void => {
  const source = ctx.state.endpoints[task.sourceArn];
  if (!source) return;
  const description = endpointDescription(source, ctx.state);
  const deleted = {
    taskArn: task.arn,
    source: description,
    ...(task.checkpoint === undefined ? {} : { checkpoint: task.checkpoint }),
  };
  const released = runEnded
    .then(() => ctx.workloadFor(description))
    .then((workload) => workload.taskDeleted?.(deleted))
    .catch(() => undefined);
  ctx.runner.trackRelease(task.arn, released);
};
