/**
 * Creates the database's replication instance on the full-load class, or adopts the one a previous run created
 * (same identifier, matching lakeshift tags); someone else's instance with that identifier is a ForeignResource
 * error. Records the ARN in the registry.
 */
import * as z from 'zod';
import { ensureReplicationInstance } from '#adapters/dms-ensure';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { AwsFaultError } from '#contracts/errors';
import { instancePlanSchema } from '#domain/planner/instance-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const EnsureInstanceInput = z.object({
  ...databaseKey,
  plan: z.object({ instance: instancePlanSchema }),
  now,
});

export const ensureInstance = async (event: unknown) => {
  const input = parseInput(EnsureInstanceInput, event);
  const { resource, created } = await ensureReplicationInstance(input.plan.instance);
  const instanceArn = resource.ReplicationInstanceArn;
  if (!instanceArn) throw new AwsFaultError('the replication instance has no ARN');
  await registry.update(input, { instanceArn }, { now: input.now });
  return { instanceArn, created, status: resource.ReplicationInstanceStatus ?? 'unknown' };
};

export const handler = lambdaHandler(ensureInstance);
