/**
 * The service integrations aws-local-stepfunctions lacks, bound per execution to its Task states:
 * `lambda:invoke` (and bare function ARNs) on the in-process handlers with Lambda's payload envelope and error
 * semantics; `.waitForTaskToken` with real tokens; `states:startExecution` (async, `.sync`, `.sync:2`,
 * `.waitForTaskToken`) as nested executions; and Wait states on the shared clock. Task TimeoutSeconds, and Retry
 * intervals with their backoff and jitter, also run on the clock: the runtime sleeps before rethrowing an error the
 * library will retry, and tells the library to retry at once.
 */

import { LOCAL_REGION } from '#local/aws/shared/account';
import { resolveReferencePath } from '#local/aws/shared/reference-path';
import type { Clock } from '../../clock.ts';
import { AwsServiceError } from '../../http/service.ts';
import type { LocalLambda } from '../lambda/functions.ts';
import type { LocalTaskState, PreparedDefinition, Retrier, StartExecutionMode } from './definition.ts';
import type { ExecutionHistory } from './history.ts';
import { TaskError } from './task-error.ts';
import type { TaskTokens } from './task-tokens.ts';

/** What a nested execution looks like to the integration that started it. */
export interface NestedExecution {
  readonly arn: string;
  readonly startDate: number;
  readonly done: Promise<void>;
  describe(): NestedExecutionDescription;
}

export interface NestedExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface IntegrationDeps {
  readonly clock: Clock;
  readonly lambda: LocalLambda;
  readonly tokens: TaskTokens;
  /** Starts a nested execution (throws AwsServiceError like StartExecution). */
  startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input: string;
    parentArn: string;
  }): NestedExecution;
  stopExecution(executionArn: string, error: string, cause: string): void;
}

export interface ExecutionScope {
  readonly executionArn: string;
  readonly signal: AbortSignal;
  readonly history: ExecutionHistory;
}

type TaskHandler = (input: unknown) => Promise<unknown>;

/** Task handlers for every Task (and converted Wait) state of `prepared`, bound to one execution. */
export const bindTasks = (
  prepared: PreparedDefinition,
  scope: ExecutionScope,
  deps: IntegrationDeps,
): Record<string, TaskHandler> => {
  const attempts = new Map<string, number[]>();
  const handlers: Record<string, TaskHandler> = {};
  for (const state of prepared.tasks.values()) {
    const work = taskWork(state, scope, deps);
    handlers[state.name] = async (input) => {
      try {
        const output = await work(input);
        attempts.delete(state.name);
        return output;
      } catch (error) {
        const counts = attempts.get(state.name) ?? state.retry.map(() => 0);
        const delay = retryDelayMs(state.retry, error instanceof Error ? error.name : 'Error', counts);
        if (delay === undefined) {
          attempts.delete(state.name);
        } else {
          attempts.set(state.name, counts);
          await deps.clock.sleep(delay, scope.signal).catch(() => undefined);
        }
        throw error;
      }
    };
  }
  return handlers;
};

/**
 * The delay before the retry the library is about to make, mirroring its matching (first retrier whose ErrorEquals
 * matches; `States.TaskFailed` does not match timeouts), or undefined when it will not retry. Updates `counts`.
 */
export const retryDelayMs = (
  retriers: readonly Retrier[],
  errorName: string,
  counts: number[],
): number | undefined => {
  for (let i = 0; i < retriers.length; i++) {
    const retrier = retriers[i];
    if (!retrier) continue;
    const matches = retrier.ErrorEquals.some(
      (name) =>
        name === errorName ||
        name === 'States.ALL' ||
        (name === 'States.TaskFailed' && errorName !== 'States.Timeout'),
    );
    if (!matches) continue;
    const attempt = counts[i] ?? 0;
    if (attempt >= (retrier.MaxAttempts ?? 3)) return undefined;
    counts[i] = attempt + 1;
    const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
    const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY) * 1000;
    return retrier.JitterStrategy === 'FULL' ? Math.round(Math.random() * capped) : capped;
  }
  return undefined;
};

const taskWork = (state: LocalTaskState, scope: ExecutionScope, deps: IntegrationDeps): TaskHandler => {
  const task = state.task;
  switch (task.kind) {
    case 'wait':
      return async (input) => {
        await deps.clock.sleep(waitMs(state, input, deps.clock.now()), scope.signal);
        return input;
      };
    case 'lambda-invoke':
      return (input) =>
        recorded(
          state,
          scope,
          deps,
          'lambda',
          task.waitForToken ? 'invoke.waitForTaskToken' : 'invoke',
          input,
          (signal) =>
            task.waitForToken
              ? invokeForToken(state, scope, deps, input, signal)
              : invokeLambda(scope, deps, input),
        );
    case 'lambda-function':
      return (input) =>
        recorded(state, scope, deps, 'lambda', 'invoke', input, async () => {
          const result = await invokeOrFail(scope, deps, task.functionArn, input);
          return result.Payload;
        });
    case 'start-execution':
      return (input) =>
        recorded(state, scope, deps, 'states', startExecutionResource(task.mode), input, (signal) =>
          startNested(scope, deps, task.mode, input, signal),
        );
  }
};

const startExecutionResource = (mode: StartExecutionMode): string =>
  ({
    async: 'startExecution',
    sync: 'startExecution.sync',
    sync2: 'startExecution.sync:2',
    token: 'startExecution.waitForTaskToken',
  })[mode];

/** Runs `work` with the task's history events and its TimeoutSeconds on the clock. */
const recorded = async (
  state: LocalTaskState,
  scope: ExecutionScope,
  deps: IntegrationDeps,
  resourceType: string,
  resource: string,
  input: unknown,
  work: (signal: AbortSignal) => Promise<unknown>,
): Promise<unknown> => {
  const history = scope.history;
  history.task(state.name, 'TaskScheduled', {
    resourceType,
    resource,
    region: LOCAL_REGION,
    parameters: JSON.stringify(input),
    ...(state.timeoutSeconds === undefined ? {} : { timeoutInSeconds: state.timeoutSeconds }),
    ...(state.heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: state.heartbeatSeconds }),
  });
  history.task(state.name, 'TaskStarted', { resourceType, resource });
  const controller = new AbortController();
  const onAbort = () => controller.abort(scope.signal.reason);
  scope.signal.addEventListener('abort', onAbort, { once: true });
  let cancelTimeout: (() => void) | undefined;
  const timedOut =
    state.timeoutSeconds === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          cancelTimeout = deps.clock.schedule((state.timeoutSeconds ?? 0) * 1000, () => {
            const error = new TaskError(
              'States.Timeout',
              `Task ${state.name} timed out after ${state.timeoutSeconds} s`,
            );
            controller.abort(error);
            reject(error);
          });
        });
  try {
    const output = await (timedOut
      ? Promise.race([work(controller.signal), timedOut])
      : work(controller.signal));
    history.task(state.name, 'TaskSucceeded', {
      resourceType,
      resource,
      output: JSON.stringify(output ?? null),
      outputDetails: { truncated: false },
    });
    return output;
  } catch (error) {
    const failure = error instanceof Error ? error : new TaskError('States.TaskFailed', String(error));
    history.task(state.name, failure.name === 'States.Timeout' ? 'TaskTimedOut' : 'TaskFailed', {
      resourceType,
      resource,
      error: failure.name,
      cause: failure.message,
    });
    throw failure;
  } finally {
    cancelTimeout?.();
    scope.signal.removeEventListener('abort', onAbort);
  }
};

const invokeOrFail = async (
  scope: ExecutionScope,
  deps: IntegrationDeps,
  functionName: string,
  payload: unknown,
) => {
  if (!deps.lambda.has(functionName)) {
    throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${functionName}`);
  }
  const result = await deps.lambda.invoke(functionName, payload, { executionArn: scope.executionArn });
  if (result.FunctionError) {
    const errorType = (result.Payload as { errorType?: string } | null)?.errorType ?? 'Error';
    throw new TaskError(errorType, JSON.stringify(result.Payload));
  }
  return result;
};

/** `arn:aws:states:::lambda:invoke`: the output is Lambda's Invoke response, the handler's result in `Payload`. */
const invokeLambda = async (
  scope: ExecutionScope,
  deps: IntegrationDeps,
  input: unknown,
): Promise<unknown> => {
  const parameters = lambdaParameters(input);
  const result = await invokeOrFail(scope, deps, parameters.FunctionName, parameters.Payload);
  return {
    ExecutedVersion: result.ExecutedVersion,
    Payload: result.Payload,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: `${scope.executionArn.split(':').pop()}-${Date.now().toString(16)}` },
    StatusCode: result.StatusCode,
  };
};

const lambdaParameters = (input: unknown): { FunctionName: string; Payload: unknown } => {
  const parameters = input as { FunctionName?: unknown; Payload?: unknown } | null;
  if (typeof parameters?.FunctionName !== 'string') {
    throw new TaskError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName (a string)');
  }
  return { FunctionName: parameters.FunctionName, Payload: parameters.Payload ?? {} };
};

/** `lambda:invoke.waitForTaskToken`: invoke with the token in the payload, then wait for SendTask*. */
const invokeForToken = async (
  state: LocalTaskState,
  scope: ExecutionScope,
  deps: IntegrationDeps,
  input: unknown,
  signal: AbortSignal,
): Promise<unknown> => {
  const token = deps.tokens.claim(scope.executionArn, input);
  if (!token) throw new TaskError('States.Runtime', `State ${state.name} did not pass its task token on`);
  const waiting = deps.tokens.wait(token, {
    heartbeatMs: state.heartbeatSeconds === undefined ? undefined : state.heartbeatSeconds * 1000,
    signal,
  });
  // The wait may end (timeout, abort) while the Lambda still runs; its rejection is observed below.
  waiting.catch(() => undefined);
  try {
    const response = await invokeLambda(scope, deps, input);
    scope.history.task(state.name, 'TaskSubmitted', {
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      output: JSON.stringify(response),
      outputDetails: { truncated: false },
    });
  } catch (error) {
    deps.tokens.discard(token);
    throw error;
  }
  return waiting;
};

const startNested = async (
  scope: ExecutionScope,
  deps: IntegrationDeps,
  mode: StartExecutionMode,
  input: unknown,
  signal: AbortSignal,
): Promise<unknown> => {
  const parameters = (input ?? {}) as { StateMachineArn?: unknown; Name?: unknown; Input?: unknown };
  if (typeof parameters.StateMachineArn !== 'string') {
    throw new TaskError('States.Runtime', 'startExecution needs Parameters.StateMachineArn (a string)');
  }
  const token = mode === 'token' ? deps.tokens.claim(scope.executionArn, input) : undefined;
  const waiting = token ? deps.tokens.wait(token, { signal }) : undefined;
  waiting?.catch(() => undefined);
  let child: NestedExecution;
  try {
    child = deps.startExecution({
      stateMachineArn: parameters.StateMachineArn,
      name: typeof parameters.Name === 'string' ? parameters.Name : undefined,
      input: typeof parameters.Input === 'string' ? parameters.Input : JSON.stringify(parameters.Input ?? {}),
      parentArn: scope.executionArn,
    });
  } catch (error) {
    if (token) deps.tokens.discard(token);
    if (error instanceof AwsServiceError) {
      throw new TaskError(`StepFunctions.${error.type.replace(/Exception$/, '')}Exception`, error.message);
    }
    throw error;
  }
  if (mode === 'async') return { ExecutionArn: child.arn, StartDate: child.startDate };
  if (waiting) return waiting;
  // Stopping the parent stops a child it waits for, as Step Functions does for .sync integrations.
  const stopChild = () =>
    deps.stopExecution(child.arn, 'States.Aborted', `Parent execution ${scope.executionArn} stopped`);
  signal.addEventListener('abort', stopChild, { once: true });
  try {
    await child.done;
  } finally {
    signal.removeEventListener('abort', stopChild);
  }
  signal.throwIfAborted();
  const description = syncOutput(child.describe(), mode === 'sync2');
  if (child.describe().status !== 'SUCCEEDED') {
    throw new TaskError('States.TaskFailed', JSON.stringify(description));
  }
  return description;
};

/** The `.sync` output: DescribeExecution's fields (dates as epoch ms); `.sync:2` gives Input/Output as JSON. */
const syncOutput = (execution: NestedExecutionDescription, parsed: boolean): Record<string, unknown> => ({
  ExecutionArn: execution.executionArn,
  Input: parsed ? JSON.parse(execution.input) : execution.input,
  InputDetails: { Included: true },
  Name: execution.name,
  ...(execution.output === undefined
    ? {}
    : {
        Output: parsed ? JSON.parse(execution.output) : execution.output,
        OutputDetails: { Included: true },
      }),
  RedriveCount: 0,
  RedriveStatus: 'NOT_REDRIVABLE',
  StartDate: execution.startDate,
  StateMachineArn: execution.stateMachineArn,
  Status: execution.status,
  ...(execution.stopDate === undefined ? {} : { StopDate: execution.stopDate }),
  ...(execution.error === undefined ? {} : { Error: execution.error }),
  ...(execution.cause === undefined ? {} : { Cause: execution.cause }),
});

const waitMs = (state: LocalTaskState, input: unknown, now: number): number => {
  if (state.task.kind !== 'wait') return 0;
  const { seconds, secondsPath, timestamp, timestampPath } = state.task;
  if (seconds !== undefined) return seconds * 1000;
  if (secondsPath !== undefined) {
    const value = resolveReferencePath(secondsPath, input);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new TaskError(
        'States.Runtime',
        `SecondsPath ${secondsPath} must point to a non-negative integer, got ${JSON.stringify(value)}`,
      );
    }
    return value * 1000;
  }
  const at =
    timestamp ?? (timestampPath === undefined ? undefined : resolveReferencePath(timestampPath, input));
  const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(parsed))
    throw new TaskError('States.Runtime', `Wait timestamp ${JSON.stringify(at)} is not a timestamp`);
  return Math.max(0, parsed - now);
};
