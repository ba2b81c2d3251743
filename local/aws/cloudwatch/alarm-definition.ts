/** A metric alarm as the local CloudWatch stores it: parsed from PutMetricAlarm, answered in DescribeAlarms. */

import {
  epochSeconds,
  oneOf,
  optionalBoolean,
  optionalList,
  optionalNumber,
  optionalString,
  requiredNumber,
  requiredString,
  validationError,
} from '#local/aws/shared/validation';
import { AwsServiceError } from '../../http/service.ts';
import {
  type AlarmRule,
  type AlarmStateValue,
  COMPARISON_OPERATORS,
  TREAT_MISSING_DATA,
} from './alarm-evaluation.ts';
import {
  checkStatistic,
  type MetricQuery,
  parseDimensions,
  parseMetricQuery,
  parsePeriod,
} from './metric-queries.ts';
import { STATISTICS } from './metrics.ts';

export interface AlarmState {
  value: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  transitionedAt: number;
}

export interface MetricAlarm {
  readonly name: string;
  readonly arn: string;
  readonly input: Record<string, unknown>;
  readonly metric: MetricQuery;
  readonly rule: AlarmRule;
  readonly description?: string;
  readonly configUpdatedAt: number;
  readonly tags: readonly { Key: string; Value: string }[];
  state: AlarmState;
}

/** The parts of a PutMetricAlarm request that define the alarm, validated (state and tags are the caller's). */
export const parseAlarmDefinition = (
  input: Record<string, unknown>,
): Pick<MetricAlarm, 'name' | 'metric' | 'rule' | 'description'> => {
  const name = requiredString(input, 'AlarmName');
  if (name.length > 255)
    throw validationError('alarmName', name, 'Member must have length less than or equal to 255');
  const evaluationPeriods = requiredNumber(input, 'EvaluationPeriods');
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw validationError(
      'evaluationPeriods',
      evaluationPeriods,
      'Member must have value greater than or equal to 1',
    );
  }
  const datapointsToAlarm = optionalNumber(input, 'DatapointsToAlarm') ?? evaluationPeriods;
  if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    throw new AwsServiceError(
      'ValidationError',
      `DatapointsToAlarm (${datapointsToAlarm}) must be between 1 and EvaluationPeriods (${evaluationPeriods}).`,
    );
  }
  const comparisonOperator = oneOf(
    'comparisonOperator',
    requiredString(input, 'ComparisonOperator'),
    COMPARISON_OPERATORS,
  );
  const treatMissingData = oneOf(
    'treatMissingData',
    optionalString(input, 'TreatMissingData') ?? 'missing',
    TREAT_MISSING_DATA,
  );
  if (!comparisonOperator || !treatMissingData)
    throw validationError('comparisonOperator', undefined, 'Member must not be null');
  return {
    name,
    metric: alarmMetric(input),
    rule: {
      threshold: requiredNumber(input, 'Threshold'),
      comparisonOperator,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData,
    },
    description: optionalString(input, 'AlarmDescription'),
  };
};

/** The one metric an alarm watches: its own Namespace/MetricName/... fields, or its single returned MetricStat query. */
const alarmMetric = (input: Record<string, unknown>): MetricQuery => {
  const queries = optionalList(input, 'Metrics');
  if (queries) {
    if (input.MetricName !== undefined) {
      throw new AwsServiceError(
        'InvalidParameterCombination',
        'Metrics and MetricName cannot both be specified.',
      );
    }
    const parsed = queries.map((raw, index) => parseMetricQuery(raw, `Metrics.member.${index + 1}`));
    const returned = parsed.filter((query) => query.returnData);
    const [only] = returned;
    if (returned.length !== 1 || !only) {
      throw new AwsServiceError(
        'ValidationError',
        'Exactly one element of Metrics must have ReturnData set to true.',
      );
    }
    return only;
  }
  const statistic = optionalString(input, 'Statistic');
  const extended = optionalString(input, 'ExtendedStatistic');
  const stat = statistic ?? extended;
  if (!stat || (statistic && extended)) {
    throw new AwsServiceError(
      'InvalidParameterCombination',
      'Exactly one of Statistic and ExtendedStatistic must be specified.',
    );
  }
  checkStatistic(stat, statistic ? 'statistic' : 'extendedStatistic');
  return {
    queryId: 'm1',
    namespace: requiredString(input, 'Namespace'),
    metricName: requiredString(input, 'MetricName'),
    dimensions: parseDimensions(input.Dimensions, 'Dimensions'),
    period: parsePeriod(input, 'Period'),
    stat,
    unit: optionalString(input, 'Unit'),
  };
};

const isBasicStatistic = (stat: string): boolean => (STATISTICS as readonly string[]).includes(stat);

export const describeAlarm = (alarm: MetricAlarm) => {
  const input = alarm.input;
  return {
    AlarmName: alarm.name,
    AlarmArn: alarm.arn,
    AlarmDescription: alarm.description,
    AlarmConfigurationUpdatedTimestamp: epochSeconds(alarm.configUpdatedAt),
    ActionsEnabled: optionalBoolean(input, 'ActionsEnabled') ?? true,
    OKActions: optionalList(input, 'OKActions') ?? [],
    AlarmActions: optionalList(input, 'AlarmActions') ?? [],
    InsufficientDataActions: optionalList(input, 'InsufficientDataActions') ?? [],
    StateValue: alarm.state.value,
    StateReason: alarm.state.reason,
    StateReasonData: alarm.state.reasonData,
    StateUpdatedTimestamp: epochSeconds(alarm.state.updatedAt),
    StateTransitionedTimestamp: epochSeconds(alarm.state.transitionedAt),
    ...(input.Metrics
      ? { Metrics: input.Metrics }
      : {
          MetricName: alarm.metric.metricName,
          Namespace: alarm.metric.namespace,
          Dimensions: alarm.metric.dimensions,
          Period: alarm.metric.period,
          ...(isBasicStatistic(alarm.metric.stat)
            ? { Statistic: alarm.metric.stat }
            : { ExtendedStatistic: alarm.metric.stat }),
          Unit: alarm.metric.unit,
        }),
    EvaluationPeriods: alarm.rule.evaluationPeriods,
    DatapointsToAlarm: alarm.rule.datapointsToAlarm,
    Threshold: alarm.rule.threshold,
    ComparisonOperator: alarm.rule.comparisonOperator,
    TreatMissingData: alarm.rule.treatMissingData,
  };
};
