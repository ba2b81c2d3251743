/** Deletes the replication instance. Idempotent: an instance that is gone, deleting or never created is done. */
import * as z from 'zod';
import { deleteReplicationInstance, findReplicationInstanceByArn } from '#adapters/dms';
import { databaseKey, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DeleteInstanceInput = z.object({ ...databaseKey, instanceArn: instanceArn.nullable(), now });

export const deleteInstance = async (event: unknown) => {
  const input = parseInput(DeleteInstanceInput, event);
  if (input.instanceArn === null) return { instanceArn: null, deleting: false };
  // Already deleting (a teardown that runs again): DMS would refuse a second delete.
  const current = await findReplicationInstanceByArn(input.instanceArn);
  if (current?.ReplicationInstanceStatus === 'deleting')
    return { instanceArn: input.instanceArn, deleting: true };
  const deleted = current === undefined ? undefined : await deleteReplicationInstance(input.instanceArn);
  return { instanceArn: input.instanceArn, deleting: deleted !== undefined };
};

export const handler = lambdaHandler(deleteInstance);
