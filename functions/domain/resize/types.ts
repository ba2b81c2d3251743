/** The resize policy's inputs and outputs. All plain JSON: decisions travel through Step Functions and the registry. */
import type { Phase } from '#contracts/phases';
import type { ResizeSignal } from '#domain/alarms/signals';
import type { InstanceClass } from '#domain/instance-classes';
import type { ResizeSettings } from '#domain/request/resize-settings';

export interface MetricSample {
  /** ISO date-time of the period's start, as CloudWatch stamps datapoints. */
  readonly at: string;
  readonly value: number;
}

export interface MetricSeries {
  readonly periodSeconds: number;
  readonly samples: readonly MetricSample[];
}

/** One series per signal, fetched with the signal's own metric, statistic and period. A missing series is empty. */
export type ResizeMetrics = Readonly<Partial<Record<ResizeSignal, MetricSeries>>>;

/** What made the policy run. The metrics decide; the trigger is recorded and can carry an operator's target. */
export type ResizeTrigger =
  | { readonly kind: 'alarm'; readonly alarmName: string; readonly signal?: ResizeSignal }
  | { readonly kind: 'full-load-done' }
  | { readonly kind: 'manual'; readonly targetClass?: InstanceClass }
  | { readonly kind: 'reconcile' };

export type ResizeAction = 'stay' | 'step-up' | 'step-down';

/** Which rule decided: stable codes for tests, dashboards and events (the reason is the prose). */
export type ResizeRule =
  | 'full-load'
  | 'not-in-cdc'
  | 'resize-in-flight'
  | 'no-allowed-rung'
  | 'step-down-after-full-load'
  | 'cooldown'
  | 'manual'
  | 'manual-not-allowed'
  | 'below-floor'
  | 'above-ceiling'
  | 'step-up'
  | 'at-ceiling'
  | 'step-down'
  | 'quiet-too-short'
  | 'step-down-would-not-fit'
  | 'at-floor'
  | 'within-thresholds'
  | 'already-there'
  /** Not a decision: a class change that failed after the task was stopped, recorded with what it left. */
  | 'resize-failed';

/** How one signal read over its window: the metrics kept with every decision. */
export interface SignalReading {
  readonly windowMinutes: number;
  readonly threshold: number;
  /** Datapoints in the window, and how many a complete window holds. */
  readonly samples: number;
  readonly expected: number;
  readonly breaching: number;
  readonly fired: boolean;
  readonly latest: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export type MetricsSummary = Readonly<Partial<Record<ResizeSignal, SignalReading>>>;

export interface ResizeDecision {
  readonly action: ResizeAction;
  /** Set when the action is not `stay`: always a ladder rung within floor and ceiling. */
  readonly targetClass?: InstanceClass;
  readonly rule: ResizeRule;
  readonly reason: string;
  readonly metrics: MetricsSummary;
  /** The `auto` step-down's measured peak, or why it had none. */
  readonly peak?: PeakReading;
}

/** A class change that failed after the task was stopped: what it tried and what it left. */
export interface FailedResize {
  readonly fromClass: string;
  readonly toClass: string;
  /** The class the instance has now. */
  readonly instanceClass: string;
  readonly error: string;
  readonly cause: string;
  /** True when CDC runs again; false when the task waits for the reconciler to resume it. */
  readonly resumed: boolean;
}

/** A decision as the registry keeps it (the history the cooldown reads). */
export interface ResizeHistoryEntry extends ResizeDecision {
  /** ISO date-time of the decision. */
  readonly at: string;
  readonly fromClass: string;
  readonly trigger: ResizeTrigger;
  /** Set on the entry of a failed class change (rule `resize-failed`). */
  readonly failure?: { readonly error: string; readonly cause: string; readonly resumed: boolean };
}

/**
 * The heaviest use seen on the full-load class while it worked: from the task's full-load start to its stop after
 * the cached changes (docs/design.md §3.2).
 */
export interface PeakUsage {
  /** Highest CPUUtilization, percent of the full-load class. */
  readonly cpuPercent: number;
  /** Lowest FreeableMemory, bytes. */
  readonly freeableMemoryBytes: number;
  /** Highest SwapUsage, bytes: memory the instance needed beyond what it had. */
  readonly swapUsageBytes: number;
  /**
   * The change rate CDC must keep up with: the changes DMS cached while the full load ran (peak
   * CDCIncomingChanges) over the full load's duration. Not the rate the cached changes were applied at afterwards:
   * DMS drains that backlog as fast as the class allows, which says what the class can do, not what CDC needs.
   */
  readonly cdcChangesPerSecond: number;
  /** The window read (ISO date-times) and the period of its datapoints. */
  readonly startTime: string;
  readonly endTime: string;
  readonly periodSeconds: number;
  /** CPUUtilization datapoints the peak rests on. */
  readonly datapoints: number;
}

/** What the peak query found: the peak, or why there is none (kept with the decision in the registry). */
export type PeakReading =
  | { readonly found: true; readonly peak: PeakUsage }
  | {
      readonly found: false;
      readonly why: string;
      readonly startTime?: string;
      readonly endTime?: string;
    };

export interface ResizeInput {
  readonly currentClass: InstanceClass;
  readonly phase: Phase;
  readonly trigger: ResizeTrigger;
  readonly metrics: ResizeMetrics;
  readonly history: readonly ResizeHistoryEntry[];
  readonly settings: ResizeSettings;
  /** ISO date-time; the policy never reads a clock. */
  readonly now: string;
  /** The peak of the full load and cached changes; read only for an `auto` step-down. */
  readonly peak?: PeakReading;
  /**
   * The class the full load ran on, when the plan says: an instance already below it was stepped down by an
   * earlier attempt, and is not stepped down (or up) again. Without it, the current class.
   */
  readonly fullLoadClass?: InstanceClass;
}
