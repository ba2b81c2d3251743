/**
 * A resize never leaves CDC stopped (docs/failure-semantics.md). Every step between stopping the task and seeing it
 * run again catches into these states, which wait for the instance to settle on whatever class it has, resume the
 * task there, and record the failed attempt (phase CDC, history, Resize Failed). If that cannot be done, the
 * database is marked for the reconciler to resume, and the run ends in ResizeFailed.
 */
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { failState, gaveUpWaiting, RECORD_FAILURE } from '../builders/failures.ts';
import { pollLoop } from '../builders/poll-loop.ts';
import { catchAll, lambdaTask } from '../builders/tasks.ts';
import type { Catcher, JsonObject, States } from '../builders/types.ts';
import { POLL_LIMITS } from '../limits.ts';
import { DATABASE_KEY } from './common.ts';

/** Where the failure that stopped the resize is kept; later catches write elsewhere. */
export const RESIZE_ERROR_PATH = '$.resizeError';
const RECOVERY_START = 'StartInstanceSettledWait';
const RESUME_PENDING = 'MarkResumePending';

/** The catcher of every step between stopping the task and seeing it run again. */
export const RECOVER_CDC: readonly Catcher[] = [catchAll(RECOVERY_START, RESIZE_ERROR_PATH)];

/** The first state of the recovery, for a state that prepares the recovery's input first. */
export const CDC_RECOVERY_START = RECOVERY_START;

const RESIZE_GAVE_UP = 'ResizeGaveUpWaiting';

/** How a wait between stopping the task and seeing it run again ends on an error or a give-up: in the recovery. */
export const RECOVER_CDC_WAIT = {
  onError: RECOVERY_START,
  errorPath: RESIZE_ERROR_PATH,
  onGiveUp: RESIZE_GAVE_UP,
} as const;

export interface CdcRecoveryProps {
  /** `instanceArn` of the instance, as payload fields. */
  readonly instance: JsonObject;
  /** `taskArn` of the task, as payload fields. */
  readonly task: JsonObject;
  /** JSONPath of the resize decision (fromClass, toClass, action, lockHolder). */
  readonly decisionPath: string;
  /** The state after CDC runs again and the failure is recorded; `$.recovered.instanceClass` is the class. */
  readonly next: string;
}

export const cdcRecoveryStates = (props: CdcRecoveryProps): States => ({
  [RESIZE_GAVE_UP]: gaveUpWaiting(RESIZE_ERROR_PATH, RECOVERY_START),
  ...pollLoop({
    name: 'InstanceSettled',
    comment: 'The resize failed: wait until the instance is available again, on whatever class it has.',
    probe: 'instance-available',
    limits: POLL_LIMITS.instanceSettling,
    resource: props.instance,
    next: 'ResumeOnCurrentClass',
    onError: RESUME_PENDING,
    onGiveUp: RESUME_PENDING,
  }),
  ResumeOnCurrentClass: lambdaTask({
    handler: 'start-task',
    comment: 'resume-processing on the class the instance has now.',
    payload: { ...DATABASE_KEY, ...props.task, ...props.instance },
    resultSelector: { 'instanceClass.$': '$.Payload.instanceClass' },
    resultPath: '$.recovered',
    catch: [catchAll(RESUME_PENDING, '$.recoveryError')],
    next: 'StartTaskRunningAfterFailureWait',
  }),
  ...pollLoop({
    name: 'TaskRunningAfterFailure',
    comment: 'CDC runs again after the failed resize.',
    probe: 'task-running',
    limits: POLL_LIMITS.taskStatus,
    resource: props.task,
    next: 'RecordResizeFailed',
    onError: RESUME_PENDING,
    onGiveUp: RESUME_PENDING,
  }),
  RecordResizeFailed: lambdaTask({
    handler: 'record-phase',
    comment:
      'Phase CDC on the current class; the failed attempt in the history; releases the lock; Resize Failed.',
    payload: {
      ...DATABASE_KEY,
      phase: 'CDC',
      'resize.$': props.decisionPath,
      resizeFailed: {
        'error.$': RESIZE_ERROR_PATH,
        'instanceClass.$': '$.recovered.instanceClass',
        resumed: true,
      },
    },
    resultPath: null,
    catch: [catchAll(RECORD_FAILURE)],
    next: props.next,
  }),
  [RESUME_PENDING]: lambdaTask({
    handler: 'record-phase',
    comment: 'CDC could not be resumed: the reconciler resumes it, and a health alarm watches it.',
    payload: {
      ...DATABASE_KEY,
      phase: 'CDC',
      'resize.$': props.decisionPath,
      resizeFailed: { 'error.$': RESIZE_ERROR_PATH, resumed: false },
    },
    resultPath: null,
    catch: [catchAll(RECORD_FAILURE)],
    next: 'ResumeLeftToReconciler',
  }),
  ResumeLeftToReconciler: failState(FAIL_STATE_ERRORS.resizeFailed, `${RESIZE_ERROR_PATH}.Cause`),
});
