/**
 * Creates the PostgreSQL source endpoint (credentials from the secret, never a password) and the S3 Parquet target
 * endpoint, or adopts ours from a previous run; a foreign endpoint with our identifier is an error. Records both
 * ARNs in the registry.
 */
import * as z from 'zod';
import { ensureEndpoint } from '#adapters/dms-ensure';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { AwsFaultError } from '#contracts/errors';
import { sourceEndpointPlanSchema, targetEndpointPlanSchema } from '#domain/planner/endpoint-plans';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const EnsureEndpointsInput = z.object({
  ...databaseKey,
  plan: z.object({ sourceEndpoint: sourceEndpointPlanSchema, targetEndpoint: targetEndpointPlanSchema }),
  now,
});

const arnOf = (endpoint: { EndpointArn?: string | undefined }, side: string): string => {
  if (!endpoint.EndpointArn) throw new AwsFaultError(`the ${side} endpoint has no ARN`);
  return endpoint.EndpointArn;
};

export const ensureEndpoints = async (event: unknown) => {
  const input = parseInput(EnsureEndpointsInput, event);
  const source = await ensureEndpoint(input.plan.sourceEndpoint);
  const target = await ensureEndpoint(input.plan.targetEndpoint);
  const sourceEndpointArn = arnOf(source.resource, 'source');
  const targetEndpointArn = arnOf(target.resource, 'target');
  await registry.update(input, { sourceEndpointArn, targetEndpointArn }, { now: input.now });
  return {
    sourceEndpointArn,
    targetEndpointArn,
    created: { source: source.created, target: target.created },
  };
};

export const handler = lambdaHandler(ensureEndpoints);
