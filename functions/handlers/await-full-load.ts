/**
 * The `.waitForTaskToken` state of migrate-database: stores the execution's task token in the registry and returns.
 * The token is completed later, exactly once, by the DMS task-state event (on-task-event) or by the reconciler.
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { FULL_LOAD_WAIT } from '#contracts/waits';
import { requireEnv } from '#shared/env';
import { databaseKey, now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const AwaitFullLoadInput = z.object({
  taskToken: z.string().min(1, 'must be the Step Functions task token'),
  ...databaseKey,
  taskArn,
  now,
});

export const awaitFullLoad = async (event: unknown) => {
  const input = parseInput(AwaitFullLoadInput, event);
  await registry.storeTaskToken(input, {
    token: input.taskToken,
    waitingFor: FULL_LOAD_WAIT,
    now: input.now,
  });
  return { waitingFor: FULL_LOAD_WAIT, taskArn: input.taskArn };
};

export const handler = lambdaHandler(awaitFullLoad);
