/** Payload fields and steps more than one machine takes the same way. */
import { pollLoop } from '../builders/poll-loop.ts';
import type { JsonObject, States } from '../builders/types.ts';
import { POLL_LIMITS } from '../limits.ts';

/** The registry key of the database a run works on. */
export const DATABASE_KEY = { 'migrationId.$': '$.migrationId', 'databaseId.$': '$.databaseId' } as const;

/** The running execution's ARN: a step that takes the resize lock records it, so that a teardown can stop it. */
export const EXECUTION_ARN = { 'executionArn.$': '$$.Execution.Id' } as const;

/** Phase `phase` in the registry for the run's database. */
export const recordPhasePayload = (phase: string) => ({ ...DATABASE_KEY, phase }) as const;

/**
 * After resume-processing: wait until the task runs CDC again, then go to `next`; an error or a give-up goes to
 * `onFailure` (the recovery that resumes the task on the class the instance has).
 */
export const taskRunningAgain = (
  task: JsonObject,
  next: string,
  onFailure: { readonly onError: string; readonly errorPath?: string; readonly onGiveUp?: string },
): States =>
  pollLoop({
    name: 'TaskRunning',
    comment: 'CDC is running again.',
    probe: 'task-running',
    limits: POLL_LIMITS.taskStatus,
    resource: task,
    next,
    ...onFailure,
  });
