/** Replication tasks: Create, Describe, Modify, Start, Stop, Delete; the lifecycle makes the status changes. */
import type {
  CreateReplicationTaskMessage,
  CreateReplicationTaskResponse,
  DeleteReplicationTaskMessage,
  DeleteReplicationTaskResponse,
  DescribeReplicationTasksMessage,
  DescribeReplicationTasksResponse,
  ModifyReplicationTaskMessage,
  ModifyReplicationTaskResponse,
  ReplicationTask,
  StartReplicationTaskMessage,
  StartReplicationTaskResponse,
  StopReplicationTaskMessage,
  StopReplicationTaskResponse,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { INITIAL_TASK_STATUS, taskAccepts } from '../lifecycle/task-transitions.ts';
import { dmsArn } from '../protocol/arn.ts';
import { describePage } from '../protocol/describe.ts';
import {
  invalidParameterCombination,
  invalidParameterValue,
  invalidResourceState,
  resourceAlreadyExists,
  resourceQuotaExceeded,
} from '../protocol/errors.ts';
import { checkResourceIdentifier, normalizeIdentifier } from '../protocol/identifiers.ts';
import { epochMillis, epochSeconds, type Input, type Wire } from '../protocol/wire.ts';
import { parseTableMappings } from '../settings/table-mappings.ts';
import { defaultTaskSettings, resolveTaskSettings } from '../settings/task-settings.ts';
import { getEndpoint, getInstance, getTask, tasksOnInstance } from '../state/lookup.ts';
import type { EndpointRecord, TaskRecord } from '../state/records.ts';
import { progressOf } from '../state/task-progress.ts';
import type { MigrationType, StartType } from '../workload.ts';
import { setTags, validateTags } from './tags.ts';

const POSTGRES_ENGINES = new Set(['postgres', 'aurora-postgresql']);
/** Where pseudo LSNs of RecoveryCheckpoint start. */
const LSN_BASE = 0x16b3748;

const recoveryCheckpoint = (task: TaskRecord): string => {
  const lsn = LSN_BASE + task.position * 64;
  const high = Math.floor(lsn / 2 ** 32)
    .toString(16)
    .toUpperCase()
    .padStart(8, '0');
  const low = (lsn % 2 ** 32).toString(16).toUpperCase().padStart(8, '0');
  return `checkpoint:V1#1#${high}/${low}#0#0#*#0#0`;
};

export const taskToApi = (ctx: DmsContext, task: TaskRecord, withSettings = true): Wire<ReplicationTask> => {
  const { stats, tables } = task;
  const count = (...states: string[]) => tables.filter((table) => states.includes(table.TableState)).length;
  const now = ctx.clock.now();
  const optionalDate = (ms: number | undefined) => (ms === undefined ? undefined : epochSeconds(ms));
  const dates = {
    FreshStartDate: optionalDate(stats.freshStartDate),
    StartDate: optionalDate(stats.startDate),
    StopDate: optionalDate(stats.stopDate),
    FullLoadStartDate: optionalDate(stats.fullLoadStartDate),
    FullLoadFinishDate: optionalDate(stats.fullLoadFinishDate),
  };
  return {
    ReplicationTaskIdentifier: task.identifier,
    SourceEndpointArn: task.sourceArn,
    TargetEndpointArn: task.targetArn,
    ReplicationInstanceArn: task.instanceArn,
    MigrationType: task.migrationType,
    ...(withSettings
      ? { TableMappings: task.tableMappings, ReplicationTaskSettings: JSON.stringify(task.settings) }
      : {}),
    Status: task.status,
    ...(task.lastFailureMessage ? { LastFailureMessage: task.lastFailureMessage } : {}),
    ...(task.stopReason ? { StopReason: task.stopReason } : {}),
    ReplicationTaskCreationDate: epochSeconds(task.createdAt),
    ...(task.startedAt !== undefined ? { ReplicationTaskStartDate: epochSeconds(task.startedAt) } : {}),
    ...(task.cdcStartPosition ? { CdcStartPosition: task.cdcStartPosition } : {}),
    ...(task.cdcStopPosition ? { CdcStopPosition: task.cdcStopPosition } : {}),
    ...(task.hasRun ? { RecoveryCheckpoint: recoveryCheckpoint(task) } : {}),
    ReplicationTaskArn: task.arn,
    ReplicationTaskStats: {
      FullLoadProgressPercent: progressOf(task),
      ElapsedTimeMillis: stats.elapsedMs + (stats.runningSince !== undefined ? now - stats.runningSince : 0),
      TablesLoaded: count('Table completed'),
      TablesLoading: count('Full load', 'Table is being reloaded'),
      TablesQueued: count('Before load'),
      TablesErrored: count('Table error'),
      ...(Object.fromEntries(Object.entries(dates).filter(([, value]) => value !== undefined)) as Record<
        string,
        number
      >),
    },
    ...(withSettings && task.taskData ? { TaskData: task.taskData } : {}),
  };
};

const identifierTaken = (ctx: DmsContext, identifier: string, except?: string): boolean =>
  Object.values(ctx.state.tasks).some((task) => task.identifier === identifier && task.arn !== except);

const requireType = (
  endpoint: EndpointRecord,
  type: 'SOURCE' | 'TARGET',
  parameter: string,
): EndpointRecord => {
  if (endpoint.endpointType !== type)
    throw invalidParameterValue(`${parameter} ${endpoint.arn} is not a ${type.toLowerCase()} endpoint`);
  return endpoint;
};

/**
 * CDC start options: one of CdcStartTime and CdcStartPosition; PostgreSQL has no start time
 * (docs/dms-behaviour.md §2.5).
 */
const cdcStart = (
  source: EndpointRecord,
  input: { CdcStartTime?: number | undefined; CdcStartPosition?: string | undefined },
): { cdcStartTime?: number; cdcStartPosition?: string } => {
  if (input.CdcStartTime !== undefined && input.CdcStartPosition !== undefined)
    throw invalidParameterCombination('Specify either CdcStartTime or CdcStartPosition, not both');
  if (input.CdcStartTime !== undefined && POSTGRES_ENGINES.has(source.engineName))
    throw invalidParameterValue('CdcStartTime is not supported for PostgreSQL sources; use CdcStartPosition');
  return {
    ...(input.CdcStartTime !== undefined ? { cdcStartTime: epochMillis(input.CdcStartTime) } : {}),
    ...(input.CdcStartPosition !== undefined ? { cdcStartPosition: input.CdcStartPosition } : {}),
  };
};

export const createReplicationTask = (
  ctx: DmsContext,
  input: Input<
    CreateReplicationTaskMessage,
    | 'ReplicationTaskIdentifier'
    | 'SourceEndpointArn'
    | 'TargetEndpointArn'
    | 'ReplicationInstanceArn'
    | 'MigrationType'
    | 'TableMappings'
  >,
): Wire<CreateReplicationTaskResponse> => {
  const { config, state } = ctx;
  const identifier = normalizeIdentifier('ReplicationTaskIdentifier', input.ReplicationTaskIdentifier);
  parseTableMappings(input.TableMappings);
  const settings = resolveTaskSettings(input.ReplicationTaskSettings, defaultTaskSettings(), true);
  const source = requireType(getEndpoint(state, input.SourceEndpointArn), 'SOURCE', 'SourceEndpointArn');
  const target = requireType(getEndpoint(state, input.TargetEndpointArn), 'TARGET', 'TargetEndpointArn');
  const cdc = cdcStart(source, input);
  const instance = getInstance(state, input.ReplicationInstanceArn);
  if (instance.status !== 'available')
    throw invalidResourceState(
      `Replication instance ${instance.identifier} is not available (current state: ${instance.status})`,
    );
  const resourceId =
    input.ResourceIdentifier !== undefined ? checkResourceIdentifier(input.ResourceIdentifier) : undefined;
  const tags = validateTags(input.Tags);
  if (identifierTaken(ctx, identifier))
    throw resourceAlreadyExists(`Replication task with identifier ${identifier} already exists`);
  const arn = dmsArn(config.region, config.account, 'task', resourceId ?? ctx.nextResourceId());
  if (state.tasks[arn]) throw resourceAlreadyExists(`Replication task with ARN ${arn} already exists`);
  const onInstance = tasksOnInstance(state, instance.arn);
  if (Object.keys(state.tasks).length >= config.quotas.replicationTasks)
    throw resourceQuotaExceeded(
      `The quota of ${config.quotas.replicationTasks} replication tasks has been reached`,
    );
  if (onInstance.length >= config.quotas.tasksPerInstance)
    throw resourceQuotaExceeded(
      `Replication instance ${instance.identifier} already has ${config.quotas.tasksPerInstance} tasks`,
    );
  const endpointsUsed = new Set([
    ...onInstance.flatMap((task) => [task.sourceArn, task.targetArn]),
    source.arn,
    target.arn,
  ]);
  if (endpointsUsed.size > config.quotas.endpointsPerInstance)
    throw resourceQuotaExceeded(
      `Replication instance ${instance.identifier} would use more than ${config.quotas.endpointsPerInstance} endpoints`,
    );
  const task: TaskRecord = {
    arn,
    resourceId: arn.slice(arn.lastIndexOf(':') + 1),
    identifier,
    sourceArn: source.arn,
    targetArn: target.arn,
    instanceArn: instance.arn,
    migrationType: input.MigrationType as MigrationType,
    tableMappings: input.TableMappings,
    settings,
    status: INITIAL_TASK_STATUS,
    createdAt: ctx.clock.now(),
    ...cdc,
    ...(input.CdcStopPosition !== undefined ? { cdcStopPosition: input.CdcStopPosition } : {}),
    ...(input.TaskData !== undefined ? { taskData: input.TaskData } : {}),
    hasRun: false,
    stats: { progressPercent: 0, elapsedMs: 0 },
    tables: [],
    position: 0,
    recoverableAttempts: 0,
  };
  state.tasks[arn] = task;
  setTags(ctx, arn, tags);
  ctx.lifecycle.taskCreating(task);
  return { ReplicationTask: taskToApi(ctx, task) };
};

export const describeReplicationTasks = (
  ctx: DmsContext,
  input: Wire<DescribeReplicationTasksMessage>,
): Wire<DescribeReplicationTasksResponse> => {
  const { items, ...marker } = describePage(
    Object.values(ctx.state.tasks),
    input,
    {
      fields: {
        'replication-task-arn': (task) => [task.arn],
        'replication-task-id': (task) => [task.identifier],
        'migration-type': (task) => [task.migrationType],
        'endpoint-arn': (task) => [task.sourceArn, task.targetArn],
        'replication-instance-arn': (task) => [task.instanceArn],
      },
      caseInsensitive: ['replication-task-id'],
      what: 'replication tasks',
    },
    (task) => taskToApi(ctx, task, input.WithoutSettings !== true),
  );
  return { ReplicationTasks: items, ...marker };
};

export const modifyReplicationTask = (
  ctx: DmsContext,
  input: Input<ModifyReplicationTaskMessage, 'ReplicationTaskArn'>,
): Wire<ModifyReplicationTaskResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  if (!taskAccepts(task.status, 'ModifyReplicationTask'))
    throw invalidResourceState(
      `Replication Task, excluding logging severity task settings, cannot be modified while it is ${task.status} state`,
    );
  if (input.MigrationType !== undefined && input.MigrationType !== task.migrationType)
    throw invalidParameterValue('The migration type of a replication task cannot be changed');
  if (input.TableMappings !== undefined) parseTableMappings(input.TableMappings);
  const settings = resolveTaskSettings(input.ReplicationTaskSettings, task.settings, false);
  const source = getEndpoint(ctx.state, task.sourceArn);
  const cdc = cdcStart(source, input);
  let identifier = task.identifier;
  if (input.ReplicationTaskIdentifier !== undefined) {
    identifier = normalizeIdentifier('ReplicationTaskIdentifier', input.ReplicationTaskIdentifier);
    if (identifierTaken(ctx, identifier, task.arn))
      throw resourceAlreadyExists(`Replication task with identifier ${identifier} already exists`);
  }
  task.identifier = identifier;
  if (input.TableMappings !== undefined) task.tableMappings = input.TableMappings;
  task.settings = settings;
  if (cdc.cdcStartPosition !== undefined) task.cdcStartPosition = cdc.cdcStartPosition;
  if (cdc.cdcStartTime !== undefined) task.cdcStartTime = cdc.cdcStartTime;
  if (input.CdcStopPosition !== undefined) task.cdcStopPosition = input.CdcStopPosition;
  if (input.TaskData !== undefined) task.taskData = input.TaskData;
  ctx.lifecycle.modifyTask(task);
  return { ReplicationTask: taskToApi(ctx, task) };
};

const START_TYPE_NAME = (type: StartType): string => type.toUpperCase().replaceAll('-', '_');

export const startReplicationTask = (
  ctx: DmsContext,
  input: Input<StartReplicationTaskMessage, 'ReplicationTaskArn' | 'StartReplicationTaskType'>,
): Wire<StartReplicationTaskResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  const type = input.StartReplicationTaskType as StartType;
  if (!taskAccepts(task.status, 'StartReplicationTask'))
    throw invalidResourceState(
      `Replication task ${task.identifier} cannot be started in state ${task.status}`,
    );
  const instance = getInstance(ctx.state, task.instanceArn);
  if (instance.status !== 'available')
    throw invalidResourceState(
      `Replication instance ${instance.identifier} is not available (current state: ${instance.status})`,
    );
  if (!task.hasRun && type !== 'start-replication')
    throw invalidResourceState(
      `Start Type : ${START_TYPE_NAME(type)}, valid only for tasks that have run before. Use START_REPLICATION ` +
        'for the first run',
    );
  if (task.hasRun && type === 'start-replication')
    throw invalidResourceState(
      'Start Type : START_REPLICATION, valid only for tasks running for the first time',
    );
  const cdc = cdcStart(getEndpoint(ctx.state, task.sourceArn), input);
  if (cdc.cdcStartPosition !== undefined) task.cdcStartPosition = cdc.cdcStartPosition;
  if (cdc.cdcStartTime !== undefined) task.cdcStartTime = cdc.cdcStartTime;
  if (input.CdcStopPosition !== undefined) task.cdcStopPosition = input.CdcStopPosition;
  ctx.lifecycle.startTask(task, type);
  return { ReplicationTask: taskToApi(ctx, task) };
};

export const stopReplicationTask = (
  ctx: DmsContext,
  input: Input<StopReplicationTaskMessage, 'ReplicationTaskArn'>,
): Wire<StopReplicationTaskResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  if (!taskAccepts(task.status, 'StopReplicationTask'))
    throw invalidResourceState(
      `Replication task ${task.identifier} is not running (current state: ${task.status})`,
    );
  ctx.lifecycle.stopTask(task);
  return { ReplicationTask: taskToApi(ctx, task) };
};

export const deleteReplicationTask = (
  ctx: DmsContext,
  input: Input<DeleteReplicationTaskMessage, 'ReplicationTaskArn'>,
): Wire<DeleteReplicationTaskResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  if (!taskAccepts(task.status, 'DeleteReplicationTask'))
    throw invalidResourceState(
      `Replication task ${task.identifier} cannot be deleted in state ${task.status}` +
        (task.status === 'running' ? '; stop the task first' : ''),
    );
  ctx.lifecycle.deleteTask(task);
  return { ReplicationTask: taskToApi(ctx, task) };
};
