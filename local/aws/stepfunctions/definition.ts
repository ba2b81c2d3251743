/**
 * Turns an ASL definition into what aws-local-stepfunctions runs locally, and lists the Task states the local
 * runtime binds. The library waits in wall-clock time and knows no task tokens or nested executions, so:
 * - every Wait state becomes a Task bound to a clock-driven wait (Seconds, SecondsPath, Timestamp, TimestampPath);
 * - Task timeouts and heartbeats are enforced by the runtime on the shared clock, so the runnable copy carries a
 *   timeout the library's wall-clock timer never reaches (its default is 60 s of wall time per Task);
 * - the top-level TimeoutSeconds is enforced by the runtime on the clock too;
 * - `$$.Execution.StartTime` (which the library stamps with the wall clock) is read from the emulated start time.
 * AWS requires state names to be unique across the whole machine, which is what lets overrides be keyed by name.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinition';
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

export type StartExecutionMode = 'async' | 'sync' | 'sync2' | 'token';

export type TaskKind =
  | { readonly kind: 'lambda-invoke'; readonly waitForToken: boolean }
  | { readonly kind: 'lambda-function'; readonly functionArn: string }
  | { readonly kind: 'start-execution'; readonly mode: StartExecutionMode }
  | {
      readonly kind: 'wait';
      readonly seconds?: number;
      readonly secondsPath?: string;
      readonly timestamp?: string;
      readonly timestampPath?: string;
    };

export interface LocalTaskState {
  readonly name: string;
  readonly resource: string;
  readonly task: TaskKind;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly retry: readonly Retrier[];
}

export interface PreparedDefinition {
  readonly runnable: StateMachineDefinition;
  readonly tasks: ReadonlyMap<string, LocalTaskState>;
  /** State name → type in the original definition (history reports Wait states as Wait). */
  readonly stateTypes: ReadonlyMap<string, string>;
  /** Map/Parallel states with Retry: their retriers (delays come from the library, scaled by the runtime). */
  readonly compositeRetries: ReadonlyMap<string, readonly Retrier[]>;
  readonly timeoutSeconds?: number;
}

/** Longest timer Node can arm (2^31-1 ms), in seconds: the library's own Task timeout must never fire first. */
const UNREACHABLE_TIMEOUT_SECONDS = 2_147_483;
/** Any valid resource ARN: the runtime overrides these states, the library only needs to accept the definition. */
const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::lambda:invoke';
export const EMULATED_START_TIME_FIELD = 'EmulatedStartTime';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks a definition as CreateStateMachine does; throws InvalidDefinitionError with the reasons. */
export const parseDefinition = (text: string): Json => {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new InvalidDefinitionError(
      `Invalid State Machine Definition: definition is not JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(definition))
    throw new InvalidDefinitionError('Invalid State Machine Definition: must be a JSON object');
  try {
    new StateMachine(definition as unknown as StateMachineDefinition);
  } catch (error) {
    throw new InvalidDefinitionError(`Invalid State Machine Definition: ${(error as Error).message}`);
  }
  if (
    definition.QueryLanguage === 'JSONata' ||
    JSON.stringify(definition).includes('"QueryLanguage":"JSONata"')
  ) {
    throw new InvalidDefinitionError(
      'Invalid State Machine Definition: JSONata is not supported by the local runtime',
    );
  }
  return definition;
};

export const prepareDefinition = (definition: Json): PreparedDefinition => {
  const tasks = new Map<string, LocalTaskState>();
  const stateTypes = new Map<string, string>();
  const compositeRetries = new Map<string, readonly Retrier[]>();
  const runnable = rewriteStartTime(structuredClone(definition)) as Json;
  visitStates(runnable, (name, state) => {
    if (stateTypes.has(name)) {
      throw new InvalidDefinitionError(`Invalid State Machine Definition: duplicate state name "${name}"`);
    }
    stateTypes.set(name, String(state.Type));
    const retry = Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : [];
    if (state.Type === 'Wait') {
      tasks.set(name, { name, resource: 'wait', task: waitKind(state), retry: [] });
      for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
      state.Type = 'Task';
      state.Resource = LOCAL_WAIT_RESOURCE;
      state.TimeoutSeconds = UNREACHABLE_TIMEOUT_SECONDS;
    } else if (state.Type === 'Task') {
      for (const key of ['TimeoutSecondsPath', 'HeartbeatSecondsPath']) {
        if (key in state)
          throw new InvalidDefinitionError(`State ${name}: ${key} is not supported by the local runtime`);
      }
      tasks.set(name, {
        name,
        resource: String(state.Resource),
        task: taskKind(name, state),
        timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
        heartbeatSeconds: typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined,
        retry,
      });
      delete state.HeartbeatSeconds;
      state.TimeoutSeconds = UNREACHABLE_TIMEOUT_SECONDS;
    } else if ((state.Type === 'Map' || state.Type === 'Parallel') && retry.length > 0) {
      compositeRetries.set(name, retry);
    }
  });
  const timeoutSeconds = typeof runnable.TimeoutSeconds === 'number' ? runnable.TimeoutSeconds : undefined;
  delete runnable.TimeoutSeconds;
  return {
    runnable: runnable as unknown as StateMachineDefinition,
    tasks,
    stateTypes,
    compositeRetries,
    timeoutSeconds,
  };
};

/** Calls `visit` for every state, including those inside Map item processors and Parallel branches. */
const visitStates = (machine: Json, visit: (name: string, state: Json) => void): void => {
  const states = machine.States;
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    visit(name, state);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isObject(processor)) visitStates(processor, visit);
    if (Array.isArray(state.Branches))
      for (const branch of state.Branches) if (isObject(branch)) visitStates(branch, visit);
  }
};

const waitKind = (state: Json): TaskKind => ({
  kind: 'wait',
  seconds: typeof state.Seconds === 'number' ? state.Seconds : undefined,
  secondsPath: typeof state.SecondsPath === 'string' ? state.SecondsPath : undefined,
  timestamp: typeof state.Timestamp === 'string' ? state.Timestamp : undefined,
  timestampPath: typeof state.TimestampPath === 'string' ? state.TimestampPath : undefined,
});

const taskKind = (name: string, state: Json): TaskKind => {
  const resource = String(state.Resource);
  const needsToken = resource.endsWith('.waitForTaskToken');
  if (needsToken && !JSON.stringify(state.Parameters ?? {}).includes('$$.Task.Token')) {
    throw new InvalidDefinitionError(
      `State ${name}: a .waitForTaskToken task must pass $$.Task.Token in its Parameters`,
    );
  }
  switch (resource) {
    case 'arn:aws:states:::lambda:invoke':
      return { kind: 'lambda-invoke', waitForToken: false };
    case 'arn:aws:states:::lambda:invoke.waitForTaskToken':
      return { kind: 'lambda-invoke', waitForToken: true };
    case 'arn:aws:states:::states:startExecution':
      return { kind: 'start-execution', mode: 'async' };
    case 'arn:aws:states:::states:startExecution.sync':
      return { kind: 'start-execution', mode: 'sync' };
    case 'arn:aws:states:::states:startExecution.sync:2':
      return { kind: 'start-execution', mode: 'sync2' };
    case 'arn:aws:states:::states:startExecution.waitForTaskToken':
      return { kind: 'start-execution', mode: 'token' };
  }
  if (/^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(resource)) {
    return { kind: 'lambda-function', functionArn: resource };
  }
  throw new InvalidDefinitionError(
    `State ${name}: resource ${resource} is not supported by the local runtime (Lambda invoke, Lambda function ARNs and Step Functions startExecution are)`,
  );
};

/** Points every reference to `$$.Execution.StartTime` at the emulated start time the runtime supplies. */
const rewriteStartTime = (value: unknown): unknown => {
  if (typeof value === 'string') {
    return value.replace(/\$\$\.Execution\.StartTime\b/g, `$$$$.Execution.${EMULATED_START_TIME_FIELD}`);
  }
  if (Array.isArray(value)) return value.map(rewriteStartTime);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteStartTime(v)]));
  return value;
};
