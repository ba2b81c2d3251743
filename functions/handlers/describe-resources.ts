/**
 * The status probe of every wait loop: one DMS describe, judged into READY or PENDING for the Choice state, plus
 * the attempt count and the next (longer) wait. A dead end (failed instance, failed connection test, failed task)
 * throws a named error for the state machine's Catch.
 */
import * as z from 'zod';
import {
  describeConnections,
  describeTableStatistics,
  findReplicationInstanceByArn,
  findReplicationTaskByArn,
} from '#adapters/dms';
import { nextWaitSeconds } from '#domain/polling';
import {
  connectionsTested,
  instanceAvailability,
  instanceDeletable,
  instanceDeletion,
  type Readiness,
  tableReloaded,
  taskDeletion,
  taskReady,
  taskRunning,
  taskStopped,
} from '#domain/tasks/readiness';
import { endpointArn, instanceArn, now, sourceTable, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const loop = {
  attempt: z.number().int().min(1, 'must be >= 1'),
  waitSeconds: z.number().int().min(1, 'must be >= 1'),
  maxWaitSeconds: z.number().int().min(1, 'must be >= 1'),
  now,
};

/** Teardown passes null for a resource that was never created. */
const maybe = <Schema extends z.ZodType>(schema: Schema) => schema.nullable();

const DescribeResourcesInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('instance-available'),
    instanceArn,
    expectedClass: z.string().min(1).optional(),
    ...loop,
  }),
  z.object({ kind: z.literal('instance-deletable'), instanceArn: maybe(instanceArn), ...loop }),
  z.object({ kind: z.literal('instance-deleted'), instanceArn: maybe(instanceArn), ...loop }),
  z.object({
    kind: z.literal('connections-successful'),
    instanceArn,
    endpointArns: z.array(endpointArn).min(1, 'must list at least one endpoint ARN'),
    ...loop,
  }),
  z.object({ kind: z.literal('task-ready'), taskArn, ...loop }),
  z.object({ kind: z.literal('task-running'), taskArn, ...loop }),
  z.object({ kind: z.literal('task-stopped'), taskArn: maybe(taskArn), ...loop }),
  z.object({ kind: z.literal('task-deleted'), taskArn: maybe(taskArn), ...loop }),
  z.object({
    kind: z.literal('table-reloaded'),
    taskArn,
    ...sourceTable,
    /** When ReloadTables was asked for: a load that ended before it is the old one. */
    requestedAt: now,
    ...loop,
  }),
]);

type Probe = z.output<typeof DescribeResourcesInput>;

const instance = (arn: string | null) =>
  arn === null ? Promise.resolve(undefined) : findReplicationInstanceByArn(arn);

const task = (arn: string | null) =>
  arn === null ? Promise.resolve(undefined) : findReplicationTaskByArn(arn);

const judge = async (probe: Probe): Promise<Readiness> => {
  switch (probe.kind) {
    case 'instance-available':
      return instanceAvailability(await findReplicationInstanceByArn(probe.instanceArn), probe.expectedClass);
    case 'instance-deletable':
      return instanceDeletable(await instance(probe.instanceArn));
    case 'instance-deleted':
      return instanceDeletion(await instance(probe.instanceArn));
    case 'connections-successful':
      return connectionsTested(await describeConnections(probe.instanceArn), probe.endpointArns);
    case 'task-ready':
      return taskReady(await task(probe.taskArn));
    case 'task-running':
      return taskRunning(await task(probe.taskArn));
    case 'task-stopped':
      return taskStopped(await task(probe.taskArn));
    case 'task-deleted':
      return taskDeletion(await task(probe.taskArn));
    case 'table-reloaded': {
      const tables = await describeTableStatistics(probe.taskArn);
      return tableReloaded(
        tables.find((table) => table.SchemaName === probe.schemaName && table.TableName === probe.tableName),
        { name: `${probe.schemaName}.${probe.tableName}`, requestedAt: probe.requestedAt },
      );
    }
  }
};

export const describeResources = async (event: unknown) => {
  const probe = parseInput(DescribeResourcesInput, event);
  const readiness = await judge(probe);
  return {
    kind: probe.kind,
    outcome: readiness.outcome,
    status: readiness.status,
    attempt: probe.attempt,
    waitSeconds: nextWaitSeconds(probe.waitSeconds, probe.maxWaitSeconds),
  };
};

export const handler = lambdaHandler(describeResources);
