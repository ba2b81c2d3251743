/**
 * Publishes lakeshift's own metrics with Powertools Metrics: each point as one embedded-metric-format line on
 * stdout, which Lambda sends to CloudWatch Logs and CloudWatch turns into metrics. `POWERTOOLS_METRICS_DISABLED`
 * turns the output off (the local AWS and the tests set it).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '#contracts/metrics';
import { APP_NAME } from '#contracts/names';
import type { MetricPoint } from '#domain/metrics';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: APP_NAME });

const UNITS = { Count: MetricUnit.Count, Seconds: MetricUnit.Seconds, Bytes: MetricUnit.Bytes } as const;

export const publishMetrics = (points: readonly MetricPoint[]): void => {
  for (const point of points) {
    const single = metrics.singleMetric();
    for (const [name, value] of Object.entries(point.dimensions)) {
      if (value !== undefined) single.addDimension(name, value);
    }
    for (const [key, value] of Object.entries(point.metadata ?? {})) single.addMetadata(key, value);
    // A single metric is written as soon as it is added.
    single.addMetric(point.name, UNITS[point.unit], point.value);
  }
};
