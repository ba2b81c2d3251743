/**
 * The scheduled look at every recorded replication slot: whether its task reads it, and how much WAL it keeps on
 * the source (`pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)`). It runs where the sources are reachable and
 * writes what it found to the registry; the reconciler publishes it as metrics, keeps the per-database alarm, and
 * reports a slot left inactive during CDC. One database's trouble never stops the sweep. Each network has its own
 * copy of this function, on its own schedule, and a copy inspects only the databases of its network (the one its
 * function name ends with, docs/source-safety.md, "Networks"). It inspects several sources at once, the longest
 * uninspected first, and starts none its timeout would cut short: those wait for the next sweep.
 */
import * as z from 'zod';
import { readReplicationSlot } from '#adapters/postgres';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { errorText, InvalidInputError } from '#contracts/errors';
import { networkOfSourceFunction } from '#contracts/names';
import { sourceNetworkOf } from '#domain/planner/network';
import type { RegistryItem } from '#domain/registry-item';
import { inspectionOrder } from '#domain/source-safety/inspection-order';
import { nextSlotWatch } from '#domain/source-safety/slot-watch';
import { requireEnv } from '#shared/env';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { type InvocationContext, lambdaHandler } from '#shared/lambda';
import { sourceAccessOf } from '#shared/source-access';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** The scheduled event; its `time` is the inspector's clock. */
const InspectInput = z.looseObject({ time: now });

const WATCHED_PHASES = new Set(['FULL_LOAD', 'STEPPING_DOWN', 'CDC', 'RESIZING', 'STOPPED', 'FAILED']);

/** The network whose databases this copy inspects. */
const networkOf = (context: InvocationContext): string => {
  const network = networkOfSourceFunction('inspect-replication-slots', context.functionName);
  if (network === undefined) {
    throw new InvalidInputError(
      `functionName: "${context.functionName}" does not end with "-inspect-replication-slots-<network>"`,
    );
  }
  return network;
};

/** Sources inspected at once: enough that slow ones do not hold up the sweep, few enough for any source's limits. */
const CONCURRENT_INSPECTIONS = 8;
/**
 * No inspection starts with less than this left of the function's timeout: a source that does not answer takes the
 * connect timeout (10 s, `#adapters/source-client`) and the registry write comes after it.
 */
const START_MARGIN_MS = 15_000;

export const inspectSlots = async (event: unknown, context: InvocationContext) => {
  const { time } = parseInput(InspectInput, event);
  const network = networkOf(context);
  const items = inspectionOrder(
    (await registry.listActive()).filter(
      (item) =>
        item.replicationSlot !== undefined &&
        WATCHED_PHASES.has(item.phase) &&
        sourceNetworkOf(item.plan) === network,
    ),
  );
  const timeLeft = context.getRemainingTimeInMillis ?? (() => Number.POSITIVE_INFINITY);
  const results: Record<string, unknown>[] = [];
  const deferred: { migrationId: string; databaseId: string }[] = [];
  const inspect = async (item: RegistryItem) => {
    const key = { migrationId: item.migrationId, databaseId: item.databaseId };
    if (timeLeft() < START_MARGIN_MS) {
      deferred.push(key);
      return;
    }
    try {
      const slot = await readReplicationSlot(await sourceAccessOf(item), item.replicationSlot?.name ?? '');
      const watch = nextSlotWatch(item.slotWatch, slot, time);
      await registry.update(key, { slotWatch: watch }, { now: time });
      results.push({ ...key, ...watch, found: slot !== undefined });
    } catch (error) {
      results.push({ ...key, error: errorText(error) });
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await inspect(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_INSPECTIONS, items.length) }, worker));
  return {
    network,
    inspected: items.length - deferred.length,
    slots: results,
    // Left for the next sweep, which visits them first.
    ...(deferred.length > 0 ? { deferred } : {}),
  };
};

export const handler = lambdaHandler(inspectSlots);
