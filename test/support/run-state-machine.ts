/**
 * Runs a `statemachines/*.asl.json` definition in-process with aws-local-stepfunctions, the way Step Functions
 * would run it after CDK's `definitionSubstitutions`:
 * - `${Placeholder}` substitutions become fake ARNs; an unknown placeholder is an error;
 * - `lambda:invoke` tasks call the real handlers (JSON in and out, errors shaped like Lambda's);
 * - `lambda:invoke.waitForTaskToken` and `states:startExecution.sync:2`, which the library does not support, are
 *   bound to stand-ins that behave like the services: a token waits until SendTaskSuccess/Failure, a nested
 *   execution with a name already used fails with `StepFunctions.ExecutionAlreadyExistsException`;
 * - `$$.State.EnteredTime` reads an injectable clock, `$$.Task.Token` issues a fresh token;
 * - Wait states and retry intervals take no time.
 */
import { readFile } from 'node:fs/promises';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  APP_NAME,
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  STATE_MACHINE_NAMES,
  type StateMachineName,
  stateMachineArnPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { importHandler, lambdaContext, TEST_ACCOUNT, TEST_REGION } from './lambda-context.ts';

/** One entry of the library's event log (the type is not exported by name). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const functionArn = (name: HandlerName): string =>
  `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${APP_NAME}-${name}`;

export const stateMachineArn = (name: StateMachineName): string =>
  `arn:aws:states:${TEST_REGION}:${TEST_ACCOUNT}:stateMachine:${APP_NAME}-${name}`;

const SUBSTITUTIONS: ReadonlyMap<string, string> = new Map([
  ...HANDLER_NAMES.map((name) => [handlerArnPlaceholder(name), functionArn(name)] as const),
  ...STATE_MACHINE_NAMES.map((name) => [stateMachineArnPlaceholder(name), stateMachineArn(name)] as const),
]);

/** The definition text with every `${Placeholder}` replaced, parsed. */
export const loadDefinition = async (name: StateMachineName): Promise<StateMachineDefinition> => {
  const text = await readFile(new URL(`../../${stateMachineDefinitionPath(name)}`, import.meta.url), 'utf8');
  const substituted = text.replace(/\$\{(\w+)\}/g, (placeholder, key: string) => {
    const value = SUBSTITUTIONS.get(key);
    if (value === undefined) throw new Error(`${name}: unknown substitution ${placeholder}`);
    return value;
  });
  return JSON.parse(substituted) as StateMachineDefinition;
};

type StateDefinition = StateMachineDefinition['States'][string];

/** Every state of a definition, nested Map and Parallel states included, as [name, state] pairs. */
export const allStates = (definition: Pick<StateMachineDefinition, 'States'>): [string, StateDefinition][] =>
  Object.entries(definition.States).flatMap(([name, state]) => {
    const nested: Pick<StateMachineDefinition, 'States'>[] = [];
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) nested.push(processor);
    }
    if (state.Type === 'Parallel') nested.push(...state.Branches);
    return [[name, state] as [string, StateDefinition], ...nested.flatMap(allStates)];
  });

/** A task-token registry standing in for Step Functions' side of `.waitForTaskToken`. */
export class TaskTokens {
  private issued = 0;
  private readonly waiting = new Map<
    string,
    { resolve: (output: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly early = new Map<string, { output?: unknown; error?: Error }>();
  private readonly open = new Set<string>();
  readonly heartbeats: string[] = [];

  issue(): string {
    this.issued += 1;
    const token = `task-token-${this.issued}`;
    this.open.add(token);
    return token;
  }

  /** Tokens still waiting for a result. */
  pending(): string[] {
    return [...this.open];
  }

  wait(token: string): Promise<unknown> {
    const settled = this.early.get(token);
    if (settled) {
      this.early.delete(token);
      return settled.error ? Promise.reject(settled.error) : Promise.resolve(settled.output);
    }
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }

  succeed(token: string, output: unknown): void {
    this.settle(token, { output });
  }

  fail(token: string, error: string, cause: string): void {
    this.settle(token, { error: Object.assign(new Error(cause), { name: error }) });
  }

  heartbeat(token: string): void {
    this.assertOpen(token);
    this.heartbeats.push(token);
  }

  private settle(token: string, result: { output?: unknown; error?: Error }): void {
    this.assertOpen(token);
    this.open.delete(token);
    const waiter = this.waiting.get(token);
    if (!waiter) {
      // Completed while the Lambda that stored it was still running: Step Functions accepts that too.
      this.early.set(token, result);
      return;
    }
    this.waiting.delete(token);
    if (result.error) waiter.reject(result.error);
    else waiter.resolve(result.output);
  }

  private assertOpen(token: string): void {
    if (!this.open.has(token)) {
      // The fault name Step Functions answers for a token that is unknown or already completed.
      throw Object.assign(new Error(`Task token ${token} does not exist or is closed`), {
        name: 'TaskDoesNotExist',
      });
    }
  }
}

export type ExecutionOutcome =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown; readonly events: readonly EventLog[] }
  | {
      readonly status: 'FAILED';
      readonly error: string;
      readonly cause: string;
      readonly events: readonly EventLog[];
    };

/** Nested executions started with `startExecution.sync:2`, by name (names are unique, as in Step Functions). */
export class NestedExecutions {
  readonly started: {
    readonly stateMachine: StateMachineName;
    readonly name: string;
    readonly input: unknown;
  }[] = [];
  readonly outcomes = new Map<string, ExecutionOutcome>();
  private running = 0;
  /** Most executions that ran at the same time. */
  maxConcurrent = 0;

  async startSync(
    parameters: JsonObject,
    run: (name: StateMachineName, input: unknown, executionName: string) => Promise<ExecutionOutcome>,
  ): Promise<JsonObject> {
    const arn = String(parameters.StateMachineArn);
    const stateMachine = STATE_MACHINE_NAMES.find((candidate) => stateMachineArn(candidate) === arn);
    if (!stateMachine) throw new Error(`startExecution: unknown state machine ${arn}`);
    const name = String(parameters.Name);
    const executionArn = `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (
      this.started.some((execution) => execution.stateMachine === stateMachine && execution.name === name)
    ) {
      throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
        name: 'StepFunctions.ExecutionAlreadyExistsException',
      });
    }
    this.started.push({ stateMachine, name, input: parameters.Input });
    this.running += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    try {
      const outcome = await run(stateMachine, parameters.Input, name);
      this.outcomes.set(name, outcome);
      if (outcome.status === 'FAILED') {
        // What `.sync` reports for a failed child: States.TaskFailed with the child's DescribeExecution as cause.
        throw Object.assign(
          new Error(
            JSON.stringify({
              ExecutionArn: executionArn,
              Status: 'FAILED',
              Error: outcome.error,
              Cause: outcome.cause,
            }),
          ),
          { name: 'States.TaskFailed' },
        );
      }
      return { ExecutionArn: executionArn, Name: name, Status: 'SUCCEEDED', Output: outcome.output as Json };
    } finally {
      this.running -= 1;
    }
  }
}

export type LambdaBinding = (payload: unknown) => Promise<unknown>;

export interface RunOptions {
  /** Replaces the real handler of these functions (default: every function runs its real handler). */
  readonly handlers?: Partial<Record<HandlerName, LambdaBinding>>;
  readonly tokens?: TaskTokens;
  readonly executions?: NestedExecutions;
  /** Emulated epoch milliseconds, read each time a state reads `$$.State.EnteredTime`. */
  readonly now?: () => number;
  readonly executionName?: string;
}

const handlerOf = (functionName: unknown): HandlerName => {
  const name = HANDLER_NAMES.find((candidate) => functionArn(candidate) === functionName);
  if (!name) throw new Error(`lambda:invoke: unknown function ${String(functionName)}`);
  return name;
};

const asObject = (value: unknown, what: string): JsonObject => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} must be an object`);
  return value as JsonObject;
};

/** Calls a handler as Lambda does: JSON round trip, and a failure reported as Lambda reports it (name + JSON cause). */
const invoke = async (name: HandlerName, payload: unknown, options: RunOptions): Promise<Json> => {
  const bound = options.handlers?.[name];
  const event = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
  try {
    const result = bound
      ? await bound(event)
      : await (await importHandler(name))(event, lambdaContext(`${APP_NAME}-${name}`));
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as Json);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    throw Object.assign(
      new Error(JSON.stringify({ errorType: failure.name, errorMessage: failure.message, trace: [] })),
      { name: failure.name },
    );
  }
};

type TaskOverride = (input: Json) => Promise<Json>;

const taskOverride = (
  resource: string,
  options: RunOptions,
  tokens: TaskTokens,
  executions: NestedExecutions,
): TaskOverride => {
  switch (resource) {
    case 'arn:aws:states:::lambda:invoke':
      return async (input) => {
        const parameters = asObject(input, 'lambda:invoke Parameters');
        const Payload = await invoke(handlerOf(parameters.FunctionName), parameters.Payload, options);
        return { ExecutedVersion: '$LATEST', Payload, StatusCode: 200 };
      };
    case 'arn:aws:states:::lambda:invoke.waitForTaskToken':
      return async (input) => {
        const parameters = asObject(input, 'lambda:invoke.waitForTaskToken Parameters');
        const token = asObject(parameters.Payload, 'Payload').taskToken;
        if (typeof token !== 'string') throw new Error('waitForTaskToken: the Payload must carry taskToken');
        await invoke(handlerOf(parameters.FunctionName), parameters.Payload, options);
        return (await tokens.wait(token)) as Json;
      };
    case 'arn:aws:states:::states:startExecution.sync:2':
      return (input) =>
        executions.startSync(
          asObject(input, 'startExecution Parameters'),
          (name, childInput, executionName) =>
            runStateMachine(name, childInput, { ...options, tokens, executions, executionName }),
        );
    default:
      throw new Error(`no in-process binding for Task resource ${resource}`);
  }
};

/** Runs one execution to its end; never throws for a failed execution (the outcome says FAILED). */
export const runStateMachine = async (
  name: StateMachineName,
  input: unknown,
  options: RunOptions = {},
): Promise<ExecutionOutcome> => {
  const definition = await loadDefinition(name);
  const tokens = options.tokens ?? new TaskTokens();
  const executions = options.executions ?? new NestedExecutions();
  const now = options.now ?? (() => Date.UTC(2026, 0, 1));
  const taskResourceLocalHandlers: Record<string, TaskOverride> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of allStates(definition)) {
    if (state.Type === 'Wait') waitTimeOverrides[stateName] = 0;
    if ('Retry' in state && state.Retry) retryIntervalOverrides[stateName] = 0;
    if (state.Type === 'Task') {
      if (taskResourceLocalHandlers[stateName])
        throw new Error(`${name}: two Task states named ${stateName}`);
      taskResourceLocalHandlers[stateName] = taskOverride(state.Resource, options, tokens, executions);
    }
  }
  const executionName = options.executionName ?? `${name}-test`;
  const execution = new StateMachine(definition).run(input as Json, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: {
      Execution: {
        Id: `${stateMachineArn(name).replace(':stateMachine:', ':execution:')}:${executionName}`,
        Name: executionName,
      },
      State: {
        get EnteredTime() {
          return new Date(now()).toISOString();
        },
      },
      Task: {
        get Token() {
          return tokens.issue();
        },
      },
    },
  });
  const events: EventLog[] = [];
  const collected = (async () => {
    for await (const event of execution.eventLogs) events.push(event);
  })();
  try {
    const output = await execution.result;
    await collected;
    return { status: 'SUCCEEDED', output, events };
  } catch (error) {
    await collected;
    if (!(error instanceof ExecutionError)) throw error;
    const cause = error.cause instanceof Error ? error.cause : error;
    return { status: 'FAILED', error: cause.name, cause: cause.message, events };
  }
};

/** Names of the states entered, in order (nested Map iterations included). */
export const statesEntered = (outcome: ExecutionOutcome): string[] =>
  outcome.events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));

/** How many times a state was retried after an error. */
export const retriesOf = (outcome: ExecutionOutcome, stateName: string): number =>
  outcome.events.filter((event) => event.type === 'StateRetried' && event.state.name === stateName).length;
