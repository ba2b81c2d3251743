/**
 * Starts the replication task: `start-replication` only for a task that never ran, `resume-processing` for one that
 * did (docs/dms-behaviour.md §2.4). A task already running or starting is left alone, so a retried state does
 * not fail. At an attempt's start (`stage: 'attempt'`) a task whose full load is already done is not started at
 * all: the attempt goes on at the step-down (docs/failure-semantics.md, "Retry and re-run").
 */
import * as z from 'zod';
import { findReplicationInstanceByArn, findReplicationTaskByArn, startReplicationTask } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { ResourceBusyError, ResourceNotFoundError } from '#contracts/errors';
import { decideAttemptStart } from '#domain/tasks/attempt-start';
import { startTypeFor } from '#domain/tasks/task-state';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, instanceArn, now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/**
 * With `instanceArn` (the recovery after a failed class change) the task is resumed on whatever class the instance
 * has, once the instance is available again, and the class is returned.
 */
const StartTaskInput = z.object({
  ...databaseKey,
  taskArn,
  instanceArn: instanceArn.optional(),
  /** `attempt`: the start of an attempt, which may meet a task a failed attempt took past its full load. */
  stage: z.enum(['attempt', 'resume']).default('resume'),
  now,
});

/** The class of an available instance; ResourceBusy while it is still changing. */
const availableClassOf = async (arn: string): Promise<string> => {
  const instance = await findReplicationInstanceByArn(arn);
  if (!instance) throw new ResourceNotFoundError(`replication instance ${arn} does not exist`);
  const status = instance.ReplicationInstanceStatus ?? 'unknown';
  if (status !== 'available' || !instance.ReplicationInstanceClass) {
    throw new ResourceBusyError(
      `replication instance ${arn} is ${status}; the task resumes once it is available`,
    );
  }
  return instance.ReplicationInstanceClass;
};

const STARTABLE = ['ready', 'stopped', 'failed'];
const ALREADY_STARTED = ['running', 'starting'];

export const startTask = async (event: unknown) => {
  const input = parseInput(StartTaskInput, event);
  // A resize or a migration must not start a task that teardown has just stopped.
  refuseDuringTeardown(await registry.require(input), 'starting the replication task');
  const onClass = input.instanceArn ? { instanceClass: await availableClassOf(input.instanceArn) } : {};
  const task = await findReplicationTaskByArn(input.taskArn);
  if (!task) throw new ResourceNotFoundError(`replication task ${input.taskArn} does not exist`);
  const status = task.Status ?? 'unknown';
  // Only an attempt's start says whether the full load is still to wait for; a resume is always after it.
  const attempt = input.stage === 'attempt' ? { fullLoadDone: decideAttemptStart(task).fullLoadDone } : {};
  if (attempt.fullLoadDone) return { taskArn: input.taskArn, startType: 'none', status, ...attempt };
  if (ALREADY_STARTED.includes(status))
    return { taskArn: input.taskArn, startType: 'none', status, ...attempt, ...onClass };
  if (!STARTABLE.includes(status)) {
    throw new ResourceBusyError(`replication task ${input.taskArn} is ${status} and cannot start yet`);
  }
  const startType = startTypeFor(task);
  const started = await startReplicationTask(input.taskArn, startType);
  return {
    taskArn: input.taskArn,
    startType,
    status: started.Status ?? 'starting',
    ...attempt,
    ...onClass,
  };
};

export const handler = lambdaHandler(startTask);
