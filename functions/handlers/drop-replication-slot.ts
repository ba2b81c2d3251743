/**
 * Drops the source database's logical replication slot at teardown, connecting with the secret's credentials and
 * the source endpoint's TLS mode. DMS never drops it, and a forgotten slot keeps WAL on the source until its disk
 * fills. Idempotent: a slot that is not there is done.
 */
import * as z from 'zod';
import { dropReplicationSlot } from '#adapters/postgres';
import { createRegistry } from '#adapters/registry';
import { getPostgresCredentials } from '#adapters/secrets';
import { ENV } from '#contracts/env';
import { storedPlanOf } from '#domain/stored-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler, logger } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const DropSlotInput = z.object({ ...databaseKey, now });

export const dropSlot = async (event: unknown) => {
  const input = parseInput(DropSlotInput, event);
  const plan = storedPlanOf(await registry.require(input));
  const { slotName, secretArn, databaseName } = plan.source;
  if (slotName === null) {
    // DMS named the slot itself and does not say which it is; guessing could drop another consumer's slot.
    logger.warn('no slot name in the plan: drop the slot DMS created by hand', { databaseName });
    return { slotName: null, dropped: false };
  }
  const result = await dropReplicationSlot({
    credentials: await getPostgresCredentials(secretArn),
    database: databaseName,
    slotName,
    sslMode: plan.sourceEndpoint.SslMode,
  });
  return { slotName, dropped: result.dropped };
};

export const handler = lambdaHandler(dropSlot);
