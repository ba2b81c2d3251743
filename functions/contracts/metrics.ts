/**
 * lakeshift's own CloudWatch metrics, published by handlers with Powertools Metrics (CloudWatch embedded metric
 * format). The CDK dashboard finds them with SEARCH expressions on these names, whatever dimensions a publisher adds.
 */
import { APP_NAME } from './names.ts';

export const METRICS_NAMESPACE = APP_NAME;

export const METRIC_NAMES = {
  /** A database entered a phase (count 1), dimension `Phase`. */
  phaseEntered: 'PhaseEntered',
  /** The resize policy decided (count 1), dimension `Action`: stay, step-up, step-down. */
  resizeDecided: 'ResizeDecided',
  /** A replication instance changed class (count 1), dimension `InstanceClass` (the new class). */
  instanceResized: 'InstanceResized',
  /** WAL the database's replication slot retains on the source (bytes), dimensions `MigrationId`, `DatabaseId`. */
  slotRetainedWal: 'ReplicationSlotRetainedWalBytes',
  /** 1 while the database's replication slot is read by its task, 0 otherwise; same dimensions. */
  slotActive: 'ReplicationSlotActive',
  /** An inactive slot reported as an incident (count 1), no dimensions: the stack's health alarm watches it. */
  slotIncident: 'ReplicationSlotIncident',
  /** Seconds from a database's registration (its request) to its first CDC, dimension `MigrationId`. */
  requestToCdcSeconds: 'RequestToCdcSeconds',
  /** Seconds a database spent in FULL_LOAD (the full load and the cached changes), dimension `MigrationId`. */
  fullLoadSeconds: 'FullLoadSeconds',
  /** Databases in each phase at a reconcile run (a gauge, DELETED not counted), dimension `Phase`. */
  databasesInPhase: 'DatabasesInPhase',
  /** Databases whose task a failed resize left stopped and the reconciler is still resuming (gauge, per sweep). */
  resumesPending: 'ResumesPending',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export const METRIC_DIMENSIONS = {
  phase: 'Phase',
  action: 'Action',
  instanceClass: 'InstanceClass',
  migrationId: 'MigrationId',
  databaseId: 'DatabaseId',
} as const;

export type MetricDimension = (typeof METRIC_DIMENSIONS)[keyof typeof METRIC_DIMENSIONS];
