/**
 * The CloudWatch alarms armed for one database during CDC: four step-up triggers and one step-down trigger, as
 * PutMetricAlarm inputs. Pure; the arm-alarms handler sends them (PutMetricAlarm is an upsert, so re-arming after
 * a class change updates the memory threshold in place).
 */
import type { Dimension, PutMetricAlarmInput, Tag } from '@aws-sdk/client-cloudwatch';
import { InvalidInputError } from '#contracts/errors';
import { ALARM_NAME_PREFIX } from '#contracts/names';
import type { InstanceClass } from '#domain/instance-classes';
import type { ResizeSettings } from '#domain/request/resize-settings';
import {
  DMS_METRIC_NAMESPACE,
  datapointsToFire,
  evaluationWindow,
  RESIZE_SIGNALS,
  type ResizeSignal,
  SIGNAL_DEFINITIONS,
  signalThreshold,
  signalWindowMinutes,
} from './signals.ts';

export interface AlarmTarget {
  /** The plan's alarm prefix; starts with ALARM_NAME_PREFIX so the alarm rule matches it. */
  readonly alarmPrefix: string;
  readonly instanceIdentifier: string;
  readonly taskArn: string;
  /** The instance's current class: the freeable-memory threshold is a share of its memory. */
  readonly instanceClass: InstanceClass;
  readonly settings: ResizeSettings;
  /** Put on every alarm (e.g. the plan's `lakeshift:*` tags). */
  readonly tags?: readonly Tag[];
}

/**
 * The resource id DMS publishes task metrics under: the last segment of the task ARN
 * (docs/dms-behaviour.md §4.3).
 */
export const taskResourceIdOf = (taskArn: string): string => {
  const parts = taskArn.split(':');
  const resourceId = parts.pop() ?? '';
  if (
    parts.length < 6 ||
    parts[0] !== 'arn' ||
    parts[2] !== 'dms' ||
    parts.at(-1) !== 'task' ||
    !resourceId
  ) {
    throw new InvalidInputError(
      `taskArn: must be a DMS task ARN (arn:aws:dms:<region>:<account>:task:<id>), got "${taskArn}"`,
    );
  }
  return resourceId;
};

export const alarmName = (alarmPrefix: string, signal: ResizeSignal): string => `${alarmPrefix}-${signal}`;

/** Every alarm name of a database, for disarming. */
export const alarmNames = (alarmPrefix: string): string[] =>
  RESIZE_SIGNALS.map((signal) => alarmName(alarmPrefix, signal));

/** The signal an alarm of lakeshift's stands for, from its name; undefined for any other alarm. */
export const signalOfAlarm = (name: string): ResizeSignal | undefined =>
  name.startsWith(ALARM_NAME_PREFIX)
    ? RESIZE_SIGNALS.find((signal) => name.endsWith(`-${signal}`))
    : undefined;

/** Instance metrics' dimension: the identifier as DMS stores it, lower-case (docs/dms-behaviour.md §4.3). */
export const instanceDimensions = (instanceIdentifier: string): Dimension[] => [
  { Name: 'ReplicationInstanceIdentifier', Value: instanceIdentifier.toLowerCase() },
];

/** Task metrics' dimension pair: the instance identifier and the task ARN's resource id, not the task's name. */
export const taskDimensions = (instanceIdentifier: string, taskResourceId: string): Dimension[] => [
  ...instanceDimensions(instanceIdentifier),
  { Name: 'ReplicationTaskIdentifier', Value: taskResourceId },
];

export const signalDimensions = (
  signal: ResizeSignal,
  instanceIdentifier: string,
  taskResourceId: string,
): Dimension[] =>
  SIGNAL_DEFINITIONS[signal].scope === 'instance'
    ? instanceDimensions(instanceIdentifier)
    : taskDimensions(instanceIdentifier, taskResourceId);

const validate = (target: AlarmTarget): void => {
  const problems: string[] = [];
  if (!target.alarmPrefix.startsWith(ALARM_NAME_PREFIX)) {
    problems.push(`alarmPrefix: must start with "${ALARM_NAME_PREFIX}", got "${target.alarmPrefix}"`);
  }
  if (!target.instanceIdentifier.trim()) problems.push('instanceIdentifier: must not be empty');
  if (problems.length > 0) throw new InvalidInputError(problems.join('; '));
};

export const alarmSpecs = (target: AlarmTarget): PutMetricAlarmInput[] => {
  validate(target);
  const taskResourceId = taskResourceIdOf(target.taskArn);
  return RESIZE_SIGNALS.map((signal) => {
    const definition = SIGNAL_DEFINITIONS[signal];
    const window = evaluationWindow(signalWindowMinutes(signal, target.settings));
    return {
      AlarmName: alarmName(target.alarmPrefix, signal),
      AlarmDescription: `${definition.description} (${definition.direction}); lakeshift resizes on ALARM.`,
      // No alarm actions: the state change reaches lakeshift through EventBridge, matched by the name prefix.
      Namespace: DMS_METRIC_NAMESPACE,
      MetricName: definition.metricName,
      Dimensions: signalDimensions(signal, target.instanceIdentifier, taskResourceId),
      Statistic: definition.statistic,
      Period: window.periodSeconds,
      EvaluationPeriods: window.evaluationPeriods,
      DatapointsToAlarm: datapointsToFire(signal, window.evaluationPeriods),
      Threshold: signalThreshold(signal, target.settings, target.instanceClass),
      ComparisonOperator: definition.breachWhen === 'greater' ? 'GreaterThanThreshold' : 'LessThanThreshold',
      // Task metrics stop while the task is stopped and instance metrics while it is modified: a gap must never
      // trigger a resize (nor a step-down), and must let the alarm return to OK so the next breach fires again.
      TreatMissingData: 'notBreaching',
      Tags: target.tags ? [...target.tags] : undefined,
    };
  });
};
