/**
 * The reconciler's decisions (docs/design.md §1.5: edge-triggered, level-corrected), from the registry items
 * and what DMS says about their tasks. Pure: the reconcile handler carries the actions out.
 */
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import { ERROR_NAMES } from '#contracts/errors';
import type { Phase } from '#contracts/phases';
import type { RegistryKey, StoredTaskToken } from '#contracts/registry-item';
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
      readonly token: StoredTaskToken;
      readonly taskArn: string;
      readonly stopReason: string;
      readonly stoppedAt: string;
    }
  | {
      readonly kind: 'fail-wait';
      readonly key: RegistryKey;
      readonly token: StoredTaskToken;
      /** The error name the wait fails with; ReplicationTaskFailed when absent. */
      readonly error?: string;
      readonly cause: string;
    }
  | {
      readonly kind: 'heartbeat';
      readonly key: RegistryKey;
      readonly token: StoredTaskToken;
      /** The full load advanced: what it had done, to be recorded. */
      readonly progress?: FullLoadProgress;
    }
  | {
      readonly kind: 'resume';
      readonly key: RegistryKey;
      readonly taskArn: string;
      readonly stoppedAt: string;
    }
  | {
      /** A failed resize left the task to be resumed, and it runs again: back to CDC on the instance's class. */
      readonly kind: 'finish-resume';
      readonly key: RegistryKey;
      readonly instanceArn: string;
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
  stallMs: number,
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
  if (item.resumePending) return resumeActions(item, task, key);
  const waiting = item.taskToken?.waitingFor === FULL_LOAD_WAIT ? item.taskToken : undefined;
  const recoverable = stopReason === 'RECOVERABLE_ERROR' && (status === 'stopped' || status === 'failed');
  const fatal = !recoverable && (status === 'failed' || (status === 'stopped' && isErrorStop(stopReason)));

  if (waiting && status === 'stopped' && isFullLoadDone(stopReason) && stopReason) {
    return [
      {
        kind: 'complete-full-load',
        key,
        token: waiting,
        taskArn: item.taskArn,
        stopReason,
        stoppedAt: (stoppedAt ?? new Date(nowMs)).toISOString(),
      },
    ];
  }
  if (waiting && fatal) {
    return [{ kind: 'fail-wait', key, token: waiting, cause: failureText(task, stopReason) }];
  }
  if (recoverable && RESUMABLE_PHASES.includes(item.phase)) {
    if (!stoppedAt)
      return [{ kind: 'drift', key, issue: `task ${status} on ${stopReason} without a stop date` }];
    if (nowMs - stoppedAt.getTime() >= DMS_GAVE_UP_AFTER_MS) {
      return [{ kind: 'resume', key, taskArn: item.taskArn, stoppedAt: stoppedAt.toISOString() }];
    }
  }
  const actions: ReconcileAction[] = waiting ? fullLoadWaitActions(item, task, waiting, nowMs, stallMs) : [];
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

const RESUMABLE_STATUSES = ['stopped', 'ready', 'failed'];

/** A task a failed resize could not resume: resume it (again, every sweep) until it runs, then finish. */
const resumeActions = (item: RegistryItem, task: ReplicationTask, key: RegistryKey): ReconcileAction[] => {
  const status = task.Status ?? 'unknown';
  const since = item.resumePending?.since ?? '';
  // Teardown wins: it stops the task, nothing resumes it.
  if (item.phase === 'TEARING_DOWN') return [];
  if (status === 'running' && item.instanceArn) {
    return [{ kind: 'finish-resume', key, instanceArn: item.instanceArn }];
  }
  if (RESUMABLE_STATUSES.includes(status) && item.taskArn) {
    return [{ kind: 'resume', key, taskArn: item.taskArn, stoppedAt: since }];
  }
  return [{ kind: 'drift', key, issue: `waiting to resume CDC since ${since}; the task is ${status}` }];
};

/** Waits end by progress, not by date: a full load that advances is kept alive however long it takes. */
export const DEFAULT_FULL_LOAD_STALL_MINUTES = 360;

export interface FullLoadProgress {
  readonly mark: string;
  readonly advancedAt: string;
}

/** What a running full load has done, as one comparable value. */
const progressMark = (task: ReplicationTask): string => {
  const stats = task.ReplicationTaskStats;
  return [stats?.FullLoadProgressPercent, stats?.TablesLoaded, stats?.TablesLoading, stats?.TablesQueued]
    .map((value) => String(value ?? '-'))
    .join('/');
};

/** Keep a running full load's wait alive while it advances; fail it once it has not for `stallMs`. */
const fullLoadWaitActions = (
  item: RegistryItem,
  task: ReplicationTask,
  waiting: StoredTaskToken,
  nowMs: number,
  stallMs: number,
): ReconcileAction[] => {
  const key = keyOf(item);
  if (task.Status !== 'running') return [{ kind: 'heartbeat', key, token: waiting }];
  const mark = progressMark(task);
  const seen = item.fullLoadProgress;
  if (!seen || seen.mark !== mark) {
    const progress = { mark, advancedAt: new Date(nowMs).toISOString() };
    return [{ kind: 'heartbeat', key, token: waiting, progress }];
  }
  if (nowMs - Date.parse(seen.advancedAt) < stallMs) return [{ kind: 'heartbeat', key, token: waiting }];
  const minutes = Math.round(stallMs / 60_000);
  return [
    {
      kind: 'fail-wait',
      key,
      token: waiting,
      error: ERROR_NAMES.fullLoadStalled,
      cause: `the full load has not advanced for ${minutes} minutes (percent/loaded/loading/queued: ${mark}, unchanged since ${seen.advancedAt})`,
    },
  ];
};

/**
 * What a sweep can still do when DMS could not be asked (the describe failed, e.g. refused by the shared API budget):
 * keep every full-load wait alive. Without DMS's answer nothing is completed, failed or resumed, and no progress is
 * recorded, so a load that has stopped advancing is still failed once a later sweep can see it. One busy moment of
 * the account's budget must not cost every waiting database its heartbeat.
 */
export const heartbeatsWithoutDms = (items: readonly RegistryItem[]): ReconcileAction[] =>
  items.flatMap((item) => {
    const token = item.taskToken;
    if (token?.waitingFor !== FULL_LOAD_WAIT || item.resumePending) return [];
    return [{ kind: 'heartbeat', key: keyOf(item), token }];
  });

/** What to do for every active database, given its task as DMS describes it (absent: DMS does not know it). */
export const planReconciliation = (
  items: readonly RegistryItem[],
  tasks: readonly ReplicationTask[],
  now: string,
  options: { readonly fullLoadStallMinutes?: number } = {},
): ReconcileAction[] => {
  const nowMs = Date.parse(now);
  const stallMs = (options.fullLoadStallMinutes ?? DEFAULT_FULL_LOAD_STALL_MINUTES) * 60_000;
  const byArn = new Map(tasks.map((task) => [task.ReplicationTaskArn, task]));
  return items.flatMap((item) =>
    actionsFor(item, item.taskArn ? byArn.get(item.taskArn) : undefined, nowMs, stallMs),
  );
};
