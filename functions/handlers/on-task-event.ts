/**
 * EventBridge consumer of DMS task state changes. Finds the database by the task ARN (tasks lakeshift does not manage
 * are ignored), then: full load and cached changes done → completes the stored full-load token; task failed →
 * fails the waiting execution, if any, and records the failure; stopped on a recoverable error → left to DMS, which
 * retries by itself (the reconciler resumes the task if DMS gives up). The token is taken exactly once, so
 * duplicate events, and the reconciler completing the same wait, are harmless.
 */
import * as z from 'zod';
import { describeTasksByArns } from '#adapters/describe-tasks';
import { publishEvents } from '#adapters/events';
import { createRegistry } from '#adapters/registry';
import { sendTaskFailure, sendTaskSuccess } from '#adapters/sfn';
import { ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { DMS_DETAIL_TYPES, DMS_EVENT_SOURCE } from '#contracts/events';
import { isLegalTransition } from '#contracts/phases';
import { FULL_LOAD_WAIT } from '#contracts/waits';
import { migrationFailed } from '#domain/lakeshift-events';
import type { RegistryItem } from '#domain/registry-item';
import { classifyTaskEvent, type TaskEventDetail } from '#domain/tasks/task-event';
import { stopReasonOf } from '#domain/tasks/task-state';
import { requireEnv } from '#shared/env';
import { now, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const TaskStateChangeEvent = z.looseObject({
  source: z.literal(DMS_EVENT_SOURCE),
  'detail-type': z.literal(DMS_DETAIL_TYPES.taskStateChange),
  /** The event's time is the handler's clock (the local runtime's accelerated clock reaches it this way). */
  time: now,
  resources: z.tuple([taskArn], z.string()),
  detail: z.looseObject({
    eventType: z.string().optional(),
    eventId: z.string().optional(),
    eventName: z.string().optional(),
    category: z.string().optional(),
    detailMessage: z.string().optional(),
  }),
});

type TaskStateChangeEvent = z.output<typeof TaskStateChangeEvent>;

const completeFullLoad = async (
  item: RegistryItem,
  event: TaskStateChangeEvent,
  stopReason: string | undefined,
) => {
  const token = await registry.takeTaskToken(item, { now: event.time, waitingFor: FULL_LOAD_WAIT });
  if (!token) return { action: 'ignored', reason: 'no execution is waiting for this full load' };
  const delivered = await sendTaskSuccess(token.token, {
    stopReason,
    taskArn: event.resources[0],
    stoppedAt: event.time,
    completedBy: 'task event',
  });
  return { action: delivered ? 'completed' : 'too late', reason: `full load done (${stopReason})` };
};

const recordTaskFailure = async (
  item: RegistryItem,
  event: TaskStateChangeEvent,
  stopReason: string | undefined,
) => {
  const cause = event.detail.detailMessage ?? `replication task failed (${stopReason ?? 'no stop reason'})`;
  const failure = { error: ERROR_NAMES.replicationTaskFailed, cause };
  const token = await registry.takeTaskToken(item, { now: event.time });
  const failedWait = token ? await sendTaskFailure(token.token, failure) : false;
  if (item.phase !== 'FAILED' && !isLegalTransition(item.phase, 'FAILED')) {
    return { action: 'ignored', reason: `task failed in phase ${item.phase}` };
  }
  const failed = await registry.recordFailure(item, { ...failure, now: event.time });
  // A failed wait ends the execution in its Catch, which publishes Migration Failed; otherwise say it here.
  if (!failedWait) await publishEvents(env[ENV.eventBusName], [migrationFailed(failed, event.time)]);
  return { action: failedWait ? 'failed the waiting execution' : 'recorded the failure', reason: cause };
};

/** Classifies the event; a stop whose message names no reason is decided by the task's StopReason. */
const classify = async (detail: TaskEventDetail, arn: string) => {
  const classified = classifyTaskEvent(detail);
  if (classified.meaning !== 'stopped-without-reason') return classified;
  const [task] = await describeTasksByArns([arn]);
  return classifyTaskEvent(detail, task ? stopReasonOf(task) : undefined);
};

export const onTaskEvent = async (event: unknown) => {
  const input = parseInput(TaskStateChangeEvent, event);
  const item = await registry.findByTaskArn(input.resources[0]);
  if (!item) return { action: 'ignored', reason: 'not a task lakeshift manages' };
  const { meaning, stopReason } = await classify(input.detail, input.resources[0]);
  const key = { migrationId: item.migrationId, databaseId: item.databaseId };
  switch (meaning) {
    case 'full-load-done':
      return { ...key, ...(await completeFullLoad(item, input, stopReason)) };
    case 'failed':
      return { ...key, ...(await recordTaskFailure(item, input, stopReason)) };
    case 'recoverable':
      return {
        ...key,
        action: 'left to DMS',
        reason: `${stopReason}: DMS retries recoverable errors itself`,
      };
    case 'stopped-without-reason':
    case 'other':
      return {
        ...key,
        action: 'ignored',
        reason: `nothing to do for ${input.detail.eventType ?? 'this event'}`,
      };
  }
};

export const handler = lambdaHandler(onTaskEvent);
