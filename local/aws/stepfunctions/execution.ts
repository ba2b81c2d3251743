/**
 * One Step Functions execution run by aws-local-stepfunctions with the local integrations bound, its `$$` context
 * on the emulated clock (Execution.StartTime, State.EnteredTime), its status, history and counters (state
 * transitions: every state entered or retried, as Step Functions bills them).
 */
// aws-local-stepfunctions calls Promise.withResolvers, which Node 20 lacks.
import '../../runtime/polyfills.ts';
import { type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '../../clock.ts';
import { EMULATED_START_TIME_FIELD, type PreparedDefinition } from './definition.ts';
import { boundedFailureDetails, type OversizedFailureDetails } from './failure-details.ts';
import { ExecutionHistory, HISTORY_FULL_FAILURE, type LibraryEvent } from './history.ts';
import {
  bindTasks,
  type IntegrationDeps,
  type NestedExecution,
  type NestedExecutionDescription,
} from './integrations.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionTarget {
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly prepared: PreparedDefinition;
}

export interface ExecutionRequest {
  readonly arn: string;
  readonly name: string;
  /** The input as sent (a JSON string). */
  readonly input: string;
  readonly parentArn?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The library's handler type takes its own JSON type, which it does not export. */
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export class LocalExecution implements NestedExecution {
  readonly arn: string;
  readonly name: string;
  readonly input: string;
  readonly parentArn?: string;
  readonly startDate: number;
  readonly history: ExecutionHistory;
  readonly done: Promise<void>;
  status: ExecutionStatus = 'RUNNING';
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered plus retries. */
  transitions = 0;
  private readonly controller = new AbortController();
  private readonly abortRun: () => void;
  private readonly cancelTimeout?: () => void;
  private markDone: () => void = () => undefined;

  constructor(
    readonly target: ExecutionTarget,
    request: ExecutionRequest,
    private readonly deps: IntegrationDeps & {
      readonly clock: Clock;
      /** What a failure over Step Functions' detail limits becomes (failure-details.ts). */
      readonly oversizedFailureDetails?: OversizedFailureDetails;
    },
  ) {
    this.arn = request.arn;
    this.name = request.name;
    this.input = request.input;
    this.parentArn = request.parentArn;
    this.startDate = deps.clock.now();
    this.history = new ExecutionHistory(deps.clock, target.prepared.stateTypes, () =>
      this.terminate('FAILED', HISTORY_FULL_FAILURE.error, HISTORY_FULL_FAILURE.cause),
    );
    this.done = new Promise<void>((resolve) => {
      this.markDone = resolve;
    });
    this.history.append('ExecutionStarted', {
      input: request.input,
      inputDetails: { truncated: false },
      roleArn: target.roleArn,
      stateMachineArn: target.stateMachineArn,
    });

    const run = new StateMachine(target.prepared.runnable, { validationOptions: { noValidate: true } }).run(
      JSON.parse(request.input),
      {
        noThrowOnAbort: true,
        context: this.contextObject(),
        overrides: {
          taskResourceLocalHandlers: bindTasks(
            target.prepared,
            { executionArn: this.arn, signal: this.controller.signal, history: this.history },
            deps,
          ) as unknown as LocalHandlers,
          retryIntervalOverrides: this.retryOverrides(),
        },
      },
    );
    this.abortRun = run.abort;
    // The event log is read asynchronously: the execution ends once its last state events are in the history.
    const logged = this.consume(run.eventLogs as AsyncGenerator<LibraryEvent>);
    run.result.then(
      async (output) => {
        await logged;
        this.finish('SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      async (error: unknown) => {
        await logged;
        const failure = (error as { cause?: unknown }).cause ?? error;
        const name = failure instanceof Error ? failure.name : 'States.Runtime';
        const message = failure instanceof Error ? failure.message : String(failure);
        this.finish('FAILED', { error: name, cause: message });
      },
    );
    const timeoutSeconds = target.prepared.timeoutSeconds;
    if (timeoutSeconds !== undefined) {
      this.cancelTimeout = deps.clock.schedule(timeoutSeconds * 1000, () =>
        this.terminate('TIMED_OUT', 'States.Timeout', `Execution timed out after ${timeoutSeconds} s`),
      );
    }
  }

  /** StopExecution: aborts the run; tasks waiting on tokens, timers or nested executions are released. */
  stop(error?: string, cause?: string): void {
    this.terminate('ABORTED', error, cause);
  }

  describe(): NestedExecutionDescription {
    return {
      executionArn: this.arn,
      stateMachineArn: this.target.stateMachineArn,
      name: this.name,
      status: this.status,
      startDate: this.startDate,
      stopDate: this.stopDate,
      input: this.input,
      output: this.output,
      error: this.error,
      cause: this.cause,
    };
  }

  private terminate(status: 'ABORTED' | 'TIMED_OUT' | 'FAILED', error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    this.finish(status, { error, cause });
    this.controller.abort(new Error(`Execution ${TERMINATED_BECAUSE[status]}`));
    this.abortRun();
  }

  private finish(
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    result: { output?: string; error?: string; cause?: string },
  ): void {
    if (this.status !== 'RUNNING') return;
    this.status = status;
    this.stopDate = this.deps.clock.now();
    this.output = result.output;
    const failure =
      status === 'FAILED' ? boundedFailureDetails(result, this.deps.oversizedFailureDetails) : result;
    this.error = failure.error;
    this.cause = failure.cause;
    this.cancelTimeout?.();
    switch (status) {
      case 'SUCCEEDED':
        this.history.end('ExecutionSucceeded', {
          output: result.output,
          outputDetails: { truncated: false },
        });
        break;
      case 'FAILED':
        this.history.end('ExecutionFailed', { error: failure.error, cause: failure.cause });
        break;
      case 'ABORTED':
        this.history.end('ExecutionAborted', { error: result.error, cause: result.cause });
        break;
      case 'TIMED_OUT':
        this.history.end('ExecutionTimedOut', { error: result.error, cause: result.cause });
        break;
    }
    this.markDone();
  }

  private async consume(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of events) {
      if (event.type === 'StateEntered' || event.type === 'StateRetried') this.transitions++;
      this.history.library(event);
      const oversized = oversizedPayload(event);
      if (oversized) this.terminate('FAILED', STATES_DATA_LIMIT_EXCEEDED, oversized);
    }
  }

  /**
   * The `$$` context. The library copies it shallowly into every run (Map iterations included), so the getters
   * below are evaluated when a state reads them: State.EnteredTime follows the emulated clock, and each read of
   * Task.Token issues a real token for this execution.
   */
  private contextObject(): Record<string, unknown> {
    const { clock, tokens } = this.deps;
    const arn = this.arn;
    return {
      Execution: {
        Id: arn,
        Input: JSON.parse(this.input),
        Name: this.name,
        RoleArn: this.target.roleArn,
        RedriveCount: 0,
        [EMULATED_START_TIME_FIELD]: iso(this.startDate),
      },
      StateMachine: { Id: this.target.stateMachineArn, Name: this.target.stateMachineName },
      State: {
        get EnteredTime() {
          return iso(clock.now());
        },
        RetryCount: 0,
      },
      Task: {
        get Token() {
          return tokens.issue(arn);
        },
      },
    };
  }

  /**
   * Task states retry at once (the runtime already slept on the clock before rethrowing); Map/Parallel retries are
   * the library's, scaled to the clock's speed when it has one.
   */
  private retryOverrides(): Record<string, number[]> {
    const overrides: Record<string, number[]> = {};
    for (const state of this.target.prepared.tasks.values()) {
      if (state.retry.length > 0) overrides[state.name] = state.retry.map(() => 0);
    }
    const speed = (this.deps.clock as { speed?: number }).speed;
    for (const [name, retriers] of this.target.prepared.compositeRetries) {
      overrides[name] = retriers.map((retrier) =>
        speed ? ((retrier.IntervalSeconds ?? 1) * 1000) / speed : 0,
      );
    }
    return overrides;
  }
}

const TERMINATED_BECAUSE = { ABORTED: 'stopped', TIMED_OUT: 'timed out', FAILED: 'failed' } as const;

/**
 * Step Functions fails an execution whose state input or output exceeds 256 KiB (UTF-8) with this terminal error,
 * which no `States.ALL` catcher matches (local/aws/README.md, "Payload limit").
 */
export const STATES_DATA_LIMIT_EXCEEDED = 'States.DataLimitExceeded';
export const MAX_STATE_PAYLOAD_BYTES = 256 * 1024;

/** The cause AWS gives when a state's input or output is over the limit, or undefined when both fit. */
const oversizedPayload = (event: LibraryEvent): string | undefined => {
  const state = event.state;
  if (!state) return undefined;
  const payload =
    event.type === 'StateEntered' ? state.input : event.type === 'StateExited' ? state.output : undefined;
  if (payload === undefined) return undefined;
  const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8');
  return bytes > MAX_STATE_PAYLOAD_BYTES
    ? `The state/task '${state.name}' ${event.type === 'StateEntered' ? 'received an input' : 'returned a result'} of ${bytes} bytes, exceeding the maximum of ${MAX_STATE_PAYLOAD_BYTES} bytes.`
    : undefined;
};
