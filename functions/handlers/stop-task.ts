/**
 * Stops the replication task before a class change or a teardown. Idempotent: a task that is not running (or no
 * longer exists, or was never created) needs nothing; one in the middle of a transition is busy and retried.
 */
import * as z from 'zod';
import { findReplicationTaskByArn, stopReplicationTask } from '#adapters/dms';
import { ResourceBusyError } from '#contracts/errors';
import { databaseKey, now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const StopTaskInput = z.object({ ...databaseKey, taskArn: taskArn.nullable(), now });

const NOTHING_TO_STOP = ['stopped', 'failed', 'ready', 'stopping', 'deleting'];

export const stopTask = async (event: unknown) => {
  const input = parseInput(StopTaskInput, event);
  if (input.taskArn === null) return { taskArn: null, stopping: false, status: 'never created' };
  const task = await findReplicationTaskByArn(input.taskArn);
  if (!task) return { taskArn: input.taskArn, stopping: false, status: 'deleted' };
  const status = task.Status ?? 'unknown';
  if (NOTHING_TO_STOP.includes(status)) return { taskArn: input.taskArn, stopping: false, status };
  if (status !== 'running') {
    throw new ResourceBusyError(`replication task ${input.taskArn} is ${status} and cannot stop yet`);
  }
  const stopped = await stopReplicationTask(input.taskArn);
  return { taskArn: input.taskArn, stopping: true, status: stopped.Status ?? 'stopping' };
};

export const handler = lambdaHandler(stopTask);
