/**
 * Local CloudWatch (`GraniteServiceVersion20100801`): AWS JSON 1.0 with awsQueryCompatible, which is what
 * `@aws-sdk/client-cloudwatch` sends; the AWS CLI's query protocol reaches the same operations through
 * `query-protocol.ts`. Metrics, metric alarms, and alarm evaluation every emulated minute on the shared clock,
 * emitting `CloudWatch Alarm State Change` events (docs/dms-behaviour.md §13) to the event sink.
 */
import { CLOUDWATCH_ALARM_STATE_CHANGE, CLOUDWATCH_EVENT_SOURCE } from '#contracts/events';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';
import { localArn } from '../shared/account.ts';
import type { ServiceEvent } from '../shared/service-event.ts';
import {
  epochSeconds,
  isRecord,
  oneOf,
  optionalBoolean,
  optionalList,
  optionalNumber,
  optionalString,
  requiredNumber,
  requiredString,
  requiredTimestamp,
  validationError,
} from '../shared/validation.ts';
import {
  ALARM_STATES,
  type AlarmRule,
  type AlarmStateValue,
  COMPARISON_OPERATORS,
  describeEvaluation,
  evaluateAlarm,
  formatAlarmTimestamp,
  TREAT_MISSING_DATA,
} from './alarm-evaluation.ts';
import {
  type Dimension,
  isSupportedStatistic,
  type MetricId,
  MetricStore,
  type SampleInput,
  statisticValue,
} from './metrics.ts';

interface AlarmMetric extends MetricId {
  readonly period: number;
  readonly stat: string;
  readonly unit?: string;
  /** The query id reported in events (`m1` for single-metric alarms). */
  readonly queryId: string;
}

interface AlarmState {
  value: AlarmStateValue;
  reason: string;
  reasonData?: string;
  updatedAt: number;
  transitionedAt: number;
}

interface MetricAlarm {
  readonly name: string;
  readonly arn: string;
  readonly input: Record<string, unknown>;
  readonly metric: AlarmMetric;
  readonly rule: AlarmRule;
  readonly description?: string;
  readonly configUpdatedAt: number;
  readonly tags: readonly { Key: string; Value: string }[];
  state: AlarmState;
}

export interface LocalCloudWatchOptions {
  readonly clock: Clock;
  /** Receives alarm state change events (the local EventBridge default bus). */
  readonly publish: (event: ServiceEvent) => void;
}

const EVALUATION_INTERVAL_MS = 60_000;
/** Evaluate a little after each minute so that datapoints stamped on the minute have arrived. */
const EVALUATION_OFFSET_MS = 10_000;
const ALLOWED_PERIODS = (period: number) =>
  period === 10 || period === 30 || (period >= 60 && period % 60 === 0);

export class LocalCloudWatch implements AwsJsonService {
  readonly name = 'cloudwatch';
  readonly targetPrefix = 'GraniteServiceVersion20100801';
  readonly protocol = 'json1.0' as const;
  readonly queryCompatible = true;
  readonly metrics = new MetricStore();
  private readonly alarms = new Map<string, MetricAlarm>();
  private readonly clock: Clock;
  private readonly publish: (event: ServiceEvent) => void;
  private cancelTimer: (() => void) | undefined;

  constructor(options: LocalCloudWatchOptions) {
    this.clock = options.clock;
    this.publish = options.publish;
  }

  /** Starts evaluating alarms once per emulated minute. */
  start(): void {
    if (this.cancelTimer) return;
    const now = this.clock.now();
    const next = Math.floor(now / EVALUATION_INTERVAL_MS) * EVALUATION_INTERVAL_MS + EVALUATION_OFFSET_MS;
    const tick = () => {
      this.evaluateAll();
      this.cancelTimer = this.clock.schedule(EVALUATION_INTERVAL_MS, tick);
    };
    this.cancelTimer = this.clock.schedule(
      next > now ? next - now : next + EVALUATION_INTERVAL_MS - now,
      tick,
    );
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Records a datapoint as an AWS service does (no reserved-namespace check): the DMS emulator's metric sink. */
  record(id: MetricId, sample: SampleInput): void {
    this.metrics.put(id, sample);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutMetricData':
        return this.putMetricData(input);
      case 'GetMetricStatistics':
        return this.getMetricStatistics(input);
      case 'GetMetricData':
        return this.getMetricData(input);
      case 'ListMetrics':
        return this.listMetrics(input);
      case 'PutMetricAlarm':
        return this.putMetricAlarm(input);
      case 'DescribeAlarms':
        return this.describeAlarms(input);
      case 'DeleteAlarms':
        return this.deleteAlarms(input);
      case 'SetAlarmState':
        return this.setAlarmState(input);
      case 'ListTagsForResource':
        return this.listTags(input);
      default:
        throw new AwsServiceError(
          'InvalidAction',
          `CloudWatch operation ${operation} is not supported locally`,
        );
    }
  }

  /** Evaluates every alarm now; changes of state are published as events. */
  evaluateAll(): void {
    for (const alarm of this.alarms.values()) this.evaluate(alarm);
  }

  private evaluate(alarm: MetricAlarm): void {
    const now = this.clock.now();
    const periodMs = alarm.metric.period * 1000;
    const end = Math.floor(now / periodMs) * periodMs;
    const start = end - alarm.rule.evaluationPeriods * periodMs;
    const buckets = this.metrics.buckets(alarm.metric, start, end, alarm.metric.period);
    const window: (number | undefined)[] = [];
    const datapoints: { timestamp: number; value: number }[] = [];
    for (let t = start; t < end; t += periodMs) {
      const bucket = buckets.find((b) => b.timestamp === t);
      const value = bucket ? statisticValue(bucket, alarm.metric.stat) : undefined;
      window.push(value);
      if (value !== undefined) datapoints.push({ timestamp: t, value });
    }
    const evaluation = evaluateAlarm(alarm.rule, window, alarm.state.value);
    if (evaluation.state === alarm.state.value) return;
    const reason = describeEvaluation(alarm.rule, evaluation, datapoints, alarm.state.value);
    const reasonData = JSON.stringify({
      version: '1.0',
      queryDate: formatAlarmTimestamp(now),
      startDate: formatAlarmTimestamp(start),
      statistic: alarm.metric.stat,
      period: alarm.metric.period,
      recentDatapoints: datapoints.map((point) => point.value),
      threshold: alarm.rule.threshold,
      evaluatedDatapoints: datapoints.map((point) => ({
        timestamp: formatAlarmTimestamp(point.timestamp),
        value: point.value,
      })),
    });
    this.transition(alarm, evaluation.state, reason, reasonData);
  }

  private transition(alarm: MetricAlarm, value: AlarmStateValue, reason: string, reasonData?: string): void {
    const now = this.clock.now();
    const previous = alarm.state;
    alarm.state = { value, reason, reasonData, updatedAt: now, transitionedAt: now };
    if (previous.value === value) return;
    this.publish({
      source: CLOUDWATCH_EVENT_SOURCE,
      detailType: CLOUDWATCH_ALARM_STATE_CHANGE,
      resources: [alarm.arn],
      detail: {
        alarmName: alarm.name,
        state: eventState(alarm.state),
        previousState: eventState(previous),
        configuration: {
          description: alarm.description,
          metrics: [
            {
              id: alarm.metric.queryId,
              metricStat: {
                metric: {
                  namespace: alarm.metric.namespace,
                  name: alarm.metric.metricName,
                  dimensions: Object.fromEntries(alarm.metric.dimensions.map((d) => [d.Name, d.Value])),
                },
                period: alarm.metric.period,
                stat: alarm.metric.stat,
              },
              returnData: true,
            },
          ],
        },
      },
    });
  }

  private putMetricData(input: Record<string, unknown>): unknown {
    const namespace = requiredString(input, 'Namespace');
    if (namespace.startsWith('AWS/')) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        `The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS services.`,
      );
    }
    const data = optionalList(input, 'MetricData') ?? [];
    if (data.length === 0) throw validationError('metricData', undefined, 'Member must not be empty');
    const now = this.clock.now();
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
      this.metrics.put(id, {
        timestamp,
        value,
        statisticValues,
        values,
        counts: optionalList(raw, 'Counts')?.map(Number),
        unit: optionalString(raw, 'Unit'),
      });
    });
    return {};
  }

  private getMetricStatistics(input: Record<string, unknown>): unknown {
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
    const buckets = this.metrics.buckets(
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
  }

  private getMetricData(input: Record<string, unknown>): unknown {
    const queries = optionalList(input, 'MetricDataQueries') ?? [];
    if (queries.length === 0)
      throw validationError('metricDataQueries', undefined, 'Member must not be empty');
    const start = requiredTimestamp(input, 'StartTime');
    const end = requiredTimestamp(input, 'EndTime');
    const descending = (optionalString(input, 'ScanBy') ?? 'TimestampDescending') === 'TimestampDescending';
    const results = queries.map((raw, index) => {
      const query = parseMetricQuery(raw, `MetricDataQueries.member.${index + 1}`);
      const points = this.metrics
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
  }

  private listMetrics(input: Record<string, unknown>): unknown {
    const dimensions = (optionalList(input, 'Dimensions') ?? []).map((raw) => {
      if (!isRecord(raw)) throw validationError('Dimensions', raw, 'Member must be a structure');
      return { Name: requiredString(raw, 'Name'), Value: optionalString(raw, 'Value') };
    });
    return {
      Metrics: this.metrics
        .list({
          namespace: optionalString(input, 'Namespace'),
          metricName: optionalString(input, 'MetricName'),
          dimensions,
        })
        .map((id) => ({ Namespace: id.namespace, MetricName: id.metricName, Dimensions: id.dimensions })),
    };
  }

  private putMetricAlarm(input: Record<string, unknown>): unknown {
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
    const metric = alarmMetric(input);
    const now = this.clock.now();
    const existing = this.alarms.get(name);
    const alarm: MetricAlarm = {
      name,
      arn: localArn('cloudwatch', `alarm:${name}`),
      input,
      metric,
      rule: {
        threshold: requiredNumber(input, 'Threshold'),
        comparisonOperator,
        evaluationPeriods,
        datapointsToAlarm,
        treatMissingData,
      },
      description: optionalString(input, 'AlarmDescription'),
      configUpdatedAt: now,
      tags: (optionalList(input, 'Tags') ?? existing?.tags ?? []) as { Key: string; Value: string }[],
      // An update keeps the state; a new alarm starts unchecked, as on AWS.
      state: existing?.state ?? {
        value: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: now,
        transitionedAt: now,
      },
    };
    this.alarms.set(name, alarm);
    return {};
  }

  private describeAlarms(input: Record<string, unknown>): unknown {
    const names = optionalList(input, 'AlarmNames')?.map(String);
    const prefix = optionalString(input, 'AlarmNamePrefix');
    if (names && prefix) {
      throw new AwsServiceError(
        'InvalidParameterCombination',
        'AlarmNames and AlarmNamePrefix cannot be used together.',
      );
    }
    const stateValue = oneOf('stateValue', optionalString(input, 'StateValue'), ALARM_STATES);
    const maxRecords = optionalNumber(input, 'MaxRecords') ?? 50;
    if (maxRecords < 1 || maxRecords > 100)
      throw validationError('maxRecords', maxRecords, 'Member must be between 1 and 100');
    const offset = Number(optionalString(input, 'NextToken') ?? '0');
    const matching = [...this.alarms.values()]
      .filter((alarm) => (!names || names.includes(alarm.name)) && (!prefix || alarm.name.startsWith(prefix)))
      .filter((alarm) => !stateValue || alarm.state.value === stateValue)
      .sort((a, b) => a.name.localeCompare(b.name));
    const page = matching.slice(offset, offset + maxRecords);
    return {
      MetricAlarms: page.map((alarm) => describeAlarm(alarm)),
      CompositeAlarms: [],
      NextToken: offset + maxRecords < matching.length ? String(offset + maxRecords) : undefined,
    };
  }

  private deleteAlarms(input: Record<string, unknown>): unknown {
    const names = (optionalList(input, 'AlarmNames') ?? []).map(String);
    const missing = names.filter((name) => !this.alarms.has(name));
    if (missing.length > 0)
      throw new AwsServiceError('ResourceNotFound', `Alarm(s) not found: ${missing.join(', ')}`, 404);
    for (const name of names) this.alarms.delete(name);
    return {};
  }

  private setAlarmState(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'AlarmName');
    const alarm = this.alarms.get(name);
    if (!alarm) throw new AwsServiceError('ResourceNotFound', `Alarm ${name} not found`, 404);
    const value = oneOf('stateValue', requiredString(input, 'StateValue'), ALARM_STATES);
    if (!value) throw validationError('stateValue', undefined, 'Member must not be null');
    const reasonData = optionalString(input, 'StateReasonData');
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData);
      } catch {
        throw new AwsServiceError('InvalidFormat', 'StateReasonData is not valid JSON');
      }
    }
    this.transition(alarm, value, requiredString(input, 'StateReason'), reasonData);
    return {};
  }

  private listTags(input: Record<string, unknown>): unknown {
    const arn = requiredString(input, 'ResourceARN');
    const alarm = [...this.alarms.values()].find((a) => a.arn === arn);
    if (!alarm) throw new AwsServiceError('ResourceNotFoundException', `Resource ${arn} not found`, 404);
    return { Tags: alarm.tags };
  }
}

const eventState = (state: AlarmState) => ({
  value: state.value,
  reason: state.reason,
  ...(state.reasonData ? { reasonData: state.reasonData } : {}),
  timestamp: formatAlarmTimestamp(state.updatedAt),
});

const describeAlarm = (alarm: MetricAlarm) => {
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
          ...(isSupportedBasic(alarm.metric.stat)
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

const isSupportedBasic = (stat: string): boolean =>
  ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'].includes(stat);

const parseDimensions = (raw: unknown, field: string): Dimension[] => {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validationError(field, raw, 'Member must be a list');
  if (raw.length > 30) throw validationError(field, raw, 'Member must have at most 30 dimensions');
  return raw.map((item) => {
    if (!isRecord(item)) throw validationError(field, item, 'Member must be a structure');
    return { Name: requiredString(item, 'Name'), Value: requiredString(item, 'Value') };
  });
};

const parsePeriod = (input: Record<string, unknown>, field: string): number => {
  const period = requiredNumber(input, field);
  if (!ALLOWED_PERIODS(period))
    throw validationError(field, period, 'Member must be 10, 30 or a multiple of 60');
  return period;
};

const checkStatistic = (stat: string, field: string): void => {
  if (!isSupportedStatistic(stat)) {
    throw validationError(
      field,
      stat,
      'Member must be SampleCount, Average, Sum, Minimum, Maximum or a percentile pNN',
    );
  }
};

const parseMetricQuery = (
  raw: unknown,
  field: string,
): AlarmMetric & { label?: string; returnData: boolean } => {
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

/** The one metric an alarm watches: its own Namespace/MetricName/... fields, or its single returned MetricStat query. */
const alarmMetric = (input: Record<string, unknown>): AlarmMetric => {
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
