/**
 * The reference database's measured peak, emulated: the per-minute AWS/DMS datapoints the local DMS's load model
 * (local/dms/metrics/load-model.ts) publishes for the reference workload on dms.r5.xlarge, read by the same
 * `peakReadingOf` the `auto` step-down uses. The workload, in the synthetic simulation's terms
 * (local/dms/synthetic/simulation.ts): four tables loading at once at its 5,000 rows/s per table for 24 h, while
 * the source makes 50 changes/s; then the cached changes drained at the class's capacity.
 */
import { DEFAULT_FULL_LOAD_CLASS, INSTANCE_CLASSES } from '#domain/instance-classes';
import { type Datapoint, PEAK_QUERY_IDS, peakReadingOf } from '#domain/resize/peak-window';
import type { PeakReading } from '#domain/resize/types';
import { CPU_SECONDS_PER_CHANGE, instanceLoad, type TaskWork } from '../dms/metrics/load-model.ts';
import { DEFAULT_ROW_BYTES } from '../dms/synthetic/catalog.ts';
import { DEFAULT_RATES } from '../dms/synthetic/simulation.ts';

export const REFERENCE_WORKLOAD = {
  tablesLoadingAtOnce: 4,
  changesPerSecond: 50,
  fullLoadHours: 24,
  /** Emulated minutes of full load sampled: the load is steady, so a few stand for all of them. */
  sampledFullLoadMinutes: 10,
} as const;

const PERIOD_SECONDS = 60;
/** The synthetic simulation buffers at most 10,000 rows per loading table and 1 GiB of changes in memory. */
const BUFFERED_ROWS_PER_TABLE = 10_000;
const CHANGE_MEMORY_LIMIT_ROWS = 2 ** 30 / DEFAULT_ROW_BYTES;

export const referencePeak = (): PeakReading => {
  const spec = INSTANCE_CLASSES[DEFAULT_FULL_LOAD_CLASS];
  const capacity = { ...spec, allocatedStorageGiB: 50 };
  const workload = REFERENCE_WORKLOAD;
  const fullLoadSeconds = workload.fullLoadHours * 3600;
  const cached = workload.changesPerSecond * fullLoadSeconds;
  const rowsPerMinute = workload.tablesLoadingAtOnce * DEFAULT_RATES.rowsPerSecondPerTable * PERIOD_SECONDS;
  const buffered = workload.tablesLoadingAtOnce * BUFFERED_ROWS_PER_TABLE;
  const fullLoadWork: TaskWork = {
    phase: 'full-load',
    rowsRead: rowsPerMinute,
    bytesWritten: rowsPerMinute * DEFAULT_ROW_BYTES * DEFAULT_RATES.compressionRatio,
    rowsBuffered: buffered,
    bytesBuffered: buffered * DEFAULT_ROW_BYTES,
    cdcLatencySourceSeconds: 0,
    cdcLatencyTargetSeconds: 0,
    cdcIncomingChanges: cached,
  };
  const drainPerMinute = ((DEFAULT_RATES.cpuHeadroom * spec.vCpu) / CPU_SECONDS_PER_CHANGE) * PERIOD_SECONDS;
  const minutes: TaskWork[] = Array.from({ length: workload.sampledFullLoadMinutes }, () => fullLoadWork);
  for (let waiting = cached; waiting > 0; waiting -= drainPerMinute) {
    const applied = Math.min(waiting, drainPerMinute);
    const inMemory = Math.min(waiting, CHANGE_MEMORY_LIMIT_ROWS);
    minutes.push({
      phase: 'cdc',
      rowsRead: applied,
      bytesWritten: applied * DEFAULT_ROW_BYTES * DEFAULT_RATES.compressionRatio,
      rowsBuffered: inMemory,
      bytesBuffered: inMemory * DEFAULT_ROW_BYTES,
      cdcLatencySourceSeconds: 0,
      cdcLatencyTargetSeconds: 0,
      cdcIncomingChanges: waiting - applied,
    });
  }
  const start = 0;
  const fullLoadEnd = workload.sampledFullLoadMinutes * PERIOD_SECONDS * 1000;
  const series = (pick: (minute: TaskWork, index: number) => number): Datapoint[] =>
    minutes.map((minute, index) => ({
      at: start + index * PERIOD_SECONDS * 1000,
      value: pick(minute, index),
    }));
  const loads = minutes.map((minute) => instanceLoad(capacity, [minute], PERIOD_SECONDS));
  return peakReadingOf(
    {
      [PEAK_QUERY_IDS.cpu]: series((_, index) => loads[index]?.cpuPercent ?? 0),
      [PEAK_QUERY_IDS.freeableMemory]: series((_, index) => loads[index]?.freeableMemoryBytes ?? 0),
      [PEAK_QUERY_IDS.swap]: series((_, index) => loads[index]?.swapUsageBytes ?? 0),
      [PEAK_QUERY_IDS.cdcCached]: series((minute) => minute.cdcIncomingChanges),
    },
    {
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + minutes.length * PERIOD_SECONDS * 1000).toISOString(),
      fullLoadSeconds,
      fullLoadEndTime: new Date(fullLoadEnd).toISOString(),
    },
    'reference',
  );
};
