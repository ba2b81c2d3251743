/**
 * Starts the replication task: `start-replication` only for a task that never ran, `resume-processing` for one that
 * did (docs/dms-behaviour.md §2.4). A task already running or starting is left alone, so a retried state does
 * not fail.
 */
import * as z from 'zod';
import { findReplicationTaskByArn, startReplicationTask } from '#adapters/dms';
import { ResourceBusyError, ResourceNotFoundError } from '#contracts/errors';
import { startTypeFor } from '#domain/tasks/task-state';
import { databaseKey, now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const StartTaskInput = z.object({ ...databaseKey, taskArn, now });

const STARTABLE = ['ready', 'stopped', 'failed'];
const ALREADY_STARTED = ['running', 'starting'];

export const startTask = async (event: unknown) => {
  const input = parseInput(StartTaskInput, event);
  const task = await findReplicationTaskByArn(input.taskArn);
  if (!task) throw new ResourceNotFoundError(`replication task ${input.taskArn} does not exist`);
  const status = task.Status ?? 'unknown';
  if (ALREADY_STARTED.includes(status)) return { taskArn: input.taskArn, startType: 'none', status };
  if (!STARTABLE.includes(status)) {
    throw new ResourceBusyError(`replication task ${input.taskArn} is ${status} and cannot start yet`);
  }
  const startType = startTypeFor(task);
  const started = await startReplicationTask(input.taskArn, startType);
  return { taskArn: input.taskArn, startType, status: started.Status ?? 'starting' };
};

export const handler = lambdaHandler(startTask);
