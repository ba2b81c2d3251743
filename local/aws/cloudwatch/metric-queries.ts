/**
 * Parsing of the metric identities and queries that CloudWatch requests carry (dimensions, periods, statistics,
 * `MetricStat` queries), shared by the metric operations and by alarm definitions.
 */

import {
  isRecord,
  optionalBoolean,
  optionalString,
  requiredNumber,
  requiredString,
  validationError,
} from '#local/aws/shared/validation';
import { AwsServiceError } from '../../http/service.ts';
import { type Dimension, isSupportedStatistic, type MetricId } from './metrics.ts';

/** One metric read with a statistic over a period: what a `MetricStat` query or a single-metric alarm names. */
export interface MetricQuery extends MetricId {
  readonly period: number;
  readonly stat: string;
  readonly unit?: string;
  /** The query id reported in events (`m1` for single-metric alarms). */
  readonly queryId: string;
}

const isAllowedPeriod = (period: number) =>
  period === 10 || period === 30 || (period >= 60 && period % 60 === 0);

export const parseDimensions = (raw: unknown, field: string): Dimension[] => {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError(field, raw, 'Member must be a list');
  if (raw.length > 30) throw validationError(field, raw, 'Member must have at most 30 dimensions');
  return raw.map((item) => {
    if (!isRecord(item)) throw validationError(field, item, 'Member must be a structure');
    return { Name: requiredString(item, 'Name'), Value: requiredString(item, 'Value') };
  });
};

export const parsePeriod = (input: Record<string, unknown>, field: string): number => {
  const period = requiredNumber(input, field);
  if (!isAllowedPeriod(period))
    throw validationError(field, period, 'Member must be 10, 30 or a multiple of 60');
  return period;
};

export const checkStatistic = (stat: string, field: string): void => {
  if (!isSupportedStatistic(stat)) {
    throw validationError(
      field,
      stat,
      'Member must be SampleCount, Average, Sum, Minimum, Maximum or a percentile pNN',
    );
  }
};

export const parseMetricQuery = (
  raw: unknown,
  field: string,
): MetricQuery & { label?: string; returnData: boolean } => {
  if (!isRecord(raw)) throw validationError(field, raw, 'Member must be a structure');
  const queryId = requiredString(raw, 'Id');
  if (raw.Expression !== undefined) {
    throw new AwsServiceError(
      'InvalidParameterValue',
      `${field}: metric math expressions are not supported locally`,
    );
  }
  const stat = raw.MetricStat;
  if (!isRecord(stat) || !isRecord(stat.Metric))
    throw validationError(`${field}.MetricStat`, stat, 'Member must not be null');
  const statName = requiredString(stat, 'Stat');
  checkStatistic(statName, `${field}.MetricStat.Stat`);
  return {
    queryId,
    namespace: requiredString(stat.Metric, 'Namespace'),
    metricName: requiredString(stat.Metric, 'MetricName'),
    dimensions: parseDimensions(stat.Metric.Dimensions, `${field}.MetricStat.Metric.Dimensions`),
    period: parsePeriod(stat, 'Period'),
    stat: statName,
    unit: optionalString(stat, 'Unit'),
    label: optionalString(raw, 'Label'),
    returnData: optionalBoolean(raw, 'ReturnData') ?? true,
  };
};
