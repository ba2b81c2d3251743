/**
 * Which of lakeshift's own metrics a change publishes (pure): a phase transition, a resize decision, the fleet at a
 * reconcile run. The metrics adapter publishes the points.
 */
import { METRIC_DIMENSIONS, METRIC_NAMES, type MetricDimension, type MetricName } from '#contracts/metrics';
import { PHASES, type Phase } from '#contracts/phases';
import type { ResizeAction } from './resize/types.ts';

export interface MetricPoint {
  readonly name: MetricName;
  readonly unit: 'Count' | 'Seconds' | 'Bytes';
  readonly value: number;
  readonly dimensions: Readonly<Partial<Record<MetricDimension, string>>>;
  /** Searchable in the log line, not a dimension (one series per database would be too many). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface PhaseChange {
  readonly migrationId: string;
  readonly databaseId: string;
  readonly from: Phase;
  readonly to: Phase;
  /** ISO times: the database's registration, when it entered `from`, and now. */
  readonly registeredAt: string;
  readonly fromSince: string;
  readonly now: string;
  /** The new class when the change completed a resize. */
  readonly resizedTo?: string;
}

const secondsBetween = (from: string, to: string): number =>
  Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

export const phaseChangeMetrics = (change: PhaseChange): MetricPoint[] => {
  const database = { databaseId: change.databaseId };
  const migration = { [METRIC_DIMENSIONS.migrationId]: change.migrationId };
  const points: MetricPoint[] = [];
  if (change.from !== change.to) {
    points.push({
      name: METRIC_NAMES.phaseEntered,
      unit: 'Count',
      value: 1,
      dimensions: { [METRIC_DIMENSIONS.phase]: change.to },
      metadata: { ...database, migrationId: change.migrationId },
    });
  }
  if (change.from === 'FULL_LOAD' && change.to !== 'FULL_LOAD') {
    points.push({
      name: METRIC_NAMES.fullLoadSeconds,
      unit: 'Seconds',
      value: secondsBetween(change.fromSince, change.now),
      dimensions: migration,
      metadata: database,
    });
  }
  // The first CDC comes from the step-down; CDC after a resize is not a new arrival.
  if (change.from === 'STEPPING_DOWN' && change.to === 'CDC') {
    points.push({
      name: METRIC_NAMES.requestToCdcSeconds,
      unit: 'Seconds',
      value: secondsBetween(change.registeredAt, change.now),
      dimensions: migration,
      metadata: database,
    });
  }
  if (change.resizedTo !== undefined) {
    points.push({
      name: METRIC_NAMES.instanceResized,
      unit: 'Count',
      value: 1,
      dimensions: { [METRIC_DIMENSIONS.instanceClass]: change.resizedTo },
      metadata: { ...database, migrationId: change.migrationId },
    });
  }
  return points;
};

export const resizeDecisionMetrics = (decision: {
  readonly migrationId: string;
  readonly databaseId: string;
  readonly action: ResizeAction;
}): MetricPoint[] => [
  {
    name: METRIC_NAMES.resizeDecided,
    unit: 'Count',
    value: 1,
    dimensions: { [METRIC_DIMENSIONS.action]: decision.action },
    metadata: { migrationId: decision.migrationId, databaseId: decision.databaseId },
  },
];

/** One gauge per phase but DELETED, zero included, so that a phase emptying shows as 0 rather than a gap. */
export const fleetPhaseMetrics = (phases: readonly Phase[]): MetricPoint[] =>
  PHASES.filter((phase) => phase !== 'DELETED').map((phase) => ({
    name: METRIC_NAMES.databasesInPhase,
    unit: 'Count',
    value: phases.filter((candidate) => candidate === phase).length,
    dimensions: { [METRIC_DIMENSIONS.phase]: phase },
  }));

/** Databases a failed resize left stopped that the reconciler is still resuming; 0 is published too. */
export const resumesPendingMetrics = (count: number): MetricPoint[] => [
  { name: METRIC_NAMES.resumesPending, unit: 'Count', value: count, dimensions: {} },
];

/** What one look at a database's replication slot found (docs/source-safety.md): whether it is read, and its WAL. */
export const slotWatchMetrics = (
  database: { readonly migrationId: string; readonly databaseId: string },
  watch: { readonly active: boolean; readonly retainedWalBytes: number | null },
): MetricPoint[] => {
  const dimensions = {
    [METRIC_DIMENSIONS.migrationId]: database.migrationId,
    [METRIC_DIMENSIONS.databaseId]: database.databaseId,
  };
  return [
    { name: METRIC_NAMES.slotActive, unit: 'Count', value: watch.active ? 1 : 0, dimensions },
    // A slot that was gone retains nothing to measure: no point rather than a misleading 0.
    ...(watch.retainedWalBytes === null
      ? []
      : [
          {
            name: METRIC_NAMES.slotRetainedWal,
            unit: 'Bytes' as const,
            value: watch.retainedWalBytes,
            dimensions,
          },
        ]),
  ];
};

/** A slot left inactive during CDC, reported once per sweep; no dimensions, so one stack alarm watches them all. */
export const slotIncidentMetrics = (database: {
  readonly migrationId: string;
  readonly databaseId: string;
}): MetricPoint[] => [
  {
    name: METRIC_NAMES.slotIncident,
    unit: 'Count',
    value: 1,
    dimensions: {},
    metadata: { migrationId: database.migrationId, databaseId: database.databaseId },
  },
];
