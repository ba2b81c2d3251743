/**
 * The `auto` step-down's measurement (docs/design.md §3.2): the window in which the full-load class actually worked,
 * taken from DMS's own task statistics (the full load's start to the task's stop after the cached changes), the
 * GetMetricData queries for the peak inside it, and the reading of their results. A peak that cannot be read says
 * why, and the decision carries that into the registry.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { instanceDimensions, taskDimensions } from '#domain/alarms/alarm-specs';
import { DMS_METRIC_NAMESPACE } from '#domain/alarms/signals';
import type { PeakReading } from './types.ts';

/**
 * AWS/DMS metrics come at one-minute resolution at best (docs/dms-behaviour.md §4.3): a shorter period would ask
 * for datapoints DMS does not publish.
 */
export const PEAK_PERIOD_SECONDS = 60;

/** The task's dates as DescribeReplicationTasks reports them in `ReplicationTaskStats`. */
export interface TaskStatDates {
  readonly FullLoadStartDate?: Date | undefined;
  readonly StartDate?: Date | undefined;
  readonly FullLoadFinishDate?: Date | undefined;
  readonly StopDate?: Date | undefined;
}

export type PeakWindow =
  | {
      readonly found: true;
      readonly startTime: string;
      readonly endTime: string;
      /** How long the full load ran, seconds; what the cached changes accumulated over. */
      readonly fullLoadSeconds: number;
      /** The end of the full load's last period: CPU is read up to here (see `peakReadingOf`). */
      readonly fullLoadEndTime: string;
    }
  | { readonly found: false; readonly why: string };

/**
 * From the full load's start (the task's start when DMS omits it) to the task's stop, widened to whole periods so
 * the datapoints at both ends are inside. Without a stop date the task has not stopped yet: `at` ends the window.
 */
export const peakWindowOf = (stats: TaskStatDates | undefined, at: string): PeakWindow => {
  const start = stats?.FullLoadStartDate ?? stats?.StartDate;
  if (start === undefined) {
    return {
      found: false,
      why: 'DescribeReplicationTasks reported neither FullLoadStartDate nor StartDate for the task',
    };
  }
  const periodMs = PEAK_PERIOD_SECONDS * 1000;
  const endMs = stats?.StopDate?.getTime() ?? Date.parse(at);
  const fullLoadEndMs = stats?.FullLoadFinishDate?.getTime() ?? endMs;
  return {
    found: true,
    startTime: new Date(Math.floor(start.getTime() / periodMs) * periodMs).toISOString(),
    endTime: new Date(Math.ceil((endMs + 1) / periodMs) * periodMs).toISOString(),
    fullLoadSeconds: Math.max(1, (fullLoadEndMs - start.getTime()) / 1000),
    fullLoadEndTime: new Date(Math.ceil((fullLoadEndMs + 1) / periodMs) * periodMs).toISOString(),
  };
};

/** Query ids: one per measured quantity. */
export const PEAK_QUERY_IDS = {
  cpu: 'cpu',
  freeableMemory: 'freeable_memory',
  swap: 'swap',
  cdcCached: 'cdc_cached',
} as const;

export const peakQueries = (target: {
  readonly instanceIdentifier: string;
  readonly taskResourceId?: string | undefined;
}): MetricDataQuery[] => {
  const query = (
    id: string,
    metricName: string,
    stat: 'Maximum' | 'Minimum',
    dimensions = instanceDimensions(target.instanceIdentifier),
  ): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: DMS_METRIC_NAMESPACE, MetricName: metricName, Dimensions: dimensions },
      Period: PEAK_PERIOD_SECONDS,
      Stat: stat,
    },
    ReturnData: true,
  });
  return [
    query(PEAK_QUERY_IDS.cpu, 'CPUUtilization', 'Maximum'),
    query(PEAK_QUERY_IDS.freeableMemory, 'FreeableMemory', 'Minimum'),
    query(PEAK_QUERY_IDS.swap, 'SwapUsage', 'Maximum'),
    ...(target.taskResourceId === undefined
      ? []
      : [
          query(
            PEAK_QUERY_IDS.cdcCached,
            'CDCIncomingChanges',
            'Maximum',
            taskDimensions(target.instanceIdentifier, target.taskResourceId),
          ),
        ]),
  ];
};

/** One datapoint: its period's start (epoch ms) and its value. */
export interface Datapoint {
  readonly at: number;
  readonly value: number;
}

const finite = (points: readonly Datapoint[] | undefined, beforeMs = Number.POSITIVE_INFINITY): number[] =>
  (points ?? [])
    .filter((point) => point.at < beforeMs)
    .map((point) => point.value)
    .filter((value) => Number.isFinite(value));

/**
 * The peak from the queries' datapoints. CPU and freeable memory are required: without them there is nothing to
 * size by. Swap and the cached changes count as zero when DMS published none (no swap used; no change cached).
 * CPU counts up to the full load's end only: afterwards DMS drains the cached changes as fast as the class lets it,
 * so the drain's CPU says what the class can do, not what CDC needs (the change rate stands for that). Memory and
 * swap count over the whole window: the smaller class has to hold what the instance held.
 */
export const peakReadingOf = (
  values: Readonly<Record<string, readonly Datapoint[] | undefined>>,
  window: {
    readonly startTime: string;
    readonly endTime: string;
    readonly fullLoadSeconds: number;
    readonly fullLoadEndTime: string;
  },
  instanceIdentifier: string,
): PeakReading => {
  const cpu = finite(values[PEAK_QUERY_IDS.cpu], Date.parse(window.fullLoadEndTime));
  const memory = finite(values[PEAK_QUERY_IDS.freeableMemory]);
  const missing = [
    ...(cpu.length === 0 ? ['CPUUtilization'] : []),
    ...(memory.length === 0 ? ['FreeableMemory'] : []),
  ];
  if (missing.length > 0) {
    return {
      found: false,
      why: `CloudWatch holds no ${missing.join(' or ')} datapoints for ${instanceIdentifier.toLowerCase()} between ${window.startTime} and ${window.endTime}`,
      startTime: window.startTime,
      endTime: window.endTime,
    };
  }
  return {
    found: true,
    peak: {
      cpuPercent: Math.max(...cpu),
      freeableMemoryBytes: Math.min(...memory),
      swapUsageBytes: Math.max(0, ...finite(values[PEAK_QUERY_IDS.swap])),
      cdcChangesPerSecond: Math.max(0, ...finite(values[PEAK_QUERY_IDS.cdcCached])) / window.fullLoadSeconds,
      startTime: window.startTime,
      endTime: window.endTime,
      periodSeconds: PEAK_PERIOD_SECONDS,
      datapoints: cpu.length,
    },
  };
};
