/**
 * Faults on demand, configured per test and deterministic under a seed. Every rule counts the calls (or events, or
 * runs) it matches and fires on the `nth` of them, with a `probability`, or on all of them when neither is given,
 * at most `times` times.
 */
import type { ReloadHoldRule } from './reload-gate.ts';
import type { TokenBucketConfig } from './token-bucket.ts';

export interface Trigger {
  /** 1-based positions among the matching calls/events/runs that fail. */
  readonly nth?: readonly number[];
  /** Chance (0–1) that a matching call/event/run fails; drawn from the seeded generator. */
  readonly probability?: number;
  /** Fire at most this many times. */
  readonly times?: number;
}

/**
 * `throttling`: ThrottlingException (400, "Rate exceeded"); `server-error`: InternalFailure (500);
 * `unavailable`: ServiceUnavailable (503); `busy`: InvalidResourceStateFault as if the resource were mid-operation;
 * `insufficient-capacity`: InsufficientResourceCapacityFault (Create/ModifyReplicationInstance only).
 */
export type ApiFaultKind = 'throttling' | 'server-error' | 'unavailable' | 'busy' | 'insufficient-capacity';

export interface ApiFaultRule extends Trigger {
  readonly fault: ApiFaultKind;
  /** Operation names the rule applies to; all operations when absent. */
  readonly operations?: readonly string[];
  /** Only calls that name this resource (ARN or identifier). */
  readonly resource?: string;
  /** Only StartReplicationTask calls of this `StartReplicationTaskType` (e.g. `resume-processing`). */
  readonly startType?: string;
}

/** Where in a run the task fails. */
export type TaskFailurePoint =
  | 'starting'
  | 'running'
  | 'full-load'
  | 'cdc'
  | { readonly fullLoadPercent: number }
  | { readonly afterMs: number };

export interface TaskFailureRule extends Trigger {
  /** Task identifier or ARN. */
  readonly task: string;
  readonly at: TaskFailurePoint;
  readonly stopReason: 'RECOVERABLE_ERROR' | 'FATAL_ERROR';
  /** The "Last Error" text. */
  readonly message?: string;
}

/**
 * `full-load-stalls`: once the task's full load reaches `atPercent`, it stops advancing while the task stays
 * `running` (a hung load: its statistics freeze until the task is stopped).
 */
export interface TaskStallRule extends Trigger {
  /** Task identifier or ARN. */
  readonly task: string;
  readonly atPercent: number;
}

export interface EventFaultRule extends Trigger {
  readonly action: 'drop' | 'duplicate';
  readonly eventId?: string;
  readonly eventType?: string;
  readonly detailType?: string;
  /** ARN or identifier of the resource the event is about. */
  readonly resource?: string;
  /** Extra deliveries for `duplicate` (default 1). */
  readonly copies?: number;
}

/**
 * How a class change that never applies shows: `modifying` (the instance stays `modifying` for good, a modification
 * held up far longer than any wait would see it) or `pending` (accepted with ApplyImmediately, yet left in
 * PendingModifiedValues on the `available` instance, as a change deferred to a maintenance window that outlasts
 * every wait).
 */
export type StuckModification = 'modifying' | 'pending';

/** `modification-never-applies`: a class change of the instance is accepted and never completes. */
export interface InstanceFaultRule extends Trigger {
  readonly fault: 'modification-never-applies';
  /** Instance identifier or ARN; every instance when absent. */
  readonly instance?: string;
  /** `modifying` when absent. */
  readonly stays?: StuckModification;
}

export interface DmsFaultConfig {
  readonly seed?: string | number;
  /**
   * The account's DMS API token bucket on the emulated clock: DMS's 100 tokens refilled at 4/s when absent or `true`
   * (DMS throttles every account), another size when given, off only when `false`.
   */
  readonly throttleBucket?: boolean | TokenBucketConfig;
  readonly api?: readonly ApiFaultRule[];
  readonly tasks?: readonly TaskFailureRule[];
  readonly stalls?: readonly TaskStallRule[];
  readonly events?: readonly EventFaultRule[];
  readonly instances?: readonly InstanceFaultRule[];
  /** Table reloads held at a point until released (`DmsEmulator.reloads`). */
  readonly reloads?: readonly ReloadHoldRule[];
}
