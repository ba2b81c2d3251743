/**
 * CloudWatch calls: arming, resetting and disarming the CDC alarms, and reading the metric windows the resize policy
 * decides on (built from the same signal table as the alarms).
 */
import type {
  MetricAlarm,
  MetricDataQuery,
  MetricDataResult,
  PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { InvalidInputError } from '#contracts/errors';
import { resizeMetricQueries } from '#domain/alarms/metric-queries';
import type { ResizeSettings } from '#domain/request/resize-settings';
import { PEAK_PERIOD_SECONDS, peakQueries, peakReadingOf } from '#domain/resize/peak-window';
import type { MetricSeries, PeakReading, ResizeMetrics } from '#domain/resize/types';
import { cloudWatchClient, cloudWatchSdk } from './clients.ts';
import { isFault } from './faults.ts';
import { collectPages } from './responses.ts';
import { awsCall } from './retry.ts';

/** PutMetricAlarm is an upsert, so arming twice (or after a class change) updates the alarms in place. */
export const putMetricAlarms = async (alarms: readonly PutMetricAlarmInput[]): Promise<void> => {
  for (const alarm of alarms) {
    await awsCall('PutMetricAlarm', async () =>
      (await cloudWatchClient()).send(new (await cloudWatchSdk()).PutMetricAlarmCommand(alarm)),
    );
  }
};

/** DeleteAlarms takes at most 100 names; deleting an alarm that does not exist is not an error. */
const MAX_ALARMS_PER_DELETE = 100;

const deleteAlarmBatch = async (batch: readonly string[]): Promise<void> => {
  await awsCall('DeleteAlarms', async () =>
    (await cloudWatchClient()).send(
      new (await cloudWatchSdk()).DeleteAlarmsCommand({ AlarmNames: [...batch] }),
    ),
  );
};

export const deleteAlarms = async (alarmNames: readonly string[]): Promise<void> => {
  for (let start = 0; start < alarmNames.length; start += MAX_ALARMS_PER_DELETE) {
    const batch = alarmNames.slice(start, start + MAX_ALARMS_PER_DELETE);
    try {
      await deleteAlarmBatch(batch);
    } catch (error) {
      if (!isFault(error, ALARM_NOT_FOUND_FAULT)) throw error;
      // CloudWatch answers ResourceNotFound when a name does not exist (a slot alarm is created only once a slot
      // is watched): the others are deleted one by one, and a missing one is already what teardown wants.
      for (const name of batch) {
        await deleteAlarmBatch([name]).catch((single: unknown) => {
          if (!isFault(single, ALARM_NOT_FOUND_FAULT)) throw single;
        });
      }
    }
  }
};

/** SetAlarmState's StateReason holds at most 1023 characters. */
const MAX_STATE_REASON_LENGTH = 1023;
/** What SetAlarmState answers for an alarm that does not exist. */
const ALARM_NOT_FOUND_FAULT = 'ResourceNotFound';

/**
 * Puts an alarm back to OK. CloudWatch sends an event only when a state changes, so an alarm left in ALARM never
 * speaks again; from OK, the next evaluation raises ALARM again if the condition still holds. Returns false when
 * the alarm no longer exists (teardown removed it): there is nothing left to evaluate.
 */
export const resetAlarmToOk = async (alarmName: string, reason: string): Promise<boolean> => {
  try {
    await awsCall('SetAlarmState', async () =>
      (await cloudWatchClient()).send(
        new (await cloudWatchSdk()).SetAlarmStateCommand({
          AlarmName: alarmName,
          StateValue: 'OK',
          StateReason: reason.slice(0, MAX_STATE_REASON_LENGTH),
        }),
      ),
    );
    return true;
  } catch (error) {
    // CloudWatch's fault shares its name with lakeshift's own error, so the retry policy passes it on as it came.
    if (isFault(error, ALARM_NOT_FOUND_FAULT)) return false;
    throw error;
  }
};

/** Every metric alarm whose name starts with `prefix`, every page. */
/** DescribeAlarms returns 50 alarms a page unless asked for more; 100 is the most it allows. */
const MAX_ALARMS_PER_PAGE = 100;

export const describeAlarmsByPrefix = (prefix: string): Promise<MetricAlarm[]> =>
  collectPages(async (nextToken: string | undefined) => {
    const output = await awsCall('DescribeAlarms', async () =>
      (await cloudWatchClient()).send(
        new (await cloudWatchSdk()).DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: MAX_ALARMS_PER_PAGE,
          NextToken: nextToken,
        }),
      ),
    );
    return { items: output.MetricAlarms, next: output.NextToken };
  });

const toDate = (iso: string, field: string): Date => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()))
    throw new InvalidInputError(`${field}: must be an ISO date-time, got "${iso}"`);
  return date;
};

/** Every result of a GetMetricData request, pages merged by query id. */
export const getMetricData = async (
  queries: readonly MetricDataQuery[],
  startTime: Date,
  endTime: Date,
): Promise<Map<string, MetricDataResult>> => {
  const results = new Map<string, MetricDataResult>();
  let nextToken: string | undefined;
  do {
    const output = await awsCall('GetMetricData', async () =>
      (await cloudWatchClient()).send(
        new (await cloudWatchSdk()).GetMetricDataCommand({
          MetricDataQueries: [...queries],
          StartTime: startTime,
          EndTime: endTime,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      ),
    );
    for (const result of output.MetricDataResults ?? []) {
      if (!result.Id) continue;
      const previous = results.get(result.Id);
      results.set(result.Id, {
        ...result,
        Timestamps: [...(previous?.Timestamps ?? []), ...(result.Timestamps ?? [])],
        Values: [...(previous?.Values ?? []), ...(result.Values ?? [])],
      });
    }
    nextToken = output.NextToken;
  } while (nextToken);
  return results;
};

const seriesOf = (result: MetricDataResult | undefined, periodSeconds: number): MetricSeries => {
  const timestamps = result?.Timestamps ?? [];
  const values = result?.Values ?? [];
  return {
    periodSeconds,
    samples: timestamps.flatMap((timestamp, index) => {
      const value = values[index];
      return value === undefined ? [] : [{ at: timestamp.toISOString(), value }];
    }),
  };
};

/** The metric windows `decideResize` reads, for one database, ending at `now` (ISO). */
export const getResizeMetrics = async (target: {
  readonly instanceIdentifier: string;
  readonly taskResourceId: string;
  readonly settings: ResizeSettings;
  readonly now: string;
}): Promise<ResizeMetrics> => {
  const plan = resizeMetricQueries(target);
  const end = toDate(target.now, 'now');
  const start = new Date(end.getTime() - plan.lookbackSeconds * 1000);
  const results = await getMetricData(plan.queries, start, end);
  return Object.fromEntries(
    plan.queries.flatMap((query) => {
      const signal = query.Id ? plan.signalOfQuery[query.Id] : undefined;
      if (!signal || !query.Id) return [];
      return [[signal, seriesOf(results.get(query.Id), query.MetricStat?.Period ?? 60)]];
    }),
  );
};

/**
 * The heaviest use of an instance inside a window (`#domain/resize/peak-window`): what the `auto` step-down sizes
 * by, or why CloudWatch had nothing to size by.
 */
export const getPeakUsage = async (target: {
  readonly instanceIdentifier: string;
  readonly taskResourceId?: string | undefined;
  readonly startTime: string;
  readonly endTime: string;
  readonly fullLoadSeconds: number;
  readonly fullLoadEndTime: string;
}): Promise<PeakReading> => {
  const window = {
    startTime: target.startTime,
    endTime: target.endTime,
    fullLoadSeconds: target.fullLoadSeconds,
    fullLoadEndTime: target.fullLoadEndTime,
  };
  const results = await getMetricData(
    peakQueries(target),
    toDate(target.startTime, 'startTime'),
    toDate(target.endTime, 'endTime'),
  );
  const values = Object.fromEntries(
    [...results].map(([id, result]) => [
      id,
      seriesOf(result, PEAK_PERIOD_SECONDS).samples.map((sample) => ({
        at: Date.parse(sample.at),
        value: sample.value,
      })),
    ]),
  );
  return peakReadingOf(values, window, target.instanceIdentifier);
};
