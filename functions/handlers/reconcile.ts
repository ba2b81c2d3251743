/**
 * Scheduled reconciliation (docs/design.md §1.5): events make lakeshift fast, this makes it correct. For
 * every active database it compares the registry with DMS (one paged describe for all tasks) and completes a
 * full-load wait whose event was lost, fails a wait whose task failed, keeps live waits alive with a
 * heartbeat, resumes a task DMS stopped on a recoverable error and then gave up on, and reports drift. It also
 * puts back to OK the resize alarms left in ALARM for a whole window (`#domain/alarms/stale-alarms`), and those a
 * cooldown or a quiet window held once it is over (`#domain/resize/time-bound-stays`). One
 * database's trouble never stops the sweep: its error is reported with the rest. Nor does a describe DMS refuses
 * (the shared API budget is busy): the waits still get their heartbeats, and the rest waits for the next sweep.
 */
import type { PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import * as z from 'zod';
import { describeAlarmsByPrefix, putMetricAlarms, resetAlarmToOk } from '#adapters/cloudwatch';
import { describeTasksByArns } from '#adapters/describe-tasks';
import { findReplicationInstanceByArn, startReplicationTask } from '#adapters/dms';
import { publishEvent } from '#adapters/events';
import { publishMetrics } from '#adapters/metrics';
import { createRegistry } from '#adapters/registry';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '#adapters/sfn';
import { deliverStoredToken } from '#adapters/token-delivery';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import { ERROR_NAMES, errorText } from '#contracts/errors';
import { ALARM_NAME_PREFIX, SLOT_ALARM_NAME_PREFIX } from '#contracts/names';
import { alarmsToPut } from '#domain/alarms/alarms-to-put';
import { staleAlarmResets } from '#domain/alarms/stale-alarms';
import {
  fleetPhaseMetrics,
  resumesPendingMetrics,
  slotIncidentMetrics,
  slotWatchMetrics,
} from '#domain/metrics';
import {
  DEFAULT_FULL_LOAD_STALL_MINUTES,
  heartbeatsWithoutDms,
  planReconciliation,
  type ReconcileAction,
} from '#domain/reconciliation';
import type { RegistryItem } from '#domain/registry-item';
import { timeBoundStayResets } from '#domain/resize/time-bound-stays';
import { slotWatchSettingsFrom } from '#domain/source-safety/settings';
import { slotAlarm, slotAlarmName, slotIncident } from '#domain/source-safety/slot-watch';
import { storedPlanOf } from '#domain/stored-plan';
import { optionalMinutes, requireEnv } from '#shared/env';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const fullLoadStallMinutes = optionalMinutes(
  OPTIONAL_ENV.fullLoadStallMinutes,
  DEFAULT_FULL_LOAD_STALL_MINUTES,
);
const slotSettings = slotWatchSettingsFrom(process.env);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** The scheduled event; its `time` is the reconciler's clock. */
const ReconcileInput = z.looseObject({ time: now });

const carryOut = async (action: ReconcileAction, at: string): Promise<string> => {
  switch (action.kind) {
    case 'complete-full-load': {
      const output = {
        stopReason: action.stopReason,
        taskArn: action.taskArn,
        stoppedAt: action.stoppedAt,
        completedBy: 'reconciler',
      };
      const outcome = await deliverStoredToken(
        registry,
        action.key,
        action.token,
        (token) => sendTaskSuccess(token, output),
        at,
      );
      return outcome === 'delivered' ? 'completed the full-load wait' : 'the wait had ended';
    }
    case 'fail-wait': {
      const failure = { error: action.error ?? ERROR_NAMES.replicationTaskFailed, cause: action.cause };
      await deliverStoredToken(
        registry,
        action.key,
        action.token,
        (token) => sendTaskFailure(token, failure),
        at,
      );
      await registry.recordFailure(action.key, { ...failure, now: at });
      return 'failed the wait';
    }
    case 'heartbeat':
      if (action.progress) {
        await registry.update(action.key, { fullLoadProgress: action.progress }, { now: at });
      }
      if (await sendTaskHeartbeat(action.token.token)) return 'heartbeat sent';
      // Step Functions says the wait ended: the token is dead and leaves the registry.
      await registry.clearTaskToken(action.key, { token: action.token.token, now: at });
      return 'the wait had ended';
    case 'resume':
      await startReplicationTask(action.taskArn, 'resume-processing');
      return `resumed (stopped since ${action.stoppedAt})`;
    case 'finish-resume': {
      const instance = await findReplicationInstanceByArn(action.instanceArn);
      const currentClass = instance?.ReplicationInstanceClass;
      await registry.transition(action.key, 'CDC', { now: at, patch: currentClass ? { currentClass } : {} });
      return `CDC runs again${currentClass ? ` on ${currentClass}` : ''}`;
    }
    case 'drift':
      return action.issue;
  }
};

/** Resets the alarms left in ALARM past their window; a database whose plan cannot be read is skipped. */
const resetStaleAlarms = async (items: readonly RegistryItem[], at: string) => {
  const watched = items.flatMap((item) => {
    if (item.phase !== 'CDC') return [];
    try {
      const plan = storedPlanOf(item);
      return [
        {
          phase: item.phase,
          alarmPrefix: plan.identifiers.alarmPrefix,
          settings: plan.resize,
          history: item.history,
        },
      ];
    } catch {
      // A damaged plan fails the database's own resize decisions with its named field; the sweep goes on.
      return [];
    }
  });
  if (watched.length === 0) return [];
  const alarms = await describeAlarmsByPrefix(ALARM_NAME_PREFIX);
  const stale = staleAlarmResets(watched, alarms, at);
  const resets = [
    ...stale,
    ...timeBoundStayResets(watched, alarms, at).filter(
      (due) => !stale.some((reset) => reset.alarmName === due.alarmName),
    ),
  ];
  const outcomes = [];
  for (const reset of resets) {
    const done = await resetAlarmToOk(reset.alarmName, reset.reason);
    outcomes.push({ alarmName: reset.alarmName, outcome: done ? 'reset to OK' : 'alarm gone' });
  }
  return outcomes;
};

export const reconcile = async (event: unknown) => {
  const { time } = parseInput(ReconcileInput, event);
  const items = await registry.listActive();
  publishMetrics(fleetPhaseMetrics(items.map((item) => item.phase)));
  const taskArns = items.flatMap((item) => (item.taskArn ? [item.taskArn] : []));
  let actions: ReconcileAction[];
  let describeError: string | undefined;
  try {
    const tasks = taskArns.length > 0 ? await describeTasksByArns(taskArns) : [];
    actions = planReconciliation(items, tasks, time, { fullLoadStallMinutes });
  } catch (error) {
    // The waits are kept alive all the same; everything that needs DMS's answer waits for the next sweep.
    describeError = errorText(error);
    actions = heartbeatsWithoutDms(items);
  }
  const outcomes = [];
  for (const action of actions) {
    const base = {
      migrationId: action.key.migrationId,
      databaseId: action.key.databaseId,
      kind: action.kind,
    };
    try {
      outcomes.push({ ...base, outcome: await carryOut(action, time) });
    } catch (error) {
      outcomes.push({
        ...base,
        error: errorText(error),
      });
    }
  }
  const resumesPending = items.filter((item) => item.resumePending !== undefined).length;
  publishMetrics(resumesPendingMetrics(resumesPending));
  let alarmResets: unknown;
  try {
    alarmResets = await resetStaleAlarms(items, time);
  } catch (error) {
    alarmResets = { error: errorText(error) };
  }
  const slots = await reportSlots(items, time);
  return {
    checked: items.length,
    ...(describeError === undefined ? {} : { describeError }),
    resumesPending,
    actions: outcomes,
    alarmResets,
    slots: slots.reports,
    ...(slots.describeError === undefined ? {} : { slotAlarmsDescribeError: slots.describeError }),
  };
};

/**
 * The slot alarms missing or defined otherwise than the settings say, by name: one paged DescribeAlarms instead of a
 * put per database per sweep. When CloudWatch cannot be read, every alarm is put, as before that check existed, and
 * the error is reported.
 */
const slotAlarmsToPut = async (
  watched: readonly RegistryItem[],
): Promise<{ toPut: Map<string, PutMetricAlarmInput>; describeError?: string }> => {
  const wanted = watched.map((item) => slotAlarm(item, slotSettings));
  const byName = (alarms: readonly PutMetricAlarmInput[]) =>
    new Map(alarms.map((alarm) => [alarm.AlarmName ?? '', alarm]));
  if (wanted.length === 0) return { toPut: new Map() };
  try {
    return { toPut: byName(alarmsToPut(wanted, await describeAlarmsByPrefix(SLOT_ALARM_NAME_PREFIX))) };
  } catch (error) {
    return { toPut: byName(wanted), describeError: errorText(error) };
  }
};

/**
 * Publishes what the slot inspector last found as metrics, keeps each database's retained-WAL alarm, and reports a
 * slot left inactive during CDC as an incident (event and metric). Only looks newer than the last sweep are
 * published, so a stale look is not repeated as fresh data.
 */
const reportSlots = async (items: readonly RegistryItem[], time: string) => {
  const watched = items.filter((item) => item.slotWatch !== undefined && item.replicationSlot !== undefined);
  const { toPut, describeError } = await slotAlarmsToPut(watched);
  const reports = [];
  for (const item of watched) {
    const key = { migrationId: item.migrationId, databaseId: item.databaseId };
    try {
      const watch = item.slotWatch;
      if (watch === undefined) continue;
      publishMetrics(slotWatchMetrics(item, watch));
      const alarm = toPut.get(slotAlarmName(item));
      if (alarm !== undefined) await putMetricAlarms([alarm]);
      const incident = slotIncident(item, slotSettings, time);
      if (incident !== undefined) {
        await publishEvent(env[ENV.eventBusName], incident);
        publishMetrics(slotIncidentMetrics(item));
      }
      reports.push({ ...key, incident: incident !== undefined });
    } catch (error) {
      reports.push({
        ...key,
        error: errorText(error),
      });
    }
  }
  return { reports, describeError };
};

export const handler = lambdaHandler(reconcile);
