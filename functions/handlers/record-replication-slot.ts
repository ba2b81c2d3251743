/**
 * Learns which replication slot the task uses, around its first start. DMS names the slot it creates itself and
 * documents no scheme, so lakeshift reads the source database's logical slots just before the start
 * (`before-start`) and again after it (`after-start`): the one new slot is the task's, recorded in the registry. No
 * other slot is ever touched. Once recorded, both stages only return it.
 */
import * as z from 'zod';
import { listLogicalSlots } from '#adapters/postgres';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { ReplicationSlotAmbiguousError, ReplicationSlotNotYetCreatedError } from '#contracts/errors';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { sourceAccessOf } from '#shared/source-access';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const RecordSlotInput = z.object({ ...databaseKey, stage: z.enum(['before-start', 'after-start']), now });

export const recordSlot = async (event: unknown) => {
  const input = parseInput(RecordSlotInput, event);
  const key = { migrationId: input.migrationId, databaseId: input.databaseId };
  const item = await registry.require(key);
  if (item.replicationSlot !== undefined) return { slotName: item.replicationSlot.name };
  // A retried first start must not forget slots it saw before: only the first look counts.
  if (input.stage === 'before-start' && item.slotsBeforeStart !== undefined) {
    return { slotName: null, slotsBeforeStart: item.slotsBeforeStart };
  }
  if (input.stage === 'after-start' && item.slotsBeforeStart === undefined) {
    // Without the look before the start, a slot that was already there could pass for the task's: record none.
    // Decided before connecting, so an unreachable source does not hold the execution here (retrying) while the
    // full load runs and its stop event finds no wait to complete.
    throw new ReplicationSlotAmbiguousError(
      "the source's slots before the task's first start are unknown: lakeshift records none and will not drop any",
    );
  }
  const slots = await listLogicalSlots(await sourceAccessOf(item));
  if (input.stage === 'before-start') {
    const names = slots.map((slot) => slot.name);
    await registry.update(key, { slotsBeforeStart: names }, { now: input.now });
    return { slotName: null, slotsBeforeStart: names };
  }
  const before = new Set(item.slotsBeforeStart);
  const appeared = slots.filter((slot) => !before.has(slot.name));
  const active = appeared.filter((slot) => slot.active);
  const found = appeared.length === 1 ? appeared[0] : active.length === 1 ? active[0] : undefined;
  if (found === undefined && appeared.length === 0) {
    throw new ReplicationSlotNotYetCreatedError(
      `no new logical slot on the source database yet (${slots.length} existing): the task creates it as it starts`,
    );
  }
  if (found === undefined) {
    throw new ReplicationSlotAmbiguousError(
      `${appeared.length} logical slots appeared on the source database since the task started (${appeared
        .map((slot) => slot.name)
        .join(
          ', ',
        )}): lakeshift records none of them and will not drop any; drop the task's slot by hand after teardown`,
    );
  }
  await registry.update(
    key,
    { replicationSlot: { name: found.name, recordedAt: input.now } },
    { now: input.now },
  );
  return { slotName: found.name };
};

export const handler = lambdaHandler(recordSlot);
