import { describe, expect, it } from 'vitest';
import {
  CPU_SECONDS_PER_CHANGE,
  CPU_SECONDS_PER_ROW,
  ENGINE_BASE_BYTES,
  IDLE_CPU_PERCENT,
  instanceLoad,
  TASK_BASE_BYTES,
  TASK_IDLE_CPU_PERCENT,
  type TaskWork,
} from '#local/dms/metrics/load-model';

const GIB = 2 ** 30;
const idle: TaskWork = {
  phase: 'cdc',
  rowsRead: 0,
  bytesWritten: 0,
  rowsBuffered: 0,
  bytesBuffered: 0,
  cdcLatencySourceSeconds: 0,
  cdcLatencyTargetSeconds: 0,
  cdcIncomingChanges: 0,
};

describe('instanceLoad', () => {
  it('shows only the idle engine on an instance without tasks', () => {
    // Act
    const load = instanceLoad({ vCpu: 2, memoryGiB: 4, allocatedStorageGiB: 50 }, [], 60);

    // Assess
    expect(load.cpuPercent).toBe(IDLE_CPU_PERCENT);
    expect(load.availableMemoryBytes).toBe(4 * GIB - ENGINE_BASE_BYTES);
    expect(load.swapUsageBytes).toBe(0);
    expect(load.tasks).toEqual([]);
  });

  it('turns CDC changes into CPU by the per-change cost, divided over the vCPUs', () => {
    // Prepare: 1,000 changes/s for a minute.
    const work: TaskWork = { ...idle, rowsRead: 60_000 };

    // Act
    const small = instanceLoad({ vCpu: 2, memoryGiB: 4, allocatedStorageGiB: 50 }, [work], 60);
    const large = instanceLoad({ vCpu: 8, memoryGiB: 64, allocatedStorageGiB: 100 }, [work], 60);

    // Assess
    const taskPercent = TASK_IDLE_CPU_PERCENT + 100 * 1_000 * CPU_SECONDS_PER_CHANGE;
    expect(small.tasks[0]?.cpuPercent).toBeCloseTo(taskPercent, 6);
    expect(small.cpuPercent).toBeCloseTo(IDLE_CPU_PERCENT + taskPercent / 2, 6);
    expect(large.cpuPercent).toBeCloseTo(IDLE_CPU_PERCENT + taskPercent / 8, 6);
  });

  it('charges a full-load row less CPU than a CDC change', () => {
    // Prepare
    const rows = 600_000;

    // Act
    const fullLoad = instanceLoad(
      { vCpu: 4, memoryGiB: 32, allocatedStorageGiB: 100 },
      [{ ...idle, phase: 'full-load', rowsRead: rows }],
      60,
    );
    const cdc = instanceLoad(
      { vCpu: 4, memoryGiB: 32, allocatedStorageGiB: 100 },
      [{ ...idle, rowsRead: rows }],
      60,
    );

    // Assess
    expect(fullLoad.tasks[0]?.cpuPercent).toBeCloseTo(
      TASK_IDLE_CPU_PERCENT + (100 * rows * CPU_SECONDS_PER_ROW) / 60,
      6,
    );
    expect(cdc.cpuPercent).toBeGreaterThan(fullLoad.cpuPercent);
  });

  it('caps instance CPU at 100 percent', () => {
    // Act
    const load = instanceLoad(
      { vCpu: 2, memoryGiB: 4, allocatedStorageGiB: 50 },
      [{ ...idle, rowsRead: 10_000_000 }],
      60,
    );

    // Assess
    expect(load.cpuPercent).toBe(100);
  });

  it('spills memory beyond 95 percent of the class to swap and leaves nothing freeable', () => {
    // Prepare: 4 GiB class, a task buffering 4 GiB.
    const work: TaskWork = { ...idle, bytesBuffered: 4 * GIB };

    // Act
    const load = instanceLoad({ vCpu: 2, memoryGiB: 4, allocatedStorageGiB: 50 }, [work], 60);

    // Assess
    const used = ENGINE_BASE_BYTES + TASK_BASE_BYTES + 4 * GIB;
    expect(load.swapUsageBytes).toBe(used - 0.95 * 4 * GIB);
    expect(load.freeableMemoryBytes).toBeCloseTo(0.05 * 4 * GIB, 0);
  });
});
