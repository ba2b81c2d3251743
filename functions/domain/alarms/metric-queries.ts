/**
 * GetMetricData queries for the resize policy: one series per signal, with the same metric, statistic, dimensions
 * and period as the alarm that stands for it, over the longest window the policy looks at.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { ResizeSettings } from '#domain/request/resize-settings';
import { signalDimensions } from './alarm-specs.ts';
import {
  DMS_METRIC_NAMESPACE,
  evaluationWindow,
  RESIZE_SIGNALS,
  type ResizeSignal,
  SIGNAL_DEFINITIONS,
  signalWindowMinutes,
} from './signals.ts';

export interface ResizeMetricQueries {
  readonly queries: MetricDataQuery[];
  /** How far back from `now` the request must reach to cover every window. */
  readonly lookbackSeconds: number;
  /** Query id → the signal it measures. */
  readonly signalOfQuery: Readonly<Record<string, ResizeSignal>>;
}

/** GetMetricData ids must start with a lower-case letter and hold only letters, digits and underscores. */
export const queryIdOf = (signal: ResizeSignal): string => signal.replaceAll('-', '_');

export const resizeMetricQueries = (target: {
  readonly instanceIdentifier: string;
  readonly taskResourceId: string;
  readonly settings: ResizeSettings;
}): ResizeMetricQueries => {
  let lookbackSeconds = 0;
  const queries = RESIZE_SIGNALS.map((signal): MetricDataQuery => {
    const window = evaluationWindow(signalWindowMinutes(signal, target.settings));
    // One extra period so the oldest datapoint of the window is inside the request.
    lookbackSeconds = Math.max(lookbackSeconds, window.periodSeconds * (window.evaluationPeriods + 1));
    const definition = SIGNAL_DEFINITIONS[signal];
    return {
      Id: queryIdOf(signal),
      MetricStat: {
        Metric: {
          Namespace: DMS_METRIC_NAMESPACE,
          MetricName: definition.metricName,
          Dimensions: signalDimensions(signal, target.instanceIdentifier, target.taskResourceId),
        },
        Period: window.periodSeconds,
        Stat: definition.statistic,
      },
      ReturnData: true,
    };
  });
  return {
    queries,
    lookbackSeconds,
    signalOfQuery: Object.fromEntries(RESIZE_SIGNALS.map((signal) => [queryIdOf(signal), signal])),
  };
};
