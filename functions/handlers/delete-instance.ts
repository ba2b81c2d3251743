/** Deletes the replication instance. Idempotent: an instance that is gone (or was never created) is done. */
import * as z from 'zod';
import { deleteReplicationInstance } from '#adapters/dms';
import { databaseKey, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DeleteInstanceInput = z.object({ ...databaseKey, instanceArn: instanceArn.nullable(), now });

export const deleteInstance = async (event: unknown) => {
  const input = parseInput(DeleteInstanceInput, event);
  const deleted = input.instanceArn === null ? undefined : await deleteReplicationInstance(input.instanceArn);
  return { instanceArn: input.instanceArn, deleting: deleted !== undefined };
};

export const handler = lambdaHandler(deleteInstance);
