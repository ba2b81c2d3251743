/**
 * How a metric alarm picks its state from the datapoints of its evaluation window (pure).
 *
 * Rules, per the CloudWatch user guide ("Evaluating an alarm", "Configuring how CloudWatch alarms treat missing
 * data"): the window is the last `EvaluationPeriods` periods; the alarm goes to ALARM when at least
 * `DatapointsToAlarm` of them breach, else to OK. Missing periods count as breaching (`breaching`), as not breaching
 * (`notBreaching`), or are left out (`missing`, `ignore`). When all are left out, `missing` goes to
 * INSUFFICIENT_DATA and `ignore` keeps the current state. When some are left out and fewer than
 * `DatapointsToAlarm` remain, we require every remaining one to breach (our reading of the guide's table, where
 * "X X -" in a 3-of-3 alarm is ALARM); CloudWatch's look-back beyond the window is not modelled.
 */

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmStateValue = (typeof ALARM_STATES)[number];

export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const TREAT_MISSING_DATA = ['breaching', 'notBreaching', 'ignore', 'missing'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

export interface AlarmRule {
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

export interface AlarmEvaluation {
  readonly state: AlarmStateValue;
  /** Datapoints that breached, among those present. */
  readonly breaching: number;
  /** Datapoints present in the window. */
  readonly present: number;
}

export const breaches = (operator: ComparisonOperator, value: number, threshold: number): boolean => {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
};

/** `window` holds one value (or undefined when missing) per period, oldest first, `evaluationPeriods` long. */
export const evaluateAlarm = (
  rule: AlarmRule,
  window: readonly (number | undefined)[],
  current: AlarmStateValue,
): AlarmEvaluation => {
  const present = window.filter((value): value is number => value !== undefined);
  const missing = window.length - present.length;
  const breachingPresent = present.filter((value) =>
    breaches(rule.comparisonOperator, value, rule.threshold),
  ).length;

  if (rule.treatMissingData === 'breaching' || rule.treatMissingData === 'notBreaching') {
    const breaching = breachingPresent + (rule.treatMissingData === 'breaching' ? missing : 0);
    return {
      state: breaching >= rule.datapointsToAlarm ? 'ALARM' : 'OK',
      breaching,
      present: present.length,
    };
  }
  if (present.length === 0) {
    return {
      state: rule.treatMissingData === 'ignore' ? current : 'INSUFFICIENT_DATA',
      breaching: 0,
      present: 0,
    };
  }
  const needed = Math.min(rule.datapointsToAlarm, present.length);
  return {
    state: breachingPresent >= needed ? 'ALARM' : 'OK',
    breaching: breachingPresent,
    present: present.length,
  };
};

const OPERATOR_WORDS: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** The state reason in CloudWatch's wording, e.g. "Threshold Crossed: 3 out of the last 3 datapoints [...] were ...". */
export const describeEvaluation = (
  rule: AlarmRule,
  evaluation: AlarmEvaluation,
  datapoints: readonly { timestamp: number; value: number }[],
  previous: AlarmStateValue,
): string => {
  if (evaluation.state === 'INSUFFICIENT_DATA') {
    return `Insufficient Data: ${rule.evaluationPeriods} datapoint${rule.evaluationPeriods === 1 ? ' was' : 's were'} unknown.`;
  }
  const listed = [...datapoints]
    .reverse()
    .map((point) => `${point.value} (${formatReasonTime(point.timestamp)})`)
    .join(', ');
  const words = OPERATOR_WORDS[rule.comparisonOperator];
  if (evaluation.state === 'ALARM') {
    return `Threshold Crossed: ${evaluation.breaching} out of the last ${rule.evaluationPeriods} datapoints [${listed}] were ${words} the threshold (${rule.threshold}) (minimum ${rule.datapointsToAlarm} datapoint${rule.datapointsToAlarm === 1 ? '' : 's'} for ${previous} -> ALARM transition).`;
  }
  return `Threshold Crossed: ${evaluation.present} datapoint${evaluation.present === 1 ? '' : 's'} [${listed}] ${evaluation.present === 1 ? 'was' : 'were'} not ${words} the threshold (${rule.threshold}) (minimum 1 datapoint for ${previous} -> OK transition).`;
};

/** `dd/MM/yy HH:mm:ss`, the format CloudWatch uses inside reasons. */
const formatReasonTime = (ms: number): string => {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
};

/** `2019-10-02T17:04:40.985+0000`, the timestamp format of alarm events and reason data. */
export const formatAlarmTimestamp = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');
