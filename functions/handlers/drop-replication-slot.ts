/**
 * Drops the database's replication slot after its task is deleted: the slot lakeshift recorded when the task first
 * started, and no other. DMS says it drops a slot it created when the task is deleted, but a stopped or failed
 * task keeps its slot, and a forgotten slot keeps WAL on the source until its disk fills (docs/source-safety.md).
 * Idempotent: a slot already gone is done; a database whose task never started has no slot to drop.
 */
import * as z from 'zod';
import { dropReplicationSlot } from '#adapters/postgres';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { sourceAccessOf } from '#shared/source-access';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const DropSlotInput = z.object({ ...databaseKey, now });

export const dropSlot = async (event: unknown) => {
  const input = parseInput(DropSlotInput, event);
  const item = await registry.require(input);
  const slot = item.replicationSlot;
  if (slot === undefined)
    return { slotName: null, dropped: false, reason: 'no slot recorded: the task never started' };
  const result = await dropReplicationSlot({ ...(await sourceAccessOf(item)), slotName: slot.name });
  return {
    slotName: slot.name,
    dropped: result.dropped,
    ...(result.dropped ? {} : { reason: 'already gone (DMS dropped it with the task, or someone else did)' }),
  };
};

export const handler = lambdaHandler(dropSlot);
