/**
 * lakeshift's own health metrics, written as CloudWatch embedded metric format to the function's log (no API call,
 * no extra permission); the stack's health alarms watch them.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMES, METRICS_NAMESPACE } from '#contracts/metrics';
import { APP_NAME } from '#contracts/names';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: APP_NAME });

/** Databases waiting for the reconciler to resume CDC after a failed resize (0 is published too). */
export const publishResumesPending = (count: number): void => {
  metrics.addMetric(METRIC_NAMES.resumesPending, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
};
