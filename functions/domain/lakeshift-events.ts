/**
 * lakeshift's own events (source `lakeshift`), built from what happened. Users hang notifications on them; the
 * detail always carries the registry key so a rule can filter by migration or database.
 */

import { LAKESHIFT_DETAIL_TYPES, type LakeshiftEvent } from '#contracts/events';
import type { Phase } from '#contracts/phases';
import type { RegistryKey } from '#contracts/registry-item';
import type { PlanWarning } from '#domain/fidelity/fidelity-plan';
import type { RegistryItem } from '#domain/registry-item';
import type { FailedResize, ResizeHistoryEntry } from '#domain/resize/types';

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

export const resizeFailed = (item: RegistryItem, failure: FailedResize, now: string): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.resizeFailed,
  detail: { ...keyOf(item), ...failure },
  time: now,
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

/**
 * One `Plan Warning` per column that cannot be carried losslessly (docs/column-fidelity.md), sent before
 * anything is created. The registry keeps the same warnings in the stored plan.
 */
export const planWarnings = (
  item: RegistryItem,
  plan: { readonly fidelity: { readonly warnings: readonly PlanWarning[] } | null },
  now: string,
): LakeshiftEvent[] =>
  (plan.fidelity?.warnings ?? []).map((warning) => ({
    detailType: LAKESHIFT_DETAIL_TYPES.planWarning,
    detail: { ...keyOf(item), ...warning },
    time: now,
  }));

/** A table's resync ended: loaded again and read from its new generation, or failed (its view stays as it was). */
export const tableResyncEnded = (
  item: RegistryItem,
  resync:
    | { readonly outcome: 'resynced'; readonly table: string; readonly generation: number }
    | {
        readonly outcome: 'failed';
        readonly table: string;
        readonly generation: number;
        readonly error: string;
        readonly cause: string;
      },
  now: string,
): LakeshiftEvent => {
  const { outcome, ...detail } = resync;
  return {
    detailType:
      outcome === 'resynced'
        ? LAKESHIFT_DETAIL_TYPES.tableResynced
        : LAKESHIFT_DETAIL_TYPES.tableResyncFailed,
    detail: { ...keyOf(item), ...detail },
    time: now,
    resources: resourcesOf(item),
  };
};
