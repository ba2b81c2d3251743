/** Changes the replication instance's class now (`ApplyImmediately`); the state machine then waits for `available`. */
import * as z from 'zod';
import { modifyReplicationInstanceClass } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { isInstanceClass } from '#domain/instance-classes';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ModifyInstanceInput = z.object({
  ...databaseKey,
  instanceArn,
  instanceClass: z.string().refine(isInstanceClass, 'must be a known DMS instance class, e.g. dms.r5.large'),
  now,
});

export const modifyInstance = async (event: unknown) => {
  const input = parseInput(ModifyInstanceInput, event);
  refuseDuringTeardown(await registry.require(input), 'changing the instance class');
  const instance = await modifyReplicationInstanceClass(input.instanceArn, input.instanceClass);
  return {
    instanceArn: input.instanceArn,
    instanceClass: input.instanceClass,
    status: instance.ReplicationInstanceStatus ?? 'unknown',
  };
};

export const handler = lambdaHandler(modifyInstance);
