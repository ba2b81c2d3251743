/** How lakeshift reads a DMS replication task's state (docs/dms-behaviour.md §2). Pure. */
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import {
  DMS_STOP_REASONS,
  type DmsStopReason,
  FULL_LOAD_DONE_STOP_REASONS,
  parseStopReason,
} from '#contracts/events';

/**
 * `start-replication` only for a task that never ran; using it on a task that ran reloads the target, and using
 * `resume-processing` on a fresh task gives data errors (docs/dms-behaviour.md §2.4). Any start date means it
 * ran.
 */
export const startTypeFor = (task: ReplicationTask): 'start-replication' | 'resume-processing' => {
  const stats = task.ReplicationTaskStats;
  const ran =
    task.ReplicationTaskStartDate !== undefined ||
    stats?.StartDate !== undefined ||
    stats?.FreshStartDate !== undefined ||
    stats?.FullLoadStartDate !== undefined;
  return ran ? 'resume-processing' : 'start-replication';
};

/** A stop reason written bare (`FULL_LOAD_ONLY_FINISHED`), as the API's StopReason member may hold it. */
const bareStopReason = (text: string | undefined): string | undefined => {
  const trimmed = text?.trim().replace(/\.$/, '');
  return trimmed && (DMS_STOP_REASONS as readonly string[]).includes(trimmed) ? trimmed : undefined;
};

/** The stop reason token, read out of DMS free text (`StopReason` often embeds it in a longer message). */
export const stopReasonOf = (task: ReplicationTask): string | undefined =>
  parseStopReason(task.StopReason) ??
  bareStopReason(task.StopReason) ??
  parseStopReason(task.LastFailureMessage);

const isOneOf =
  (reasons: readonly DmsStopReason[]) =>
  (stopReason: string | undefined): boolean =>
    stopReason !== undefined && (reasons as readonly string[]).includes(stopReason);

/** True when the full load and its cached changes are done: the step-down boundary (docs/design.md §1.6). */
export const isFullLoadDone = isOneOf(FULL_LOAD_DONE_STOP_REASONS);

/** Stop reasons that mean the task stopped on an error rather than by request or at a planned point. */
export const ERROR_STOP_REASONS: readonly DmsStopReason[] = [
  'RECOVERABLE_ERROR',
  'FATAL_ERROR',
  'STOPPED_DUE_TO_LOW_MEMORY',
  'STOPPED_DUE_TO_LOW_DISK',
];

export const isErrorStop = isOneOf(ERROR_STOP_REASONS);

/** Statuses in which DMS accepts neither a start nor a stop until it finishes what it is doing. */
export const TRANSITIONAL_TASK_STATUSES: readonly string[] = [
  'creating',
  'starting',
  'stopping',
  'modifying',
  'moving',
  'testing',
  'deleting',
];
