/**
 * Runs the resize policy for one database and records the decision: in the registry's history (with the metrics
 * behind it) and as a Resize Decided event. Three triggers: the step-down after the full load (migrate-database),
 * a lakeshift alarm going into ALARM, or a resize asked for by hand (resize-instance). An acting decision takes the
 * instance's resize lock first; when another resize holds it, the decision becomes "stay" (resize in flight).
 * After an alarm's stay that time can change, the alarm goes back to OK so that a condition that persists is decided
 * on again (alarm-reset.ts); an alarm's stay that repeats its previous one is not recorded again
 * (decision-history.ts).
 */
import * as z from 'zod';
import { getPeakUsage, getResizeMetrics, resetAlarmToOk } from '#adapters/cloudwatch';
import { findReplicationTaskByArn } from '#adapters/dms';
import { publishEvents } from '#adapters/events';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { ResizeInProgressError } from '#contracts/errors';
import { signalOfAlarm } from '#domain/alarms/alarm-specs';
import { isInstanceClass } from '#domain/instance-classes';
import { resizeDecided } from '#domain/lakeshift-events';
import type { RegistryItem } from '#domain/registry-item';
import { AUTO_STEADY_CLASS, type ResizeSettings } from '#domain/request/resize-settings';
import { decisionResetReason, resetsTriggeringAlarm } from '#domain/resize/alarm-reset';
import { decideResize } from '#domain/resize/decide-resize';
import { repeatsLatestStay } from '#domain/resize/decision-history';
import type { PeakUsage, ResizeDecision, ResizeHistoryEntry, ResizeTrigger } from '#domain/resize/types';
import { currentClassOf, storedPlanOf } from '#domain/stored-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** Longer than the slowest resize the state machines allow, so an execution that died cannot block resizes forever. */
export const RESIZE_LOCK_TTL_SECONDS = 4 * 60 * 60;
/** Without task statistics, the cached changes are looked for in the hour before the step-down. */
const DEFAULT_PEAK_WINDOW_MS = 60 * 60 * 1000;

const instanceClass = z
  .string()
  .refine(isInstanceClass, 'must be a known DMS instance class, e.g. dms.r5.large');

/** The `detail` of a CloudWatch Alarm State Change event (dms-facts §13): only what lakeshift reads. */
const alarmDetail = z.looseObject({
  alarmName: z.string().min(1, 'must name the alarm'),
  configuration: z.looseObject({
    metrics: z.array(
      z.looseObject({
        metricStat: z
          .looseObject({ metric: z.looseObject({ dimensions: z.record(z.string(), z.string()).optional() }) })
          .optional(),
      }),
    ),
  }),
});

const DecideResizeInput = z.discriminatedUnion('trigger', [
  z.object({ trigger: z.literal('step-down'), ...databaseKey, now }),
  z.object({ trigger: z.literal('alarm'), alarm: alarmDetail, now }),
  z.object({
    trigger: z.literal('manual'),
    request: z.looseObject({ ...databaseKey, targetClass: instanceClass.optional() }),
    now,
  }),
]);

type DecideResizeInput = z.output<typeof DecideResizeInput>;

/** The alarm's instance, from the dimension every lakeshift alarm carries (dms-facts §4.3). */
const instanceIdentifierOf = (alarm: z.output<typeof alarmDetail>): string | undefined =>
  alarm.configuration.metrics
    .map((metric) => metric.metricStat?.metric.dimensions?.ReplicationInstanceIdentifier)
    .find((value) => value !== undefined);

const findDatabase = async (input: DecideResizeInput): Promise<RegistryItem | undefined> => {
  switch (input.trigger) {
    case 'step-down':
      return registry.require(input);
    case 'manual':
      return registry.require(input.request);
    case 'alarm': {
      const identifier = instanceIdentifierOf(input.alarm);
      return identifier === undefined ? undefined : registry.findByInstanceIdentifier(identifier);
    }
  }
};

const triggerOf = (input: DecideResizeInput): ResizeTrigger => {
  switch (input.trigger) {
    case 'step-down':
      return { kind: 'full-load-done' };
    case 'manual':
      return input.request.targetClass !== undefined && isInstanceClass(input.request.targetClass)
        ? { kind: 'manual', targetClass: input.request.targetClass }
        : { kind: 'manual' };
    case 'alarm': {
      const signal = signalOfAlarm(input.alarm.alarmName);
      return signal === undefined
        ? { kind: 'alarm', alarmName: input.alarm.alarmName }
        : { kind: 'alarm', alarmName: input.alarm.alarmName, signal };
    }
  }
};

/** The heaviest use while the cached changes were applied: between the full load's end and the task's stop. */
const peakDuringCachedChanges = async (item: RegistryItem, at: string): Promise<PeakUsage | undefined> => {
  const stats = item.taskArn
    ? (await findReplicationTaskByArn(item.taskArn))?.ReplicationTaskStats
    : undefined;
  const endTime = stats?.StopDate?.toISOString() ?? at;
  const startTime =
    stats?.FullLoadFinishDate?.toISOString() ??
    new Date(Date.parse(endTime) - DEFAULT_PEAK_WINDOW_MS).toISOString();
  return getPeakUsage({ instanceIdentifier: item.instanceIdentifier, startTime, endTime });
};

const metricsFor = async (item: RegistryItem, settings: ResizeSettings, at: string) =>
  item.phase === 'CDC' && item.taskResourceId !== undefined
    ? getResizeMetrics({
        instanceIdentifier: item.instanceIdentifier,
        taskResourceId: item.taskResourceId,
        settings,
        now: at,
      })
    : {};

/** Takes the lock for an acting decision; another holder's live lock turns it into "stay". */
const lockFor = async (
  item: RegistryItem,
  decision: ResizeDecision,
  holder: string,
  at: string,
): Promise<ResizeDecision> => {
  if (decision.action === 'stay') return decision;
  try {
    await registry.acquireResizeLock(item, { holder, now: at, ttlSeconds: RESIZE_LOCK_TTL_SECONDS });
    return decision;
  } catch (error) {
    if (!(error instanceof ResizeInProgressError)) throw error;
    return { action: 'stay', rule: 'resize-in-flight', reason: error.message, metrics: decision.metrics };
  }
};

export const decideResizeHandler = async (event: unknown) => {
  const input = parseInput(DecideResizeInput, event);
  const item = await findDatabase(input);
  if (!item) {
    return { act: false, action: 'stay', reason: 'the alarm is not about an instance lakeshift manages' };
  }
  const settings = storedPlanOf(item).resize;
  const currentClass = currentClassOf(item);
  const trigger = triggerOf(input);
  const stepDown = input.trigger === 'step-down';
  const policyDecision = decideResize({
    currentClass,
    phase: item.phase,
    trigger,
    metrics: stepDown ? {} : await metricsFor(item, settings, input.now),
    history: item.history,
    settings,
    now: input.now,
    peakDuringCachedChanges:
      stepDown && settings.steadyClass === AUTO_STEADY_CLASS
        ? await peakDuringCachedChanges(item, input.now)
        : undefined,
  });
  const lockHolder = `${input.trigger}:${item.migrationId}/${item.databaseId}@${input.now}`;
  const decision = await lockFor(item, policyDecision, lockHolder, input.now);
  const entry: ResizeHistoryEntry = { ...decision, at: input.now, fromClass: currentClass, trigger };
  const recorded = !repeatsLatestStay(item.history, entry);
  if (recorded) {
    await registry.appendHistory(item, entry);
    await publishEvents(env[ENV.eventBusName], [resizeDecided(item, entry)]);
  }
  const alarmReset =
    input.trigger === 'alarm' && resetsTriggeringAlarm(decision, item.phase)
      ? await resetAlarmToOk(input.alarm.alarmName, decisionResetReason(decision))
      : false;
  const act = decision.action !== 'stay';
  return {
    migrationId: item.migrationId,
    databaseId: item.databaseId,
    act,
    action: decision.action,
    rule: decision.rule,
    reason: decision.reason,
    fromClass: currentClass,
    toClass: decision.targetClass ?? currentClass,
    instanceArn: item.instanceArn ?? null,
    taskArn: item.taskArn ?? null,
    lockHolder: act ? lockHolder : null,
    /** False for an alarm's stay that repeats its previous one: neither appended to the history nor published. */
    recorded,
    /** True when the triggering alarm was put back to OK, to be evaluated afresh. */
    alarmReset,
  };
};

export const handler = lambdaHandler(decideResizeHandler);
