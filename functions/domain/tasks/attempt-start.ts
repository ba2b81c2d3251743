/**
 * How an attempt starts the task it created or adopted (docs/failure-semantics.md, "Retry and re-run"). Pure.
 * A retry adopts the failed attempt's task as it is: one that never ran starts afresh, one stopped inside the
 * full load resumes it, and one whose full load is finished (running CDC, or stopped after the full load) is
 * neither started nor reloaded: the attempt goes on at the step-down, which resumes it.
 */
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import { isFullLoadDone, startTypeFor, stopReasonOf } from './task-state.ts';

export type AttemptStart =
  | {
      /** The full load is still to do: start or resume it here, then wait for it. */
      readonly fullLoadDone: false;
      readonly startType: 'start-replication' | 'resume-processing' | 'none';
    }
  | {
      /** The full load is done: no start here, the step-down stops (if running), decides and resumes. */
      readonly fullLoadDone: true;
      readonly startType: 'none';
    };

/** Statuses in which the task is already on its way: nothing to start. */
const UNDER_WAY: readonly string[] = ['running', 'starting'];

/**
 * True when DMS has finished the task's full load: it records the finish date, and a task it stopped at the
 * full-load boundary says so in its stop reason.
 */
export const hasFinishedFullLoad = (task: ReplicationTask): boolean =>
  task.ReplicationTaskStats?.FullLoadFinishDate !== undefined || isFullLoadDone(stopReasonOf(task));

export const decideAttemptStart = (task: ReplicationTask): AttemptStart => {
  if (hasFinishedFullLoad(task)) return { fullLoadDone: true, startType: 'none' };
  if (UNDER_WAY.includes(task.Status ?? '')) return { fullLoadDone: false, startType: 'none' };
  return { fullLoadDone: false, startType: startTypeFor(task) };
};
