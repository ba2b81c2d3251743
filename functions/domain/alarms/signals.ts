/**
 * The resize signals: what each CDC alarm watches and how a window of datapoints counts as a breach. The alarm
 * specs, the metric queries and the resize policy all read this one table, so an alarm and the policy it wakes up
 * agree on metric, statistic, threshold and window.
 */
import { INSTANCE_CLASSES, type InstanceClass } from '#domain/instance-classes';
import type { ResizeSettings } from '#domain/request/resize-settings';

export const RESIZE_SIGNALS = [
  'cpu-high',
  'memory-low',
  'swap-growth',
  'cdc-latency-high',
  'cpu-low',
] as const;
export type ResizeSignal = (typeof RESIZE_SIGNALS)[number];

export const DMS_METRIC_NAMESPACE = 'AWS/DMS';

export type MetricStatistic = 'Average' | 'Minimum' | 'Maximum';

export interface SignalDefinition {
  readonly metricName: string;
  /**
   * Instance metrics carry the instance dimension; task metrics the (instance, task) pair
   * (docs/dms-behaviour.md §4.3).
   */
  readonly scope: 'instance' | 'task';
  readonly statistic: MetricStatistic;
  /** `sustained`: stepUp.sustainedMinutes; `quiet`: stepDown.quietMinutes. */
  readonly window: 'sustained' | 'quiet';
  readonly direction: 'step-up' | 'step-down';
  /** A datapoint breaches when it is above (`greater`) or below (`less`) the threshold. */
  readonly breachWhen: 'greater' | 'less';
  readonly description: string;
}

export const SIGNAL_DEFINITIONS: Readonly<Record<ResizeSignal, SignalDefinition>> = {
  'cpu-high': {
    metricName: 'CPUUtilization',
    scope: 'instance',
    statistic: 'Average',
    window: 'sustained',
    direction: 'step-up',
    breachWhen: 'greater',
    description: 'Sustained high CPU on the replication instance',
  },
  'memory-low': {
    metricName: 'FreeableMemory',
    scope: 'instance',
    // The lowest point of each period: memory pressure shows at its trough, not on average.
    statistic: 'Minimum',
    window: 'sustained',
    direction: 'step-up',
    breachWhen: 'less',
    description: 'Freeable memory low on the replication instance',
  },
  'swap-growth': {
    metricName: 'SwapUsage',
    scope: 'instance',
    statistic: 'Maximum',
    window: 'sustained',
    direction: 'step-up',
    breachWhen: 'greater',
    description: 'Swap in use grew past the allowed amount (the instance is short of memory)',
  },
  'cdc-latency-high': {
    // Source latency: how far reading the source lags behind its commits, i.e. whether the instance keeps up. Target
    // latency is no use on S3 targets: it includes the deliberate CdcMaxBatchInterval wait (an hour by default).
    metricName: 'CDCLatencySource',
    scope: 'task',
    statistic: 'Average',
    window: 'sustained',
    direction: 'step-up',
    breachWhen: 'greater',
    description: 'CDC source latency high on the replication task (the instance falls behind the source)',
  },
  'cpu-low': {
    metricName: 'CPUUtilization',
    scope: 'instance',
    // Quiet means even the peaks were low.
    statistic: 'Maximum',
    window: 'quiet',
    direction: 'step-down',
    breachWhen: 'less',
    description: 'CPU low for the whole quiet window: the instance can step down',
  },
};

/** Share of a sustained window's datapoints that must breach; one dip or one late datapoint does not reset it. */
export const SUSTAINED_FRACTION = 0.8;

const GIB = 1024 ** 3;

/** The threshold of a signal for an instance of `instanceClass`, in the metric's own unit. */
export const signalThreshold = (
  signal: ResizeSignal,
  settings: ResizeSettings,
  instanceClass: InstanceClass,
): number => {
  switch (signal) {
    case 'cpu-high':
      return settings.stepUp.cpuPercent;
    case 'memory-low':
      return Math.round(
        INSTANCE_CLASSES[instanceClass].memoryGiB * GIB * (settings.stepUp.freeableMemoryPercent / 100),
      );
    case 'swap-growth':
      return settings.stepUp.swapUsageBytes;
    case 'cdc-latency-high':
      return settings.stepUp.cdcLatencySeconds;
    case 'cpu-low':
      return settings.stepDown.cpuPercent;
  }
};

export const isBreaching = (signal: ResizeSignal, value: number, threshold: number): boolean =>
  SIGNAL_DEFINITIONS[signal].breachWhen === 'greater' ? value > threshold : value < threshold;

export const signalWindowMinutes = (signal: ResizeSignal, settings: ResizeSettings): number =>
  SIGNAL_DEFINITIONS[signal].window === 'sustained'
    ? settings.stepUp.sustainedMinutes
    : settings.stepDown.quietMinutes;

export interface EvaluationWindow {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
}

const ONE_HOUR = 3_600;
const ONE_DAY = 86_400;
const SEVEN_DAYS = 604_800;

/**
 * Period and number of periods for a window of `minutes`. CloudWatch caps Period × EvaluationPeriods at one day
 * for periods under an hour and at seven days otherwise, so longer windows use coarser periods and a window over
 * seven days is evaluated over its last seven days.
 */
export const evaluationWindow = (minutes: number): EvaluationWindow => {
  const seconds = Math.max(60, Math.round(minutes * 60));
  const periodSeconds = seconds <= ONE_HOUR ? 60 : seconds <= ONE_DAY ? 300 : ONE_HOUR;
  const limit = periodSeconds < ONE_HOUR ? ONE_DAY : SEVEN_DAYS;
  return {
    periodSeconds,
    evaluationPeriods: Math.min(Math.ceil(seconds / periodSeconds), Math.floor(limit / periodSeconds)),
  };
};

/** Datapoints that must breach for a signal to fire, out of `evaluationPeriods`. */
export const datapointsToFire = (signal: ResizeSignal, evaluationPeriods: number): number =>
  SIGNAL_DEFINITIONS[signal].direction === 'step-down'
    ? evaluationPeriods
    : Math.max(1, Math.ceil(evaluationPeriods * SUSTAINED_FRACTION));
