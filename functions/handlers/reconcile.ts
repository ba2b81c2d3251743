/**
 * Scheduled reconciliation (docs/design.md §1.5): events make lakeshift fast, this makes it correct. For
 * every active database it compares the registry with DMS (one paged describe for all tasks) and completes a
 * full-load wait whose event was lost, fails a wait whose task failed, keeps live waits alive with a
 * heartbeat, resumes a task DMS stopped on a recoverable error and then gave up on, and reports drift. One
 * database's trouble never stops the sweep: its error is reported with the rest.
 */
import * as z from 'zod';
import { putMetricAlarms, putMetricData } from '#adapters/cloudwatch';
import { describeTasksByArns } from '#adapters/describe-tasks';
import { startReplicationTask } from '#adapters/dms';
import { publishEvent } from '#adapters/events';
import { publishMetrics } from '#adapters/metrics';
import { createRegistry } from '#adapters/registry';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from '#adapters/sfn';
import { ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { METRIC_NAMES, METRICS_NAMESPACE } from '#contracts/metrics';
import { FULL_LOAD_WAIT } from '#contracts/waits';
import { fleetPhaseMetrics } from '#domain/metrics';
import { planReconciliation, type ReconcileAction } from '#domain/reconciliation';
import type { RegistryItem } from '#domain/registry-item';
import { slotWatchSettingsFrom } from '#domain/source-safety/settings';
import { slotAlarm, slotIncident, slotMetrics } from '#domain/source-safety/slot-watch';
import { requireEnv } from '#shared/env';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const slotSettings = slotWatchSettingsFrom(process.env);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** The scheduled event; its `time` is the reconciler's clock. */
const ReconcileInput = z.looseObject({ time: now });

const carryOut = async (action: ReconcileAction, at: string): Promise<string> => {
  switch (action.kind) {
    case 'complete-full-load': {
      const token = await registry.takeTaskToken(action.key, { now: at, waitingFor: FULL_LOAD_WAIT });
      if (!token) return 'already completed';
      const output = {
        stopReason: action.stopReason,
        taskArn: action.taskArn,
        stoppedAt: action.stoppedAt,
        completedBy: 'reconciler',
      };
      return (await sendTaskSuccess(token.token, output))
        ? 'completed the full-load wait'
        : 'the wait had ended';
    }
    case 'fail-wait': {
      const token = await registry.takeTaskToken(action.key, { now: at });
      const failure = { error: ERROR_NAMES.replicationTaskFailed, cause: action.cause };
      if (token) await sendTaskFailure(token.token, failure);
      await registry.recordFailure(action.key, { ...failure, now: at });
      return 'failed the wait';
    }
    case 'heartbeat':
      return (await sendTaskHeartbeat(action.token)) ? 'heartbeat sent' : 'the wait had ended';
    case 'resume':
      await startReplicationTask(action.taskArn, 'resume-processing');
      return `resumed (stopped since ${action.stoppedAt})`;
    case 'drift':
      return action.issue;
  }
};

export const reconcile = async (event: unknown) => {
  const { time } = parseInput(ReconcileInput, event);
  const items = await registry.listActive();
  publishMetrics(fleetPhaseMetrics(items.map((item) => item.phase)));
  const taskArns = items.flatMap((item) => (item.taskArn ? [item.taskArn] : []));
  const tasks = taskArns.length > 0 ? await describeTasksByArns(taskArns) : [];
  const actions = planReconciliation(items, tasks, time);
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
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return { checked: items.length, actions: outcomes, slots: await reportSlots(items, time) };
};

/**
 * Publishes what the slot inspector last found as metrics, keeps each database's retained-WAL alarm, and reports a
 * slot left inactive during CDC as an incident (event and metric). Only looks newer than the last sweep are
 * published, so a stale look is not repeated as fresh data.
 */
const reportSlots = async (items: readonly RegistryItem[], time: string) => {
  const watched = items.filter((item) => item.slotWatch !== undefined && item.replicationSlot !== undefined);
  const reports = [];
  for (const item of watched) {
    const key = { migrationId: item.migrationId, databaseId: item.databaseId };
    try {
      const watch = item.slotWatch;
      if (watch === undefined) continue;
      await putMetricData(METRICS_NAMESPACE, slotMetrics(item, watch));
      await putMetricAlarms([slotAlarm(item, slotSettings)]);
      const incident = slotIncident(item, slotSettings, time);
      if (incident !== undefined) {
        await publishEvent(env[ENV.eventBusName], incident);
        await putMetricData(METRICS_NAMESPACE, [
          { MetricName: METRIC_NAMES.slotIncident, Timestamp: new Date(time), Value: 1, Unit: 'Count' },
        ]);
      }
      reports.push({ ...key, incident: incident !== undefined });
    } catch (error) {
      reports.push({
        ...key,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return reports;
};

export const handler = lambdaHandler(reconcile);
