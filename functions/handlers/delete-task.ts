/** Deletes the replication task. Idempotent: a task that is gone (or was never created) is done. */
import * as z from 'zod';
import { deleteReplicationTask } from '#adapters/dms';
import { databaseKey, now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DeleteTaskInput = z.object({ ...databaseKey, taskArn: taskArn.nullable(), now });

export const deleteTask = async (event: unknown) => {
  const input = parseInput(DeleteTaskInput, event);
  const deleted = input.taskArn === null ? undefined : await deleteReplicationTask(input.taskArn);
  return { taskArn: input.taskArn, deleting: deleted !== undefined };
};

export const handler = lambdaHandler(deleteTask);
