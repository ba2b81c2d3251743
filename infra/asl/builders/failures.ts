/**
 * How a database's run ends when something fails: a give-up of any wait becomes a `WaitTimedOut` error, the
 * failure is recorded in the registry (phase FAILED, which publishes Migration Failed), and the machine then ends
 * in a Fail state named after the error, or, inside a Map, reports FAILED and lets the other databases go on.
 */
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { GAVE_UP_WAITING } from './poll-loop.ts';
import { catchAll, ERROR_PATH, lambdaTask } from './tasks.ts';
import type { Catcher, FailState, States } from './types.ts';

/** Every failure goes here to be recorded. */
export const RECORD_FAILURE = 'RecordFailure';
const FAILED_BECAUSE = 'FailedBecause';

/** The catcher of every step whose failure the run records: any error goes to RecordFailure. */
export const RECORD_ANY_ERROR: readonly Catcher[] = [catchAll(RECORD_FAILURE)];

/** A Fail state whose cause is read from the state's input. */
export const failState = (error: string, causePath: string, comment?: string): FailState => ({
  Type: 'Fail',
  ...(comment === undefined ? {} : { Comment: comment }),
  Error: error,
  CausePath: causePath,
});

/** How the failure states end the run after recording. */
export type FailureEnd =
  /** In a Fail state: `WaitTimedOut` for a give-up, `error` for anything else. */
  | { readonly fail: (typeof FAIL_STATE_ERRORS)['migrationFailed' | 'resizeFailed'] }
  /** As a Map item's result `FAILED`. */
  | { readonly reportFailed: string };

const ending = (end: FailureEnd): States =>
  'fail' in end
    ? {
        [FAILED_BECAUSE]: {
          Type: 'Choice',
          Choices: [
            {
              Variable: `${ERROR_PATH}.Error`,
              StringEquals: FAIL_STATE_ERRORS.waitTimedOut,
              Next: FAIL_STATE_ERRORS.waitTimedOut,
            },
          ],
          Default: end.fail,
        },
        [FAIL_STATE_ERRORS.waitTimedOut]: failState(FAIL_STATE_ERRORS.waitTimedOut, `${ERROR_PATH}.Cause`),
        [end.fail]: failState(end.fail, `${ERROR_PATH}.Cause`),
      }
    : { [FAILED_BECAUSE]: { Type: 'Pass', Comment: end.reportFailed, Result: 'FAILED', End: true } };

/** GaveUpWaiting, RecordFailure and the ending, in order. */
export const failureStates = (end: FailureEnd): States => ({
  [GAVE_UP_WAITING]: {
    Type: 'Pass',
    Comment: 'A bounded wait ran out of attempts.',
    Parameters: {
      Error: FAIL_STATE_ERRORS.waitTimedOut,
      'Cause.$':
        "States.Format('Gave up waiting for {} after {} checks (last status: {})', $.probe.kind, $.probe.attempt, $.probe.status)",
    },
    ResultPath: ERROR_PATH,
    Next: RECORD_FAILURE,
  },
  [RECORD_FAILURE]: lambdaTask({
    handler: 'record-phase',
    comment: 'Phase FAILED in the registry, with the error and its cause; publishes Migration Failed.',
    payload: {
      'migrationId.$': '$.migrationId',
      'databaseId.$': '$.databaseId',
      phase: 'FAILED',
      'error.$': ERROR_PATH,
    },
    resultPath: null,
    // Recording may itself fail; the run still ends in the failure it was recording.
    catch: [catchAll(FAILED_BECAUSE, '$.recordFailureError')],
    next: FAILED_BECAUSE,
  }),
  ...ending(end),
});
