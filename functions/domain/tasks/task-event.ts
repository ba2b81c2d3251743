/**
 * What a DMS task state-change event means for lakeshift (docs/dms-behaviour.md §3.1): the full load and
 * cached changes are done, the task failed, it stopped on an error DMS retries by itself, or nothing
 * lakeshift acts on. The stop reason arrives inside free text, so it is parsed out. Pure.
 */
import { DMS_EVENT_IDS, DMS_TASK_EVENT_TYPES, parseStopReason } from '#contracts/events';
import { isErrorStop, isFullLoadDone } from './task-state.ts';

export interface TaskEventDetail {
  readonly eventType?: string | undefined;
  /** Rules in the wild match `eventId`; AWS's sample event names the same id `eventName`. */
  readonly eventId?: string | undefined;
  readonly eventName?: string | undefined;
  readonly category?: string | undefined;
  readonly detailMessage?: string | undefined;
}

/**
 * `stopped-without-reason`: a stop event whose message names no stop reason (captured payloads read just
 * "Replication task stopped"); the task's `StopReason` decides, read with DescribeReplicationTasks.
 */
export type TaskEventMeaning =
  | 'full-load-done'
  | 'failed'
  | 'recoverable'
  | 'stopped-without-reason'
  | 'other';

export interface ClassifiedTaskEvent {
  readonly meaning: TaskEventMeaning;
  readonly stopReason: string | undefined;
}

/** DMS keeps retrying a task that stopped on a recoverable error (ErrorBehavior); lakeshift must not race it. */
const RECOVERABLE = 'RECOVERABLE_ERROR';

/**
 * Classifies an event; `describedStopReason` is the task's StopReason as DescribeReplicationTasks reports it, for a
 * stop event whose message carries none.
 */
export const classifyTaskEvent = (
  detail: TaskEventDetail,
  describedStopReason?: string,
): ClassifiedTaskEvent => {
  const stopReason = parseStopReason(detail.detailMessage) ?? describedStopReason;
  const eventId = detail.eventId ?? detail.eventName;
  // Captured failure payloads have no eventId (docs/dms-behaviour.md §3.1): match the type and category too.
  const failed =
    detail.eventType === DMS_TASK_EVENT_TYPES.failed ||
    eventId === DMS_EVENT_IDS.taskFailed ||
    detail.category === 'Failure';
  const stopped = detail.eventType === DMS_TASK_EVENT_TYPES.stopped || eventId === DMS_EVENT_IDS.taskStopped;
  if (failed || (stopped && isErrorStop(stopReason))) {
    return { meaning: stopReason === RECOVERABLE ? 'recoverable' : 'failed', stopReason };
  }
  if (stopped && isFullLoadDone(stopReason)) return { meaning: 'full-load-done', stopReason };
  if (stopped && stopReason === undefined) return { meaning: 'stopped-without-reason', stopReason };
  return { meaning: 'other', stopReason };
};
