/**
 * lakeshift's own CloudWatch metrics (published by handlers, e.g. with Powertools Metrics). The CDK dashboard
 * finds them with SEARCH expressions on these names, whatever dimensions a publisher adds.
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
  /** Databases whose task a failed resize left stopped and the reconciler is still resuming (gauge, per sweep). */
  resumesPending: 'ResumesPending',
} as const;

export const METRIC_DIMENSIONS = {
  phase: 'Phase',
  action: 'Action',
  instanceClass: 'InstanceClass',
} as const;
