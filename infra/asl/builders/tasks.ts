/**
 * Task states: a Lambda invoke, a Lambda invoke that waits for its task token, and a nested execution. Every
 * Lambda payload ends with `now` (the state-entered time), so handlers take time from the execution, not the clock.
 */
import {
  type HandlerName,
  handlerArnPlaceholder,
  isSourceHandler,
  type StateMachineName,
  sourceFunctionArnPatternPlaceholder,
  stateMachineArnPlaceholder,
} from '#contracts/names';
import { LAMBDA_TASK_RETRY, START_EXECUTION_RETRY } from './retry.ts';
import type { Catcher, JsonObject, Retrier, TaskState } from './types.ts';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const START_EXECUTION_SYNC = 'arn:aws:states:::states:startExecution.sync:2';

/** `${Placeholder}` that CDK's definition substitutions (and the local runtime) replace with the ARN. */
const placeholder = (key: string): string => `\${${key}}`;

/** A state machine's ARN in a payload, substituted like a task's target. */
export const stateMachineArnOf = (machine: StateMachineName): string =>
  placeholder(stateMachineArnPlaceholder(machine));

/** The error output goes here unless a catcher says otherwise; the failure states read `$.error`. */
export const ERROR_PATH = '$.error';

/** Catches every error into `$.error` (or `resultPath`) and goes to `next`. */
export const catchAll = (next: string, resultPath: string | null = ERROR_PATH): Catcher =>
  catchErrors(['States.ALL'], next, resultPath);

/** Catches the named errors into `$.error` (or `resultPath`) and goes to `next`. */
export const catchErrors = (
  errors: readonly string[],
  next: string,
  resultPath: string | null = ERROR_PATH,
): Catcher => ({ ErrorEquals: errors, ResultPath: resultPath, Next: next });

/** What a task does with the Lambda result: keep only the payload, select fields into a path, or drop it. */
export type TaskOutput =
  | { readonly outputPath: string }
  | { readonly resultSelector?: JsonObject; readonly resultPath: string | null };

export type LambdaTaskProps = {
  readonly handler: HandlerName;
  /**
   * JSONPath of the database's network name; required for a source handler, whose copy in that network is invoked
   * (docs/source-safety.md, "Networks").
   */
  readonly network?: string;
  readonly comment?: string;
  /** Input fields; `now` is appended. */
  readonly payload: JsonObject;
  readonly catch: readonly Catcher[];
  readonly next: string;
  /** Retriers for this task's own errors, after the shared policy. */
  readonly retry?: readonly Retrier[];
} & TaskOutput;

const outputFields = (output: TaskOutput) =>
  'outputPath' in output
    ? { OutputPath: output.outputPath }
    : {
        ...(output.resultSelector === undefined ? {} : { ResultSelector: output.resultSelector }),
        ResultPath: output.resultPath,
      };

/**
 * The function a task invokes: the handler's ARN, or for a source handler the ARN of its copy in the network at
 * `props.network`, built from the copies' ARN pattern.
 */
const functionNameOf = (props: LambdaTaskProps): JsonObject => {
  if (!isSourceHandler(props.handler)) {
    if (props.network !== undefined) throw new Error(`${props.handler} runs outside the networks`);
    return { FunctionName: placeholder(handlerArnPlaceholder(props.handler)) };
  }
  if (props.network === undefined) {
    throw new Error(`${props.handler} connects to sources: its task must say where the network name is`);
  }
  const pattern = placeholder(sourceFunctionArnPatternPlaceholder(props.handler));
  return { 'FunctionName.$': `States.Format('${pattern}', ${props.network})` };
};

const invoke = (
  resource: string,
  props: LambdaTaskProps,
  bounds: { TimeoutSeconds?: number; HeartbeatSeconds?: number } = {},
): TaskState => ({
  Type: 'Task',
  ...(props.comment === undefined ? {} : { Comment: props.comment }),
  Resource: resource,
  Parameters: {
    ...functionNameOf(props),
    Payload: { ...props.payload, 'now.$': '$$.State.EnteredTime' },
  },
  ...bounds,
  ...outputFields(props),
  Retry: [...LAMBDA_TASK_RETRY, ...(props.retry ?? [])],
  Catch: props.catch,
  Next: props.next,
});

/** Invokes a handler and waits for its result, with the shared retry policy. */
export const lambdaTask = (props: LambdaTaskProps): TaskState => invoke(LAMBDA_INVOKE, props);

export interface TokenWaitBounds {
  /** The whole wait may not take longer than this; absent for a wait bounded by progress. */
  readonly timeoutSeconds?: number;
  /** Someone must send a heartbeat at least this often, or the wait fails with States.HeartbeatTimeout. */
  readonly heartbeatSeconds: number;
}

/**
 * Invokes a handler with `taskToken` as the first payload field and waits until someone completes the token,
 * bounded by a timeout and a heartbeat.
 */
export const lambdaTokenWait = (props: LambdaTaskProps & { readonly bounds: TokenWaitBounds }): TaskState =>
  invoke(
    `${LAMBDA_INVOKE}.waitForTaskToken`,
    { ...props, payload: { 'taskToken.$': '$$.Task.Token', ...props.payload } },
    {
      ...(props.bounds.timeoutSeconds === undefined ? {} : { TimeoutSeconds: props.bounds.timeoutSeconds }),
      HeartbeatSeconds: props.bounds.heartbeatSeconds,
    },
  );

export interface NestedExecutionProps {
  readonly machine: StateMachineName;
  /** JSONPath of the execution name: the same name twice fails with ExecutionAlreadyExists. */
  readonly namePath: string;
  readonly input: JsonObject;
  readonly catch: readonly Catcher[];
  readonly next: string;
  /** Where the finished execution's description goes; `null` keeps the state's input instead. */
  readonly resultPath?: string | null;
}

/** Starts another state machine and waits for it to finish (`.sync:2`: its output is JSON, not a string). */
export const nestedExecution = (props: NestedExecutionProps): TaskState => ({
  Type: 'Task',
  Resource: START_EXECUTION_SYNC,
  Parameters: {
    StateMachineArn: placeholder(stateMachineArnPlaceholder(props.machine)),
    'Name.$': props.namePath,
    Input: props.input,
  },
  ...(props.resultPath === undefined ? {} : { ResultPath: props.resultPath }),
  Retry: START_EXECUTION_RETRY,
  Catch: props.catch,
  Next: props.next,
});
