/**
 * Watching the replication slot lakeshift recorded for each database (docs/source-safety.md): how a fresh look at
 * the slot updates what the registry knows, which metrics it publishes, the per-database alarm on the WAL it
 * retains, and when an inactive slot is an incident. Pure: the handlers read the source and call AWS.
 */
import type { PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import { LAKESHIFT_DETAIL_TYPES, type LakeshiftEvent } from '#contracts/events';
import { METRIC_DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE } from '#contracts/metrics';
import { SLOT_ALARM_NAME_PREFIX } from '#contracts/names';
import type { SlotWatch } from '#contracts/registry-item';
import type { RegistryItem } from '#domain/registry-item';

/** What a look at the slot found; undefined when the slot is gone. */
export interface SlotObservation {
  readonly active: boolean;
  readonly retainedWalBytes: number | null;
}

export interface SlotWatchSettings {
  readonly retainedWalAlarmBytes: number;
  readonly inactiveIncidentMinutes: number;
  readonly healthTopicArn?: string;
}

export const DEFAULT_SLOT_WATCH_SETTINGS: SlotWatchSettings = {
  // Low on purpose: an unknown disk is better warned early than filled.
  retainedWalAlarmBytes: 5 * 1024 ** 3,
  inactiveIncidentMinutes: 30,
};

/** The registry's view after a look: an inactive slot keeps the time it was first seen inactive. */
export const nextSlotWatch = (
  previous: SlotWatch | undefined,
  observation: SlotObservation | undefined,
  now: string,
): SlotWatch => {
  const active = observation?.active ?? false;
  const inactiveSince = active ? undefined : (previous?.inactiveSince ?? now);
  return {
    checkedAt: now,
    retainedWalBytes: observation?.retainedWalBytes ?? null,
    active,
    ...(inactiveSince === undefined ? {} : { inactiveSince }),
  };
};

const dimensionsOf = (item: Pick<RegistryItem, 'migrationId' | 'databaseId'>) => [
  { Name: METRIC_DIMENSIONS.migrationId, Value: item.migrationId },
  { Name: METRIC_DIMENSIONS.databaseId, Value: item.databaseId },
];

/** The name of the database's retained-WAL alarm: outside the resize alarms' names, so it never starts a resize. */
export const slotAlarmName = (item: Pick<RegistryItem, 'migrationId' | 'databaseId'>): string =>
  `${SLOT_ALARM_NAME_PREFIX}${item.migrationId}-${item.databaseId}`;

/** The per-database alarm on retained WAL, notifying the health topic. */
export const slotAlarm = (item: RegistryItem, settings: SlotWatchSettings): PutMetricAlarmInput => ({
  AlarmName: slotAlarmName(item),
  AlarmDescription: `Replication slot of ${item.migrationId}/${item.databaseId} retains more than ${settings.retainedWalAlarmBytes} bytes of WAL on the source`,
  Namespace: METRICS_NAMESPACE,
  MetricName: METRIC_NAMES.slotRetainedWal,
  Dimensions: dimensionsOf(item),
  Statistic: 'Maximum',
  Period: 300,
  EvaluationPeriods: 1,
  Threshold: settings.retainedWalAlarmBytes,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  ...(settings.healthTopicArn === undefined ? {} : { AlarmActions: [settings.healthTopicArn] }),
});

/** Phases in which the task should be reading its slot. */
const READING_PHASES = new Set(['CDC', 'RESIZING']);

/** An incident when the slot has been inactive too long while the registry says the database is in CDC. */
export const slotIncident = (
  item: RegistryItem,
  settings: SlotWatchSettings,
  now: string,
): LakeshiftEvent | undefined => {
  const since = item.slotWatch?.inactiveSince;
  if (since === undefined || !READING_PHASES.has(item.phase) || item.replicationSlot === undefined)
    return undefined;
  const minutes = (Date.parse(now) - Date.parse(since)) / 60_000;
  if (minutes < settings.inactiveIncidentMinutes) return undefined;
  return {
    detailType: LAKESHIFT_DETAIL_TYPES.slotInactive,
    detail: {
      migrationId: item.migrationId,
      databaseId: item.databaseId,
      slotName: item.replicationSlot.name,
      inactiveSince: since,
      retainedWalBytes: item.slotWatch?.retainedWalBytes ?? null,
      phase: item.phase,
    },
    time: now,
    resources: [item.taskArn].filter((arn): arn is string => arn !== undefined),
  };
};
