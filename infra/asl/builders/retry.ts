/**
 * The retry policies of every Task, defined once. Lambda tasks retry the named transient errors our handlers
 * throw (busy, throttled, registry conflict) and Lambda's own service errors; nested executions retry Step
 * Functions' transient errors. Full jitter keeps many executions from retrying in lockstep.
 */
import { ERROR_NAMES, RETRYABLE_ERRORS } from '#contracts/errors';
import type { Retrier } from './types.ts';

interface Backoff {
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly maxDelaySeconds: number;
}

const retrier = (errors: readonly string[], backoff: Backoff): Retrier => ({
  ErrorEquals: errors,
  IntervalSeconds: backoff.intervalSeconds,
  MaxAttempts: backoff.maxAttempts,
  BackoffRate: 2,
  MaxDelaySeconds: backoff.maxDelaySeconds,
  JitterStrategy: 'FULL',
});

/**
 * Errors the Lambda service itself reports when an invoke fails before or around the handler, and `Lambda.Unknown`:
 * a handler that crashed or timed out (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 * Every handler is idempotent, so running it again is safe.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.Unknown',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** Transient Step Functions errors of StartExecution. */
export const START_EXECUTION_ERRORS = [
  'StepFunctions.SdkClientException',
  'StepFunctions.AWSStepFunctionsException',
  'StepFunctions.ExecutionLimitExceededException',
] as const;

/**
 * `Throttled` says only that the account's DMS API budget is busy (docs/design.md §1.7): with hundreds of databases
 * it may stay busy for minutes, and that is no reason for a database to fail. It is retried patiently, about half
 * an hour of backoff capped at a minute, before the database fails; busy resources and registry conflicts keep the
 * short policy.
 */
const THROTTLED_RETRY = retrier([ERROR_NAMES.throttled], {
  intervalSeconds: 5,
  maxAttempts: 35,
  maxDelaySeconds: 60,
});

/** The retry policy of every Lambda task. */
export const LAMBDA_TASK_RETRY: readonly Retrier[] = [
  THROTTLED_RETRY,
  retrier(
    RETRYABLE_ERRORS.filter((name) => name !== ERROR_NAMES.throttled),
    { intervalSeconds: 5, maxAttempts: 6, maxDelaySeconds: 120 },
  ),
  retrier(LAMBDA_SERVICE_ERRORS, { intervalSeconds: 2, maxAttempts: 6, maxDelaySeconds: 60 }),
];

/** The retry policy of every nested execution. */
export const START_EXECUTION_RETRY: readonly Retrier[] = [
  retrier(START_EXECUTION_ERRORS, { intervalSeconds: 5, maxAttempts: 6, maxDelaySeconds: 120 }),
];

/**
 * Looking again for the slot a task creates as it starts: DMS creates it while the task is starting, so the first
 * looks may come too early. Bounded: about ten minutes in all, then the lookup gives up (and records nothing).
 */
export const SLOT_LOOKUP_RETRY: readonly Retrier[] = [
  retrier([ERROR_NAMES.slotNotYetCreated], { intervalSeconds: 10, maxAttempts: 12, maxDelaySeconds: 60 }),
];

/**
 * A source the slot-dropping handler cannot reach at teardown: a network blip passes, so look again a few times
 * before teardown fails naming it (a slot left behind keeps WAL on the source).
 */
export const SOURCE_UNREACHABLE_RETRY: readonly Retrier[] = [
  retrier([ERROR_NAMES.sourceUnreachable], { intervalSeconds: 5, maxAttempts: 6, maxDelaySeconds: 120 }),
];
