/**
 * The local runtime's Step Functions and Lambda (the engine `npm run demo` uses), in process, for the state
 * machine tests: the four state machines created from `statemachines/*.asl.json` with the local stack's
 * substitutions, every handler registered under its function name, and a manual clock the tests drive.
 *
 * Creating the state machines validates them, which takes a while, so a test file deploys once and each test
 * `restart`s on a fresh clock (executions of earlier tests have ended; their names stay taken, as on AWS).
 *
 * Time moves only when nothing is happening: while a handler runs, the driver waits for it; when none runs, it
 * moves the clock to the next timer (a Wait state, a retry's backoff, a token's heartbeat). So an execution that
 * waits 30 checks of five minutes ends as soon as its handlers do, and `$$.State.EnteredTime` is the emulated time.
 */
import { type HandlerName, STATE_MACHINE_NAMES, type StateMachineName } from '#contracts/names';
import { type LambdaHandler, LocalLambda } from '#local/aws/lambda/functions';
import type { HistoryEvent } from '#local/aws/stepfunctions/history';
import { LocalStepFunctions } from '#local/aws/stepfunctions/service';
import { type Clock, ManualClock } from '#local/clock';
import { type LocalStackNames, localStackNames, readStateMachineDefinition } from '#local/stack';
import { importHandler } from './lambda-context.ts';

/** A manual clock that also says when its next timer is due, and tells a listener whenever a timer is set. */
export class DrivenClock extends ManualClock {
  private readonly due = new Set<{ readonly at: number }>();
  onSchedule: () => void = () => undefined;

  override schedule(ms: number, fn: () => void): () => void {
    const entry = { at: this.now() + Math.max(0, ms) };
    this.due.add(entry);
    const cancel = super.schedule(ms, () => {
      this.due.delete(entry);
      fn();
    });
    this.onSchedule();
    return () => {
      this.due.delete(entry);
      cancel();
    };
  }

  /** Emulated time of the earliest timer, if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.due) next = next === undefined ? at : Math.min(next, at);
    return next;
  }
}

/** The clock the runtime holds: the current test's DrivenClock. */
class CurrentClock implements Clock {
  constructor(public current: DrivenClock) {}
  now(): number {
    return this.current.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.current.sleep(ms, signal);
  }
  schedule(ms: number, fn: () => void): () => void {
    return this.current.schedule(ms, fn);
  }
}

export type ExecutionOutcome = (
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | { readonly status: 'FAILED'; readonly error: string; readonly cause: string }
) & { readonly events: readonly HistoryEvent[] };

/** A test double bound to a handler's function in place of the real handler. */
export type HandlerBinding = (event: unknown) => Promise<unknown>;

export interface StartedExecution {
  readonly stateMachine: StateMachineName;
  readonly name: string;
  readonly input: unknown;
}

export interface LocalStateMachinesOptions {
  readonly start: number;
  /** Handlers replaced by test doubles, through the local Lambda's handler loader. */
  readonly bindings?: Partial<Record<HandlerName, (runtime: LocalStateMachines) => HandlerBinding>>;
}

export class LocalStateMachines {
  private readonly time: CurrentClock;
  readonly lambda: LocalLambda;
  readonly stepFunctions: LocalStepFunctions;
  readonly names: LocalStackNames = localStackNames();
  private running = 0;
  private wake: () => void = () => undefined;
  private executions = 0;
  /** Executions of earlier tests. */
  private earlier = new Set<string>();

  constructor(options: LocalStateMachinesOptions) {
    this.time = new CurrentClock(this.freshClock(options.start));
    this.lambda = new LocalLambda({
      loadHandler: async (key) => {
        const name = key as HandlerName;
        const binding = options.bindings?.[name]?.(this);
        const handler: LambdaHandler = binding
          ? (event) => binding(event)
          : ((await importHandler(name)) as LambdaHandler);
        return async (event, context) => {
          this.running += 1;
          this.wake();
          try {
            return await handler(event, context);
          } finally {
            this.running -= 1;
            this.wake();
          }
        };
      },
    });
    this.stepFunctions = new LocalStepFunctions({ clock: this.time, lambda: this.lambda });
    for (const fn of this.names.functions) this.lambda.register(fn.functionName, fn.handler);
  }

  /** Creates the state machines (CreateStateMachine, as the local stack does). */
  async deploy(): Promise<this> {
    for (const name of STATE_MACHINE_NAMES) {
      await this.stepFunctions.handle('CreateStateMachine', {
        name: this.names.stateMachineNames[name],
        definition: await readStateMachineDefinition(name, this.names),
        roleArn: this.names.stateMachineRoleArn,
      });
    }
    return this;
  }

  get clock(): DrivenClock {
    return this.time.current;
  }

  /** A new test: time starts again at `start`, and only executions started from now on count as nested ones. */
  restart(start: number): void {
    this.time.current = this.freshClock(start);
    this.earlier = new Set(this.stepFunctions.listAll().map((execution) => execution.arn));
  }

  private freshClock(start: number): DrivenClock {
    const clock = new DrivenClock(start);
    clock.onSchedule = () => this.wake();
    return clock;
  }

  /** Invokes a function through the local Lambda (as an event rule would), failing on a handler error. */
  async invoke(name: HandlerName, event: unknown): Promise<unknown> {
    const result = await this.lambda.invoke(this.names.functionNames[name], event);
    if (result.FunctionError) throw new Error(`${name} failed: ${JSON.stringify(result.Payload)}`);
    return result.Payload;
  }

  /** Starts an execution and drives the clock until it ends. */
  async run(name: StateMachineName, input: unknown): Promise<ExecutionOutcome> {
    this.executions += 1;
    const execution = this.stepFunctions.startExecution({
      stateMachineArn: this.names.stateMachineArns[name],
      name: `${name}-${this.executions}`,
      input: JSON.stringify(input),
    });
    let ended = false;
    void execution.done.then(() => {
      ended = true;
      this.wake();
    });
    while (!ended) {
      const changed = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      await this.clock.advance(0);
      const next = this.clock.nextDue();
      if (ended) break;
      if (this.running === 0 && next !== undefined) await this.clock.advanceTo(next);
      else await changed;
    }
    const events = execution.history.list();
    return execution.status === 'SUCCEEDED'
      ? { status: 'SUCCEEDED', output: JSON.parse(execution.output ?? 'null'), events }
      : { status: 'FAILED', error: execution.error ?? '', cause: execution.cause ?? '', events };
  }

  /** Executions started by other executions (`states:startExecution`), in the order they started. */
  nestedExecutions(): StartedExecution[] {
    return this.nested().map((execution) => ({
      stateMachine: this.machineOf(execution.target.stateMachineArn),
      name: execution.name,
      input: JSON.parse(execution.input),
    }));
  }

  /** Most nested executions that ran at the same time (from their start and stop times on the clock). */
  maxConcurrentNested(): number {
    const edges = this.nested().flatMap((execution) => [
      { at: execution.startDate, delta: 1 },
      { at: execution.stopDate ?? Number.POSITIVE_INFINITY, delta: -1 },
    ]);
    // At equal times, a stop comes before a start: a slot freed at t is reused at t.
    edges.sort((left, right) => left.at - right.at || left.delta - right.delta);
    let running = 0;
    let most = 0;
    for (const edge of edges) {
      running += edge.delta;
      most = Math.max(most, running);
    }
    return most;
  }

  private nested() {
    return this.stepFunctions
      .listAll()
      .filter((execution) => execution.parentArn !== undefined && !this.earlier.has(execution.arn));
  }

  private machineOf(arn: string): StateMachineName {
    const name = STATE_MACHINE_NAMES.find((candidate) => this.names.stateMachineArns[candidate] === arn);
    if (!name) throw new Error(`not one of lakeshift's state machines: ${arn}`);
    return name;
  }
}

/** Names of the states entered, in order (states of inline Map iterations included). */
export const statesEntered = (outcome: ExecutionOutcome): string[] =>
  outcome.events.flatMap((event) =>
    event.type.endsWith('StateEntered') ? [(event.stateEnteredEventDetails as { name: string }).name] : [],
  );

/**
 * How many times a Task state was retried after an error: the TaskScheduled events beyond the first after each
 * time the state was entered. Read in an execution without parallel branches, where events do not interleave.
 */
export const retriesOf = (outcome: ExecutionOutcome, stateName: string): number => {
  let current: string | undefined;
  let retries = 0;
  let scheduled = 0;
  for (const event of outcome.events) {
    if (event.type.endsWith('StateEntered')) {
      current = (event.stateEnteredEventDetails as { name: string }).name;
      scheduled = 0;
    } else if (event.type === 'TaskScheduled' && current === stateName) {
      scheduled += 1;
      if (scheduled > 1) retries += 1;
    }
  }
  return retries;
};
