/**
 * The status of one database as the command line shows it, derived from its registry item and what DMS and
 * CloudWatch say. Pure: `now` and the price table are inputs.
 */
import type { RegistryItem } from '#domain/registry-item';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { type ClassChange, costOfTimeline, roundUsd } from '#local/report/cost';
import type { PriceTable } from '#local/report/prices';

export interface DatabaseStatus {
  readonly item: RegistryItem;
  readonly fullLoadPercent?: number;
  readonly rows?: number;
  readonly cdcLatencySeconds?: number | undefined;
  readonly slotWalRetainedBytes?: number | undefined;
}

export interface StatusRow {
  readonly migrationId: string;
  readonly databaseId: string;
  readonly phase: string;
  readonly instanceClass: string;
  readonly fullLoadPercent: number | null;
  readonly rows: number | null;
  readonly cdcLatencySeconds: number | null;
  readonly slotWalRetainedBytes: number | null;
  readonly lastResize: {
    readonly at: string;
    readonly fromClass: string;
    readonly toClass: string;
    readonly reason: string;
  } | null;
  readonly failure: { readonly error: string; readonly cause: string; readonly at: string } | null;
  /** On-demand instance cost from creation until now (or deletion) at the price table. */
  readonly costUsd: number;
}

const acted = (history: readonly ResizeHistoryEntry[]): ResizeHistoryEntry[] =>
  history.filter((entry) => entry.action !== 'stay' && entry.targetClass !== undefined);

/**
 * The instance's classes over time: the planned class from registration, then each acting resize decision. The
 * decision's time stands for the change (the class change itself takes minutes more), which slightly overstates
 * the cost of a step-down and understates a step-up.
 */
export const classChangesOf = (item: RegistryItem): ClassChange[] => [
  { at: Date.parse(item.createdAt), instanceClass: item.plan.instance.ReplicationInstanceClass },
  ...acted(item.history).map((entry) => ({
    at: Date.parse(entry.at),
    instanceClass: entry.targetClass ?? entry.fromClass,
  })),
];

/** Billing stops when the database is deleted; it runs until now otherwise. */
const billedUntil = (item: RegistryItem, now: number): number =>
  item.phase === 'DELETED' ? Date.parse(item.phaseChangedAt) : now;

export const costSoFar = (item: RegistryItem, now: number, prices: PriceTable): number => {
  const changes = classChangesOf(item);
  const first = changes[0]?.at ?? now;
  const endedAt = Math.max(first, billedUntil(item, now), ...changes.map((change) => change.at));
  return roundUsd(costOfTimeline({ changes, endedAt }, prices).totalUsd);
};

export const statusRow = (status: DatabaseStatus, now: number, prices: PriceTable): StatusRow => {
  const { item } = status;
  const last = acted(item.history).at(-1);
  return {
    migrationId: item.migrationId,
    databaseId: item.databaseId,
    phase: item.phase,
    instanceClass: item.currentClass,
    fullLoadPercent: status.fullLoadPercent ?? null,
    rows: status.rows ?? null,
    cdcLatencySeconds: status.cdcLatencySeconds ?? null,
    slotWalRetainedBytes: status.slotWalRetainedBytes ?? null,
    lastResize: last
      ? {
          at: last.at,
          fromClass: last.fromClass,
          toClass: last.targetClass ?? last.fromClass,
          reason: last.reason,
        }
      : null,
    failure: item.failure
      ? { error: item.failure.error, cause: item.failure.cause, at: item.failure.at }
      : null,
    costUsd: costSoFar(item, now, prices),
  };
};
