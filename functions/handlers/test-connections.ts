/**
 * Starts the connection test of each endpoint from the replication instance (describe-resources reads the
 * outcome). It calls only the DMS API, so it runs outside the networks; the source's own inspection before the
 * tests is inspect-toast-exposure's, inside the database's network (docs/source-safety.md, "Networks").
 */
import * as z from 'zod';
import { testConnection } from '#adapters/dms';
import { databaseKey, endpointArn, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const TestConnectionsInput = z.object({
  ...databaseKey,
  instanceArn,
  endpointArns: z.array(endpointArn).min(1, 'must list at least one endpoint ARN'),
  now,
});

export const testConnections = async (event: unknown) => {
  const input = parseInput(TestConnectionsInput, event);
  const started = [];
  // One at a time: a busy instance answers InvalidResourceStateFault, which the state machine retries as a whole.
  for (const arn of input.endpointArns) {
    const connection = await testConnection(input.instanceArn, arn);
    started.push({ endpointArn: arn, status: connection.Status ?? 'testing' });
  }
  return { instanceArn: input.instanceArn, connections: started };
};

export const handler = lambdaHandler(testConnections);
