/** The metric operations of the local CloudWatch: PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics. */

import {
  epochSeconds,
  isRecord,
  optionalList,
  optionalNumber,
  optionalString,
  requiredNumber,
  requiredString,
  requiredTimestamp,
  validationError,
} from '#local/aws/shared/validation';
import { AwsServiceError } from '../../http/service.ts';
import { checkStatistic, parseDimensions, parseMetricQuery, parsePeriod } from './metric-queries.ts';
import { type MetricId, type MetricStore, statisticValue } from './metrics.ts';

export const putMetricData = (store: MetricStore, now: number, input: Record<string, unknown>): unknown => {
  const namespace = requiredString(input, 'Namespace');
  if (namespace.startsWith('AWS/')) {
    throw new AwsServiceError(
      'InvalidParameterValue',
      `The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services.`,
    );
  }
  const data = optionalList(input, 'MetricData') ?? [];
  if (data.length === 0) throw validationError('metricData', undefined, 'Member must not be empty');
  data.forEach((raw, index) => {
    const field = `MetricData.member.${index + 1}`;
    if (!isRecord(raw)) throw validationError(field, raw, 'Member must be a structure');
    const id: MetricId = {
      namespace,
      metricName: requiredString(raw, 'MetricName'),
      dimensions: parseDimensions(raw.Dimensions, `${field}.Dimensions`),
    };
    const timestamp = raw.Timestamp === undefined ? now : requiredTimestamp(raw, 'Timestamp');
    const statisticValues = isRecord(raw.StatisticValues)
      ? {
          SampleCount: requiredNumber(raw.StatisticValues, 'SampleCount'),
          Sum: requiredNumber(raw.StatisticValues, 'Sum'),
          Minimum: requiredNumber(raw.StatisticValues, 'Minimum'),
          Maximum: requiredNumber(raw.StatisticValues, 'Maximum'),
        }
      : undefined;
    const values = optionalList(raw, 'Values')?.map(Number);
    const value = optionalNumber(raw, 'Value');
    if (value === undefined && !statisticValues && !values) {
      throw new AwsServiceError(
        'MissingParameter',
        `${field}: one of Value, StatisticValues or Values must be specified`,
      );
    }
    store.put(id, {
      timestamp,
      value,
      statisticValues,
      values,
      counts: optionalList(raw, 'Counts')?.map(Number),
      unit: optionalString(raw, 'Unit'),
    });
  });
  return {};
};

export const getMetricStatistics = (store: MetricStore, input: Record<string, unknown>): unknown => {
  const id: MetricId = {
    namespace: requiredString(input, 'Namespace'),
    metricName: requiredString(input, 'MetricName'),
    dimensions: parseDimensions(input.Dimensions, 'Dimensions'),
  };
  const period = parsePeriod(input, 'Period');
  const statistics = (optionalList(input, 'Statistics') ?? []).map(String);
  const extended = (optionalList(input, 'ExtendedStatistics') ?? []).map(String);
  if (statistics.length + extended.length === 0) {
    throw new AwsServiceError(
      'MissingParameter',
      'The parameter Statistics or ExtendedStatistics must be specified.',
    );
  }
  for (const stat of [...statistics, ...extended]) checkStatistic(stat, 'Statistics');
  const buckets = store.buckets(
    id,
    requiredTimestamp(input, 'StartTime'),
    requiredTimestamp(input, 'EndTime'),
    period,
  );
  return {
    Label: id.metricName,
    Datapoints: buckets.map((bucket) => ({
      Timestamp: epochSeconds(bucket.timestamp),
      ...Object.fromEntries(statistics.map((stat) => [stat, statisticValue(bucket, stat)])),
      ...(extended.length > 0
        ? {
            ExtendedStatistics: Object.fromEntries(
              extended.map((stat) => [stat, statisticValue(bucket, stat)]),
            ),
          }
        : {}),
      Unit: bucket.unit ?? 'None',
    })),
  };
};

export const getMetricData = (store: MetricStore, input: Record<string, unknown>): unknown => {
  const queries = optionalList(input, 'MetricDataQueries') ?? [];
  if (queries.length === 0) throw validationError('metricDataQueries', undefined, 'Member must not be empty');
  const start = requiredTimestamp(input, 'StartTime');
  const end = requiredTimestamp(input, 'EndTime');
  const descending = (optionalString(input, 'ScanBy') ?? 'TimestampDescending') === 'TimestampDescending';
  const results = queries.map((raw, index) => {
    const query = parseMetricQuery(raw, `MetricDataQueries.member.${index + 1}`);
    const points = store
      .buckets(query, start, end, query.period)
      .map((bucket) => ({ timestamp: bucket.timestamp, value: statisticValue(bucket, query.stat) }))
      .filter((point): point is { timestamp: number; value: number } => point.value !== undefined);
    if (descending) points.reverse();
    return {
      Id: query.queryId,
      Label: query.label ?? query.metricName,
      Timestamps: points.map((point) => epochSeconds(point.timestamp)),
      Values: points.map((point) => point.value),
      StatusCode: 'Complete',
      returnData: query.returnData,
    };
  });
  return {
    MetricDataResults: results.filter((r) => r.returnData).map(({ returnData: _, ...result }) => result),
    Messages: [],
  };
};

export const listMetrics = (store: MetricStore, input: Record<string, unknown>): unknown => {
  const dimensions = (optionalList(input, 'Dimensions') ?? []).map((raw) => {
    if (!isRecord(raw)) throw validationError('Dimensions', raw, 'Member must be a structure');
    return { Name: requiredString(raw, 'Name'), Value: optionalString(raw, 'Value') };
  });
  return {
    Metrics: store
      .list({
        namespace: optionalString(input, 'Namespace'),
        metricName: optionalString(input, 'MetricName'),
        dimensions,
      })
      .map((id) => ({ Namespace: id.namespace, MetricName: id.metricName, Dimensions: id.dimensions })),
  };
};
