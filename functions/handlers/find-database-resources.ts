/**
 * The DMS resources of a database as DMS holds them now, found by their deterministic identifiers (null when there
 * is none). Teardown reads them after it stopped the database's executions instead of trusting the ARNs the
 * registry held: a step that was in flight may have created a resource it never recorded.
 */
import type { Endpoint } from '@aws-sdk/client-database-migration-service';
import * as z from 'zod';
import { findEndpoint, findReplicationInstance, findReplicationTask } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** An endpoint already `deleting` goes away by itself: deleting it again would only be refused. */
const endpointLeft = (endpoint: Endpoint | undefined): string | null =>
  endpoint && endpoint.Status !== 'deleting' ? (endpoint.EndpointArn ?? null) : null;

const FindResourcesInput = z.object({ ...databaseKey, now });

export const findDatabaseResources = async (event: unknown) => {
  const input = parseInput(FindResourcesInput, event);
  const { identifiers } = (await registry.require(input)).plan;
  const [instance, source, target, task] = await Promise.all([
    findReplicationInstance(identifiers.instance),
    findEndpoint(identifiers.sourceEndpoint),
    findEndpoint(identifiers.targetEndpoint),
    findReplicationTask(identifiers.task),
  ]);
  const instanceArn = instance?.ReplicationInstanceArn ?? null;
  const sourceEndpointArn = endpointLeft(source);
  const targetEndpointArn = endpointLeft(target);
  const taskArn = task?.ReplicationTaskArn ?? null;
  return {
    instanceArn,
    sourceEndpointArn,
    targetEndpointArn,
    taskArn,
    anyLeft: [instanceArn, sourceEndpointArn, targetEndpointArn, taskArn].some((arn) => arn !== null),
  };
};

export const handler = lambdaHandler(findDatabaseResources);
