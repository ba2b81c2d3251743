import { describe, expect, it } from 'vitest';
import { amplifyCdcLoad } from '#local/demo/amplify';
import type { TaskContext, Workload, WorkloadSample } from '#local/dms/workload';

const sample = (rowsRead: number): WorkloadSample => ({
  rowsRead,
  bytesWritten: rowsRead * 10,
  rowsBuffered: 3,
  bytesBuffered: 4,
});

/** A context that records what reaches the emulator; only the members the workload below touches are real. */
const recordingContext = (startType: TaskContext['startType']) => {
  const reported: WorkloadSample[] = [];
  const events: string[] = [];
  const ctx = {
    taskArn: 'arn:aws:dms:us-east-1:000000000000:task:ABC',
    migrationType: 'full-load-and-cdc',
    startType,
    reportSample: (s: WorkloadSample) => reported.push(s),
    reportFullLoadFinished: () => events.push('finished'),
    saveCheckpoint: (checkpoint: string) => events.push(`checkpoint ${checkpoint}`),
  } as unknown as TaskContext;
  return { ctx, reported, events };
};

/** Reports a full-load sample, finishes the full load, reports a CDC sample, saves a checkpoint. */
const scripted: Workload = {
  testConnection: async () => ({ ok: true }),
  run: async (ctx) => {
    ctx.reportSample(sample(100));
    ctx.reportFullLoadFinished();
    ctx.reportSample(sample(7));
    ctx.saveCheckpoint(ctx.taskArn);
    return undefined;
  },
};

describe('amplifyCdcLoad', () => {
  it('reports CDC work factor times and full-load work as it is', async () => {
    // Prepare
    const { ctx, reported, events } = recordingContext('start-replication');
    // Act
    await amplifyCdcLoad(scripted, 50).run(ctx);
    // Assess
    expect(reported).toEqual([sample(100), { ...sample(7), rowsRead: 350, bytesWritten: 3500 }]);
    expect(events).toEqual(['finished', 'checkpoint arn:aws:dms:us-east-1:000000000000:task:ABC']);
  });

  it('amplifies from the start when a task resumes into CDC', async () => {
    // Prepare
    const { ctx, reported } = recordingContext('resume-processing');
    const cdcOnly: Workload = { ...scripted, run: async (c) => void c.reportSample(sample(2)) };
    // Act
    await amplifyCdcLoad(cdcOnly, 10).run(ctx);
    // Assess
    expect(reported.map((s) => s.rowsRead)).toEqual([20]);
  });

  it('refuses a factor below one', () => {
    expect(() => amplifyCdcLoad(scripted, 0.5)).toThrow('factor: must be >= 1, got 0.5');
  });
});
