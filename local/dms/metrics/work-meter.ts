/** Collects the work samples each running task reports between two metric periods. */
import type { WorkloadSample } from '../workload.ts';
import type { TaskPhase, TaskWork } from './load-model.ts';

interface Window {
  rowsRead: number;
  bytesWritten: number;
  rowsBuffered: number;
  bytesBuffered: number;
  cdcLatencySourceSeconds: number;
  cdcLatencyTargetSeconds: number;
  cdcIncomingChanges: number;
}

const emptyWindow = (): Window => ({
  rowsRead: 0,
  bytesWritten: 0,
  rowsBuffered: 0,
  bytesBuffered: 0,
  cdcLatencySourceSeconds: 0,
  cdcLatencyTargetSeconds: 0,
  cdcIncomingChanges: 0,
});

export class WorkMeter {
  private readonly windows = new Map<string, Window>();

  record(taskArn: string, sample: WorkloadSample): void {
    const window = this.windows.get(taskArn) ?? emptyWindow();
    window.rowsRead += sample.rowsRead;
    window.bytesWritten += sample.bytesWritten;
    // Levels: the latest report stands for the period.
    window.rowsBuffered = sample.rowsBuffered;
    window.bytesBuffered = sample.bytesBuffered;
    window.cdcIncomingChanges = sample.cdcIncomingChanges ?? window.cdcIncomingChanges;
    window.cdcLatencySourceSeconds = Math.max(
      window.cdcLatencySourceSeconds,
      sample.cdcLatencySourceSeconds ?? 0,
    );
    window.cdcLatencyTargetSeconds = Math.max(
      window.cdcLatencyTargetSeconds,
      sample.cdcLatencyTargetSeconds ?? 0,
    );
    this.windows.set(taskArn, window);
  }

  /** The task's work since the last take; levels carry over to the next period, flows restart at zero. */
  take(taskArn: string, phase: TaskPhase): TaskWork {
    const window = this.windows.get(taskArn) ?? emptyWindow();
    this.windows.set(taskArn, {
      ...emptyWindow(),
      rowsBuffered: window.rowsBuffered,
      bytesBuffered: window.bytesBuffered,
      cdcIncomingChanges: window.cdcIncomingChanges,
    });
    return { phase, ...window };
  }

  forget(taskArn: string): void {
    this.windows.delete(taskArn);
  }
}
