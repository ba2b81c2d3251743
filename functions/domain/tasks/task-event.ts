/**
 * What a DMS task state-change event means for lakeshift (docs/dms-behaviour.md §3.1): the full load and
 * cached changes are done, the task failed, it stopped on an error DMS retries by itself, or nothing
 * lakeshift acts on. The stop reason arrives inside free text, so it is parsed out. Pure.
 */
import { DMS_EVENT_IDS, DMS_TASK_EVENT_TYPES, parseStopReason } from '#contracts/events';
import { isErrorStop, isFullLoadDone } from './task-state.ts';

export interface TaskEventDetail {
  readonly eventType?: string | undefined;
  readonly eventId?: string | undefined;
  readonly category?: string | undefined;
  readonly detailMessage?: string | undefined;
}

export type TaskEventMeaning = 'full-load-done' | 'failed' | 'recoverable' | 'other';

export interface ClassifiedTaskEvent {
  readonly meaning: TaskEventMeaning;
  readonly stopReason: string | undefined;
}

/** DMS keeps retrying a task that stopped on a recoverable error (ErrorBehavior); lakeshift must not race it. */
const RECOVERABLE = 'RECOVERABLE_ERROR';

export const classifyTaskEvent = (detail: TaskEventDetail): ClassifiedTaskEvent => {
  const stopReason = parseStopReason(detail.detailMessage);
  // Captured failure payloads have no eventId (docs/dms-behaviour.md §3.1): match the type and category too.
  const failed =
    detail.eventType === DMS_TASK_EVENT_TYPES.failed ||
    detail.eventId === DMS_EVENT_IDS.taskFailed ||
    detail.category === 'Failure';
  const stopped =
    detail.eventType === DMS_TASK_EVENT_TYPES.stopped || detail.eventId === DMS_EVENT_IDS.taskStopped;
  if (failed || (stopped && isErrorStop(stopReason))) {
    return { meaning: stopReason === RECOVERABLE ? 'recoverable' : 'failed', stopReason };
  }
  if (stopped && isFullLoadDone(stopReason)) return { meaning: 'full-load-done', stopReason };
  return { meaning: 'other', stopReason };
};
