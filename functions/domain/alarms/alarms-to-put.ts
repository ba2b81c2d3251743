/**
 * Which of the alarms a sweep keeps need a PutMetricAlarm: those missing, and those whose definition differs from
 * the one wanted (docs/source-safety.md, "Watched"). PutMetricAlarm overwrites the whole definition and leaves the
 * state alone, so putting an unchanged alarm changes nothing; at hundreds of databases a put per database per sweep
 * would only spend CloudWatch's request quota.
 */
import type { Dimension, MetricAlarm, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';

type Described = Pick<
  MetricAlarm,
  | 'AlarmName'
  | 'AlarmDescription'
  | 'ActionsEnabled'
  | 'OKActions'
  | 'AlarmActions'
  | 'InsufficientDataActions'
  | 'MetricName'
  | 'Namespace'
  | 'Statistic'
  | 'ExtendedStatistic'
  | 'Dimensions'
  | 'Period'
  | 'Unit'
  | 'EvaluationPeriods'
  | 'DatapointsToAlarm'
  | 'Threshold'
  | 'ComparisonOperator'
  | 'TreatMissingData'
  | 'Metrics'
>;

/** Fields compared as they are; an unset one in the wanted definition must be unset in the described one too. */
const PLAIN_FIELDS = [
  'AlarmDescription',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'Threshold',
  'ComparisonOperator',
] as const;

/** Action lists: order does not matter, and an unset list is an empty one. */
const ACTION_FIELDS = ['OKActions', 'AlarmActions', 'InsufficientDataActions'] as const;

const sameSet = (left: readonly string[] | undefined, right: readonly string[] | undefined): boolean => {
  const a = [...(left ?? [])].sort();
  const b = [...(right ?? [])].sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
};

const dimensionKeys = (dimensions: readonly Dimension[] | undefined): string[] =>
  (dimensions ?? []).map((dimension) => `${dimension.Name}=${dimension.Value}`);

const matches = (wanted: PutMetricAlarmInput, described: Described): boolean => {
  // An alarm on a metric math expression is always put again: comparing queries is not worth its risk.
  if (wanted.Metrics !== undefined || described.Metrics !== undefined) return false;
  if (PLAIN_FIELDS.some((field) => wanted[field] !== described[field])) return false;
  if (ACTION_FIELDS.some((field) => !sameSet(wanted[field], described[field]))) return false;
  if (!sameSet(dimensionKeys(wanted.Dimensions), dimensionKeys(described.Dimensions))) return false;
  if ((wanted.ActionsEnabled ?? true) !== (described.ActionsEnabled ?? true)) return false;
  if ((wanted.TreatMissingData ?? 'missing') !== (described.TreatMissingData ?? 'missing')) return false;
  // Unset, DatapointsToAlarm is EvaluationPeriods; whether DescribeAlarms then answers it is not documented.
  const datapoints = (alarm: Described | PutMetricAlarmInput) =>
    alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods;
  return datapoints(wanted) === datapoints(described);
};

export const alarmsToPut = (
  wanted: readonly PutMetricAlarmInput[],
  existing: readonly Described[],
): PutMetricAlarmInput[] => {
  const byName = new Map(existing.map((alarm) => [alarm.AlarmName, alarm]));
  return wanted.filter((alarm) => {
    const described = byName.get(alarm.AlarmName);
    return described === undefined || !matches(alarm, described);
  });
};
