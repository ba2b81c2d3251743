/**
 * Turns what the demo observes of each database (its registry item and DMS task statistics, polled) into progress
 * events and the timeline the report draws: phase changes, class changes with the decision behind them, and the
 * events lakeshift acted on (each resize decision in the registry's history, failures). Pure apart from its own
 * state; time is whatever the observations carry.
 */
import { DMS_EVENT_IDS } from '#contracts/events';
import type { Phase } from '#contracts/phases';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import type {
  ActedEvent,
  DatabaseTimeline,
  DemoTimeline,
  InstanceClassChange,
  MetricSeries,
  PhaseChange,
  StepDownSizing,
} from '../report/model.ts';
import type { ProgressEvent } from './progress.ts';

export interface DatabaseObservation {
  readonly databaseId: string;
  readonly phase: Phase;
  /** Epoch ms (emulated) of the last phase change, from the registry. */
  readonly phaseChangedAt: number;
  readonly currentClass: string;
  /** Epoch ms the database was registered: when its instance started to be billed, near enough. */
  readonly createdAt: number;
  readonly lastResizeAt?: number;
  readonly history: readonly ResizeHistoryEntry[];
  readonly failure?: { readonly error: string; readonly cause: string; readonly at: number };
  readonly fullLoadPercent?: number;
  readonly rows?: number;
  readonly cdcLatencySeconds?: number;
}

interface Recorded {
  stepDown?: StepDownSizing;
  readonly phases: PhaseChange[];
  /** The phase the last progress event reported. */
  reportedPhase?: Phase;
  readonly classes: InstanceClassChange[];
  readonly events: ActedEvent[];
  readonly seenDecisions: Set<string>;
  failure?: string;
  fullLoadPercent?: number;
  rows?: number;
  cdcLatencySeconds?: number;
}

const decisionKey = (entry: ResizeHistoryEntry): string => `${entry.at}|${entry.rule}|${entry.fromClass}`;

/** What the decision was about, for people: which event or alarm lakeshift acted on. */
export const actedEventOf = (entry: ResizeHistoryEntry): ActedEvent => {
  const outcome =
    entry.action === 'stay' ? `stay on ${entry.fromClass}` : `${entry.action} to ${entry.targetClass ?? '?'}`;
  const at = Date.parse(entry.at);
  switch (entry.trigger.kind) {
    case 'full-load-done':
      return {
        at,
        kind: DMS_EVENT_IDS.taskStopped,
        text: `task stopped after the full load and cached changes: ${outcome} (${entry.reason})`,
      };
    case 'alarm':
      return { at, kind: 'alarm', text: `${entry.trigger.alarmName}: ${outcome} (${entry.reason})` };
    case 'manual':
      return { at, kind: 'manual', text: `${outcome} (${entry.reason})` };
    case 'reconcile':
      return { at, kind: 'reconcile', text: `${outcome} (${entry.reason})` };
  }
};

/** The after-full-load decision as the report shows it: the classes, the reason and the measured peak. */
export const stepDownSizingOf = (entry: ResizeHistoryEntry): StepDownSizing => ({
  at: Date.parse(entry.at),
  fromClass: entry.fromClass,
  toClass: entry.targetClass ?? entry.fromClass,
  reason: entry.reason,
  ...(entry.peak ? { peak: entry.peak } : {}),
});

export class TimelineRecorder {
  private readonly databases = new Map<string, Recorded>();
  /** Set once `phaseWritten` is called: the timeline's phases come from the registry's writes, not from polls. */
  private phasesFromWrites = false;

  constructor(private readonly startedAt: number) {}

  /** Records an observation; returns the progress events it implies (none when nothing changed). */
  observe(observation: DatabaseObservation, now: number): ProgressEvent[] {
    const recorded = this.recordOf(observation.databaseId);
    const events: ProgressEvent[] = [];
    const { databaseId } = observation;

    for (const entry of observation.history) {
      const key = decisionKey(entry);
      if (recorded.seenDecisions.has(key)) continue;
      recorded.seenDecisions.add(key);
      if (entry.trigger.kind === 'full-load-done') recorded.stepDown = stepDownSizingOf(entry);
      const acted = actedEventOf(entry);
      recorded.events.push(acted);
      events.push({ type: 'acted', databaseId, ...acted });
    }

    if (recorded.reportedPhase !== observation.phase) {
      recorded.reportedPhase = observation.phase;
      const at = observation.phaseChangedAt;
      // A poll misses a phase shorter than its interval; the registry's writes, when given, miss none.
      if (!this.phasesFromWrites) recorded.phases.push({ at, phase: observation.phase });
      events.push({ type: 'phase', at, databaseId, phase: observation.phase });
    }

    if (recorded.classes.at(-1)?.instanceClass !== observation.currentClass) {
      const first = recorded.classes.length === 0;
      const at = first ? observation.createdAt : (observation.lastResizeAt ?? now);
      const decision = [...observation.history]
        .reverse()
        .find((entry) => entry.action !== 'stay' && entry.targetClass === observation.currentClass);
      const reason = first ? 'full-load class' : decision?.reason;
      recorded.classes.push({ at, instanceClass: observation.currentClass, ...(reason ? { reason } : {}) });
      events.push({
        type: 'class',
        at,
        databaseId,
        instanceClass: observation.currentClass,
        ...(reason ? { reason } : {}),
      });
    }

    if (observation.failure && recorded.failure !== observation.failure.cause) {
      recorded.failure = observation.failure.cause;
      const acted = {
        at: observation.failure.at,
        kind: 'failure',
        text: `${observation.failure.error}: ${observation.failure.cause}`,
      };
      recorded.events.push(acted);
      events.push({ type: 'acted', databaseId, ...acted });
    }

    if (
      observation.fullLoadPercent !== undefined &&
      (observation.fullLoadPercent !== recorded.fullLoadPercent || observation.rows !== recorded.rows)
    ) {
      recorded.fullLoadPercent = observation.fullLoadPercent;
      recorded.rows = observation.rows;
      events.push({
        type: 'fullLoad',
        at: now,
        databaseId,
        percent: observation.fullLoadPercent,
        rows: observation.rows ?? 0,
      });
    }

    if (
      observation.cdcLatencySeconds !== undefined &&
      observation.cdcLatencySeconds !== recorded.cdcLatencySeconds
    ) {
      recorded.cdcLatencySeconds = observation.cdcLatencySeconds;
      events.push({ type: 'cdc', at: now, databaseId, latencySeconds: observation.cdcLatencySeconds });
    }
    return events;
  }

  /** A phase the registry recorded for a database at `at` (epoch ms, emulated), in the order of the writes. */
  phaseWritten(databaseId: string, phase: Phase, at: number): void {
    this.phasesFromWrites = true;
    const recorded = this.recordOf(databaseId);
    if (recorded.phases.at(-1)?.phase !== phase) recorded.phases.push({ at, phase });
  }

  /** Phases seen so far for a database, oldest first. */
  phases(databaseId: string): readonly PhaseChange[] {
    return this.databases.get(databaseId)?.phases ?? [];
  }

  /** Class changes seen so far for a database, oldest first. */
  classes(databaseId: string): readonly InstanceClassChange[] {
    return this.databases.get(databaseId)?.classes ?? [];
  }

  timeline(options: {
    readonly migrationId: string;
    readonly endedAt: number;
    readonly clockSpeed?: number;
    readonly metrics: ReadonlyMap<string, MetricSeries>;
    /** Descriptions of the databases, in the order the report lists them. */
    readonly descriptions: ReadonlyMap<string, string>;
  }): DemoTimeline {
    // Databases in the order of `descriptions` (the order of the request), any others after them.
    const order = [...options.descriptions.keys()];
    const rank = (databaseId: string) =>
      order.includes(databaseId) ? order.indexOf(databaseId) : order.length;
    const databases = [...this.databases.entries()]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(
        ([databaseId, recorded]): DatabaseTimeline => ({
          ...(recorded.stepDown ? { stepDown: recorded.stepDown } : {}),
          databaseId,
          ...(options.descriptions.has(databaseId)
            ? { description: options.descriptions.get(databaseId) }
            : {}),
          phases: [...recorded.phases],
          classes: [...recorded.classes],
          metrics: options.metrics.get(databaseId) ?? {
            cpuPercent: [],
            freeableMemoryBytes: [],
            cdcLatencySeconds: [],
          },
          events: [...recorded.events].sort((a, b) => a.at - b.at),
          endedAt: options.endedAt,
        }),
      );
    return {
      migrationId: options.migrationId,
      startedAt: this.startedAt,
      endedAt: options.endedAt,
      ...(options.clockSpeed === undefined ? {} : { clockSpeed: options.clockSpeed }),
      databases,
    };
  }

  private recordOf(databaseId: string): Recorded {
    let recorded = this.databases.get(databaseId);
    if (!recorded) {
      recorded = { phases: [], classes: [], events: [], seenDecisions: new Set() };
      this.databases.set(databaseId, recorded);
    }
    return recorded;
  }
}
