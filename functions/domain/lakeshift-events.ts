/**
 * lakeshift's own events (source `lakeshift`), built from what happened. Users hang notifications on them; the
 * detail always carries the registry key so a rule can filter by migration or database.
 */

import { LAKESHIFT_DETAIL_TYPES, type LakeshiftEvent } from '#contracts/events';
import type { Phase } from '#contracts/phases';
import type { RegistryKey } from '#contracts/registry-item';
import type { RegistryItem } from '#domain/registry-item';
import type { ResizeHistoryEntry } from '#domain/resize/types';

const keyOf = (key: RegistryKey) => ({ migrationId: key.migrationId, databaseId: key.databaseId });

/** The ARNs an event is about, for EventBridge's `resources`. */
const resourcesOf = (item: RegistryItem): string[] =>
  [item.taskArn, item.instanceArn].filter((arn): arn is string => arn !== undefined);

export const phaseChanged = (item: RegistryItem, previousPhase: Phase, now: string): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.phaseChanged,
  detail: { ...keyOf(item), phase: item.phase, previousPhase },
  time: now,
  resources: resourcesOf(item),
});

export const migrationFailed = (item: RegistryItem, now: string): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.migrationFailed,
  detail: {
    ...keyOf(item),
    error: item.failure?.error ?? 'unknown',
    cause: item.failure?.cause ?? '',
    failedInPhase: item.failure?.phase ?? item.phase,
  },
  time: now,
  resources: resourcesOf(item),
});

export const resizeDecided = (item: RegistryItem, decision: ResizeHistoryEntry): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.resizeDecided,
  detail: { ...keyOf(item), ...decision },
  time: decision.at,
  resources: resourcesOf(item),
});

export const instanceResized = (
  item: RegistryItem,
  resize: { readonly fromClass: string; readonly toClass: string },
  now: string,
): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.instanceResized,
  detail: { ...keyOf(item), fromClass: resize.fromClass, toClass: resize.toClass },
  time: now,
  resources: resourcesOf(item),
});
