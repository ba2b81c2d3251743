/**
 * Decides a database's size and records the decision: finds the database, fetches what the policy reads, runs it,
 * takes the resize lock for an acting decision (another holder's live lock turns it into "stay"), appends the
 * decision to the history and publishes it as Resize Decided, and puts the triggering alarm back to OK when time
 * alone can change its answer (`#domain/resize/alarm-reset`). An alarm's stay that repeats its previous one is not
 * recorded again (`#domain/resize/decision-history`). Every choice is made in the domain; this only does the calls.
 */
import { ResizeInProgressError } from '#contracts/errors';
import type { InstanceClass } from '#domain/instance-classes';
import { resizeDecided } from '#domain/lakeshift-events';
import { resizeDecisionMetrics } from '#domain/metrics';
import type { RegistryItem } from '#domain/registry-item';
import { decisionResetReason, resetsTriggeringAlarm } from '#domain/resize/alarm-reset';
import { decideResize } from '#domain/resize/decide-resize';
import { repeatsLatestStay } from '#domain/resize/decision-history';
import { peakWindowOf } from '#domain/resize/peak-window';
import {
  classAtDecision,
  databaseLookupOf,
  lockHolderOf,
  metricsTargetOf,
  NOT_MANAGED,
  needsPeakUsage,
  RESIZE_LOCK_TTL_SECONDS,
  type ResizeRequest,
  resizeAnswer,
  stayWhileResizing,
  triggerOf,
} from '#domain/resize/resize-request';
import type { PeakReading, ResizeDecision, ResizeHistoryEntry } from '#domain/resize/types';
import { currentClassOf, fullLoadClassOf, storedPlanOf } from '#domain/stored-plan';
import { getPeakUsage, getResizeMetrics, resetAlarmToOk } from './cloudwatch.ts';
import { findReplicationInstance, findReplicationTaskByArn } from './dms.ts';
import { publishEvents } from './events.ts';
import { publishMetrics } from './metrics.ts';
import type { Registry } from './registry.ts';

export interface ResizeDecisionTargets {
  readonly registry: Registry;
  readonly eventBusName: string;
}

const findDatabase = async (
  registry: Registry,
  request: ResizeRequest,
): Promise<RegistryItem | undefined> => {
  const lookup = databaseLookupOf(request);
  switch (lookup.by) {
    case 'key':
      return registry.require(lookup.key);
    case 'instance':
      return registry.findByInstanceIdentifier(lookup.instanceIdentifier);
    case 'none':
      return undefined;
  }
};

/** The heaviest use while the full-load class worked: from the full load's start to the task's stop. */
const peakWhileWorking = async (item: RegistryItem, at: string): Promise<PeakReading> => {
  if (!item.taskArn) return { found: false, why: 'the registry holds no task for the database' };
  const task = await findReplicationTaskByArn(item.taskArn);
  if (!task) return { found: false, why: `DMS reports no task ${item.taskArn}` };
  const window = peakWindowOf(task.ReplicationTaskStats, at);
  if (!window.found) return window;
  return getPeakUsage({
    instanceIdentifier: item.instanceIdentifier,
    taskResourceId: item.taskResourceId,
    startTime: window.startTime,
    endTime: window.endTime,
    fullLoadSeconds: window.fullLoadSeconds,
    fullLoadEndTime: window.fullLoadEndTime,
  });
};

const withFullLoadClass = (fullLoadClass: InstanceClass | undefined) =>
  fullLoadClass === undefined ? {} : { fullLoadClass };

const lockFor = async (
  registry: Registry,
  item: RegistryItem,
  decision: ResizeDecision,
  holder: string,
  request: ResizeRequest,
): Promise<ResizeDecision> => {
  if (decision.action === 'stay') return decision;
  try {
    await registry.acquireResizeLock(item, {
      holder,
      now: request.now,
      ttlSeconds: RESIZE_LOCK_TTL_SECONDS,
      executionArn: request.executionArn,
    });
    return decision;
  } catch (error) {
    if (!(error instanceof ResizeInProgressError)) throw error;
    return stayWhileResizing(decision, error.message);
  }
};

export const decideAndRecordResize = async (targets: ResizeDecisionTargets, request: ResizeRequest) => {
  const { registry } = targets;
  const item = await findDatabase(registry, request);
  if (!item) return NOT_MANAGED;
  const settings = storedPlanOf(item).resize;
  // Read, not assumed: a resize that failed half-way, or one by hand, leaves the registry behind DMS.
  const fromClass = classAtDecision(
    (await findReplicationInstance(item.instanceIdentifier))?.ReplicationInstanceClass,
    currentClassOf(item),
  );
  const trigger = triggerOf(request);
  const metricsTarget = metricsTargetOf(request, item);
  const policyDecision = decideResize({
    currentClass: fromClass,
    phase: item.phase,
    trigger,
    metrics: metricsTarget ? await getResizeMetrics({ ...metricsTarget, settings, now: request.now }) : {},
    history: item.history,
    settings,
    now: request.now,
    ...withFullLoadClass(fullLoadClassOf(item)),
    ...(needsPeakUsage(request, settings) ? { peak: await peakWhileWorking(item, request.now) } : {}),
  });
  const lockHolder = lockHolderOf(request, item);
  const decision = await lockFor(registry, item, policyDecision, lockHolder, request);
  const entry: ResizeHistoryEntry = { ...decision, at: request.now, fromClass, trigger };
  const recorded = !repeatsLatestStay(item.history, entry);
  if (recorded) {
    await registry.appendHistory(item, entry);
    await publishEvents(targets.eventBusName, [resizeDecided(item, entry)]);
    publishMetrics(resizeDecisionMetrics({ ...item, action: entry.action }));
  }
  const alarmReset =
    request.trigger === 'alarm' &&
    resetsTriggeringAlarm(decision, item.phase, trigger.kind === 'alarm' ? trigger.signal : undefined)
      ? await resetAlarmToOk(request.alarm.alarmName, decisionResetReason(decision))
      : false;
  return resizeAnswer(item, { decision, fromClass, lockHolder, recorded, alarmReset });
};
