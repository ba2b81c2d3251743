/**
 * The load model: how busy a replication instance looks (CPU, memory, swap, storage, I/O) given the work its tasks
 * reported over one period and the instance class's vCPU and memory. Pure; README.md explains the constants.
 * The same model serves the synthetic workload and the PostgreSQL data plane, since both report work the same way.
 */

/** CPU-seconds to read, convert and write one full-load row (≈25,000 rows/s saturate one vCPU). */
export const CPU_SECONDS_PER_ROW = 4e-5;
/**
 * CPU-seconds to capture, sort and apply one CDC change (≈2,500 changes/s saturate one vCPU): a change costs about ten
 * times a bulk-loaded row (decoding, transaction sorting, per-change batching).
 */
export const CPU_SECONDS_PER_CHANGE = 4e-4;
/** CPU-seconds per byte written to the target (compression, encoding: ≈500 MB/s per vCPU). */
export const CPU_SECONDS_PER_BYTE = 2e-9;
/** Idle CPU of the replication engine and OS, percent of the instance. */
export const IDLE_CPU_PERCENT = 2;
/** Each running task's own overhead (sorter, heartbeats), percent of one vCPU. */
export const TASK_IDLE_CPU_PERCENT = 1;
/** OS plus replication engine resident memory. */
export const ENGINE_BASE_BYTES = 768 * 2 ** 20;
/** A running task's baseline memory (stream buffers, metadata). */
export const TASK_BASE_BYTES = 256 * 2 ** 20;
/** Memory held per buffered row beyond its payload bytes. */
export const BUFFERED_ROW_OVERHEAD_BYTES = 200;
/** Share of the memory not in use that the page cache holds (counted as freeable, not free). */
export const PAGE_CACHE_SHARE = 0.75;
/** Memory use above this share of physical memory spills to swap. */
export const SWAP_THRESHOLD = 0.95;
/** Bytes per I/O operation on the instance's gp2 volume. */
const IO_BYTES = 64 * 1024;
/** Bytes on the wire per row read from the source. */
const NETWORK_BYTES_PER_ROW = 300;

export type TaskPhase = 'full-load' | 'cdc';

/** One task's work over the period (sums for flows, last values for levels). */
export interface TaskWork {
  readonly phase: TaskPhase;
  readonly rowsRead: number;
  readonly bytesWritten: number;
  readonly rowsBuffered: number;
  readonly bytesBuffered: number;
  readonly cdcLatencySourceSeconds: number;
  readonly cdcLatencyTargetSeconds: number;
  readonly cdcIncomingChanges: number;
}

export interface InstanceCapacity {
  readonly vCpu: number;
  readonly memoryGiB: number;
  readonly allocatedStorageGiB: number;
}

export interface TaskLoad {
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  readonly swapBytes: number;
  readonly rowsPerSecond: number;
  readonly bandwidthKBps: number;
}

export interface InstanceLoad {
  readonly cpuPercent: number;
  readonly freeableMemoryBytes: number;
  readonly freeMemoryBytes: number;
  readonly availableMemoryBytes: number;
  readonly swapUsageBytes: number;
  readonly freeStorageBytes: number;
  readonly readIops: number;
  readonly writeIops: number;
  readonly readThroughputBytes: number;
  readonly writeThroughputBytes: number;
  readonly networkReceiveBytes: number;
  readonly networkTransmitBytes: number;
  readonly tasks: readonly TaskLoad[];
}

const GIB = 2 ** 30;

export const taskLoad = (work: TaskWork, periodSeconds: number, swapShare: number): TaskLoad => {
  const perRow = work.phase === 'cdc' ? CPU_SECONDS_PER_CHANGE : CPU_SECONDS_PER_ROW;
  const cpuSeconds = work.rowsRead * perRow + work.bytesWritten * CPU_SECONDS_PER_BYTE;
  const memoryBytes = TASK_BASE_BYTES + work.bytesBuffered + work.rowsBuffered * BUFFERED_ROW_OVERHEAD_BYTES;
  return {
    cpuPercent: TASK_IDLE_CPU_PERCENT + (100 * cpuSeconds) / periodSeconds,
    memoryBytes,
    swapBytes: memoryBytes * swapShare,
    rowsPerSecond: work.rowsRead / periodSeconds,
    bandwidthKBps: work.bytesWritten / 1024 / periodSeconds,
  };
};

export const instanceLoad = (
  capacity: InstanceCapacity,
  work: readonly TaskWork[],
  periodSeconds: number,
): InstanceLoad => {
  const physical = capacity.memoryGiB * GIB;
  const preliminary = work.map((item) => taskLoad(item, periodSeconds, 0));
  const used = ENGINE_BASE_BYTES + preliminary.reduce((sum, task) => sum + task.memoryBytes, 0);
  const swap = Math.max(0, used - SWAP_THRESHOLD * physical);
  const tasks = work.map((item) => taskLoad(item, periodSeconds, used > 0 ? swap / used : 0));
  const resident = Math.min(used, SWAP_THRESHOLD * physical);
  const available = Math.max(0, physical - resident);
  const busyCpu = tasks.reduce((sum, task) => sum + task.cpuPercent, 0) / capacity.vCpu;
  const rowsRead = work.reduce((sum, item) => sum + item.rowsRead, 0);
  const bytesWritten = work.reduce((sum, item) => sum + item.bytesWritten, 0);
  // Swap and CDC changes spilled beyond memory live on the instance's disk.
  const spilledBytes =
    swap + work.reduce((sum, item) => sum + Math.max(0, item.bytesBuffered - physical / 4), 0);
  const readBytesPerSecond = swap > 0 ? swap / periodSeconds / 10 : 0;
  const writeBytesPerSecond = (bytesWritten * 0.1) / periodSeconds + readBytesPerSecond;
  return {
    cpuPercent: Math.min(100, IDLE_CPU_PERCENT + busyCpu),
    availableMemoryBytes: available,
    // Free memory plus page cache: everything the kernel could hand to the engine.
    freeableMemoryBytes: available,
    freeMemoryBytes: available * (1 - PAGE_CACHE_SHARE),
    swapUsageBytes: swap,
    freeStorageBytes: Math.max(0, capacity.allocatedStorageGiB * GIB * 0.97 - spilledBytes),
    readIops: readBytesPerSecond / IO_BYTES,
    writeIops: writeBytesPerSecond / IO_BYTES + 0.5,
    readThroughputBytes: readBytesPerSecond,
    writeThroughputBytes: writeBytesPerSecond,
    networkReceiveBytes: (rowsRead * NETWORK_BYTES_PER_ROW) / periodSeconds,
    networkTransmitBytes: bytesWritten / periodSeconds,
    tasks,
  };
};
