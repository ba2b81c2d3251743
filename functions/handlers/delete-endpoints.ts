/** Deletes the source and target endpoints. Idempotent: an endpoint that is gone (or was never created) is done. */
import * as z from 'zod';
import { deleteEndpoint } from '#adapters/dms';
import { databaseKey, endpointArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DeleteEndpointsInput = z.object({ ...databaseKey, endpointArns: z.array(endpointArn.nullable()), now });

export const deleteEndpoints = async (event: unknown) => {
  const input = parseInput(DeleteEndpointsInput, event);
  const deleted: string[] = [];
  for (const arn of input.endpointArns) {
    if (arn !== null && (await deleteEndpoint(arn)) !== undefined) deleted.push(arn);
  }
  return { deleted };
};

export const handler = lambdaHandler(deleteEndpoints);
