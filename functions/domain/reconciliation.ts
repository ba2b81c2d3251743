/**
 * The reconciler's decisions (docs/design.md §1.5: edge-triggered, level-corrected), from the registry items
 * and what DMS says about their tasks. Pure: the reconcile handler carries the actions out.
 */
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import type { Phase } from '#contracts/phases';
import type { RegistryKey } from '#contracts/registry-item';
import { FULL_LOAD_WAIT } from '#contracts/waits';
import type { RegistryItem } from '#domain/registry-item';
import { isErrorStop, isFullLoadDone, stopReasonOf } from '#domain/tasks/task-state';

/**
 * DMS retries a recoverable error with a doubling interval capped at RecoverableErrorThrottlingMax (30 minutes by
 * default, docs/dms-behaviour.md §7.1). A task still stopped well after that has been given up on by DMS.
 */
export const DMS_GAVE_UP_AFTER_MS = 45 * 60 * 1000;

const RESUMABLE_PHASES: readonly Phase[] = ['FULL_LOAD', 'CDC'];

export type ReconcileAction =
  | {
      readonly kind: 'complete-full-load';
      readonly key: RegistryKey;
      readonly taskArn: string;
      readonly stopReason: string;
      readonly stoppedAt: string;
    }
  | { readonly kind: 'fail-wait'; readonly key: RegistryKey; readonly cause: string }
  | { readonly kind: 'heartbeat'; readonly key: RegistryKey; readonly token: string }
  | {
      readonly kind: 'resume';
      readonly key: RegistryKey;
      readonly taskArn: string;
      readonly stoppedAt: string;
    }
  | { readonly kind: 'drift'; readonly key: RegistryKey; readonly issue: string };

const keyOf = (item: RegistryItem): RegistryKey => ({
  migrationId: item.migrationId,
  databaseId: item.databaseId,
});

const failureText = (task: ReplicationTask, stopReason: string | undefined): string =>
  task.LastFailureMessage ??
  task.StopReason ??
  `replication task ${task.Status ?? 'failed'} (${stopReason ?? 'no stop reason'})`;

const actionsFor = (
  item: RegistryItem,
  task: ReplicationTask | undefined,
  nowMs: number,
): ReconcileAction[] => {
  const key = keyOf(item);
  if (!item.taskArn) return [];
  if (!task)
    return [
      { kind: 'drift', key, issue: `the registry names task ${item.taskArn}, which DMS does not know` },
    ];
  const status = task.Status ?? 'unknown';
  const stopReason = stopReasonOf(task);
  const stoppedAt = task.ReplicationTaskStats?.StopDate;
  const waiting = item.taskToken?.waitingFor === FULL_LOAD_WAIT ? item.taskToken : undefined;
  const recoverable = stopReason === 'RECOVERABLE_ERROR' && (status === 'stopped' || status === 'failed');
  const fatal = !recoverable && (status === 'failed' || (status === 'stopped' && isErrorStop(stopReason)));

  if (waiting && status === 'stopped' && isFullLoadDone(stopReason) && stopReason) {
    return [
      {
        kind: 'complete-full-load',
        key,
        taskArn: item.taskArn,
        stopReason,
        stoppedAt: (stoppedAt ?? new Date(nowMs)).toISOString(),
      },
    ];
  }
  if (waiting && fatal) return [{ kind: 'fail-wait', key, cause: failureText(task, stopReason) }];
  if (recoverable && RESUMABLE_PHASES.includes(item.phase)) {
    if (!stoppedAt)
      return [{ kind: 'drift', key, issue: `task ${status} on ${stopReason} without a stop date` }];
    if (nowMs - stoppedAt.getTime() >= DMS_GAVE_UP_AFTER_MS) {
      return [{ kind: 'resume', key, taskArn: item.taskArn, stoppedAt: stoppedAt.toISOString() }];
    }
  }
  const actions: ReconcileAction[] = waiting ? [{ kind: 'heartbeat', key, token: waiting.token }] : [];
  if (item.phase === 'CDC' && status !== 'running' && !recoverable) {
    actions.push({
      kind: 'drift',
      key,
      issue: `phase CDC but the task is ${status}${stopReason ? ` (${stopReason})` : ''}`,
    });
  }
  if (item.phase === 'FULL_LOAD' && !waiting && status === 'stopped' && isFullLoadDone(stopReason)) {
    actions.push({ kind: 'drift', key, issue: 'the full load is done but no execution is waiting for it' });
  }
  return actions;
};

/** What to do for every active database, given its task as DMS describes it (absent: DMS does not know it). */
export const planReconciliation = (
  items: readonly RegistryItem[],
  tasks: readonly ReplicationTask[],
  now: string,
): ReconcileAction[] => {
  const nowMs = Date.parse(now);
  const byArn = new Map(tasks.map((task) => [task.ReplicationTaskArn, task]));
  return items.flatMap((item) => actionsFor(item, item.taskArn ? byArn.get(item.taskArn) : undefined, nowMs));
};
