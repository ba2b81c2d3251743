/**
 * An execution's history in GetExecutionHistory's shape: AWS event types (`TaskStateEntered`, `TaskScheduled`,
 * `TaskSucceeded`, `MapIterationStarted`, `ExecutionSucceeded`...) with their `...EventDetails`, stamped on the
 * shared clock. State events come from aws-local-stepfunctions' event log, which is read asynchronously; task events
 * come from the runtime's integrations as they happen. A task event that arrives before its state's Entered event has
 * been read waits in a buffer, so each state's events stay in AWS order.
 */
import type { Clock } from '../../clock.ts';

export interface HistoryEvent {
  readonly timestamp: number;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [details: string]: unknown;
}

/** The subset of aws-local-stepfunctions' EventLog the history reads. */
export interface LibraryEvent {
  readonly type: string;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input: unknown;
    readonly output?: unknown;
  };
  readonly parentState?: { readonly name: string };
  readonly index?: number;
}

/** The `...EventDetails` key of an event type: `TaskStateEntered` → `stateEnteredEventDetails`. */
const detailsKey = (type: string): string => {
  const generic = /StateEntered$|StateExited$/.exec(type);
  const base = generic ? generic[0] : type;
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}EventDetails`;
};

const json = (value: unknown): string => JSON.stringify(value ?? null);

/** Step Functions' quota of events in one execution's history (local/aws/README.md, "History quota"). */
export const MAX_HISTORY_EVENTS = 25_000;
/** The failure AWS records as an execution's last event when its history reaches the quota. */
export const HISTORY_FULL_FAILURE = {
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
} as const;
/** Locally no payload is ever truncated. */
const NOT_TRUNCATED = { truncated: false } as const;

export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];
  private readonly openStates = new Map<string, number>();
  private readonly buffered = new Map<string, { type: string; details: Record<string, unknown> }[]>();
  private ended = false;

  /**
   * `onFull` runs once when the history holds one event fewer than the quota, so that the execution's failure is the
   * quota's last event, as on AWS (local/aws/README.md, "History quota").
   */
  constructor(
    private readonly clock: Clock,
    private readonly stateTypes: ReadonlyMap<string, string>,
    private readonly onFull: () => void = () => undefined,
  ) {}

  get length(): number {
    return this.events.length;
  }

  list(): readonly HistoryEvent[] {
    return this.events;
  }

  append(type: string, details?: Record<string, unknown>): void {
    if (this.ended) return;
    const id = this.events.length + 1;
    this.events.push({
      timestamp: this.clock.now(),
      type,
      id,
      previousEventId: id - 1,
      ...(details ? { [detailsKey(type)]: details } : {}),
    });
    if (id === MAX_HISTORY_EVENTS - 1) this.onFull();
  }

  /** The execution's last event; whatever still happens in its tasks afterwards is not part of it. */
  end(type: string, details: Record<string, unknown>): void {
    if (this.ended) return;
    this.append(type, details);
    this.ended = true;
  }

  /** A task event of `stateName` (TaskScheduled, TaskSucceeded...). */
  task(stateName: string, type: string, details: Record<string, unknown>): void {
    if (this.ended) return;
    if ((this.openStates.get(stateName) ?? 0) > 0) {
      this.append(type, details);
      return;
    }
    const list = this.buffered.get(stateName) ?? [];
    list.push({ type, details });
    this.buffered.set(stateName, list);
  }

  /** Records one event of the library's log. */
  library(event: LibraryEvent): void {
    if (this.ended) return;
    const state = event.state;
    switch (event.type) {
      case 'StateEntered': {
        if (!state) return;
        this.append(`${this.typeOf(state.name, state.type)}StateEntered`, {
          name: state.name,
          input: json(state.input),
          inputDetails: NOT_TRUNCATED,
        });
        this.openStates.set(state.name, (this.openStates.get(state.name) ?? 0) + 1);
        for (const pending of this.buffered.get(state.name) ?? []) this.append(pending.type, pending.details);
        this.buffered.delete(state.name);
        return;
      }
      case 'StateExited':
        if (!state) return;
        this.close(state.name);
        this.append(`${this.typeOf(state.name, state.type)}StateExited`, {
          name: state.name,
          output: json(state.output),
          outputDetails: NOT_TRUNCATED,
        });
        return;
      case 'StateCaught':
        if (state) this.close(state.name);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.append(event.type, { name: event.parentState?.name, index: event.index });
        return;
      default:
        // Execution-level events are recorded by the execution itself; StateFailed/StateRetried have no AWS event
        // (the task's own TaskFailed and the next TaskScheduled tell that story).
        return;
    }
  }

  private close(name: string): void {
    const open = this.openStates.get(name) ?? 0;
    if (open <= 1) this.openStates.delete(name);
    else this.openStates.set(name, open - 1);
  }

  /** The original state type (converted Wait states run as Tasks but are reported as Wait). */
  private typeOf(name: string, runtimeType: string): string {
    return this.stateTypes.get(name) ?? runtimeType;
  }
}
