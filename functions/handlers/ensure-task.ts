/**
 * Creates the full-load-and-cdc replication task between our endpoints on our instance, or adopts ours from a
 * previous run; a foreign task with our identifier is an error. Records the ARN in the registry, which is how task
 * state-change events (they carry only the ARN) find the database.
 */
import * as z from 'zod';
import { ensureReplicationTask } from '#adapters/dms-ensure';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { AwsFaultError } from '#contracts/errors';
import { taskPlanSchema } from '#domain/planner/task-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, endpointArn, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const EnsureTaskInput = z.object({
  ...databaseKey,
  plan: z.object({ task: taskPlanSchema }),
  instanceArn,
  sourceEndpointArn: endpointArn,
  targetEndpointArn: endpointArn,
  now,
});

export const ensureTask = async (event: unknown) => {
  const input = parseInput(EnsureTaskInput, event);
  const { resource, created } = await ensureReplicationTask({
    ...input.plan.task,
    ReplicationInstanceArn: input.instanceArn,
    SourceEndpointArn: input.sourceEndpointArn,
    TargetEndpointArn: input.targetEndpointArn,
  });
  const taskArn = resource.ReplicationTaskArn;
  if (!taskArn) throw new AwsFaultError('the replication task has no ARN');
  await registry.update(input, { taskArn }, { now: input.now });
  return { taskArn, created, status: resource.Status ?? 'unknown' };
};

export const handler = lambdaHandler(ensureTask);
