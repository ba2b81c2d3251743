/**
 * The demo's sources are tiny next to a production database, and a fast clock shrinks the rate at which their
 * changes reach the emulator's load model. So that a write spike a laptop can produce looks to CloudWatch like the
 * spike of a busy production database (and drives a real alarm), the demo reports each CDC change to the load model
 * `factor` times. Full-load work is reported as it is, so the step-down after the full load sizes from honest
 * figures. This is local configuration: lakeshift's handlers and the data plane run unchanged.
 */
import type { TaskContext, Workload, WorkloadSample } from '../dms/workload.ts';

export const amplifyCdcLoad = (workload: Workload, factor: number): Workload => {
  if (!(factor >= 1)) throw new RangeError(`factor: must be >= 1, got ${factor}`);
  return {
    testConnection: (endpoint) => workload.testConnection(endpoint),
    run: (ctx) => {
      let inCdc = ctx.migrationType === 'cdc' || ctx.startType === 'resume-processing';
      const amplified = (sample: WorkloadSample): WorkloadSample =>
        inCdc
          ? { ...sample, rowsRead: sample.rowsRead * factor, bytesWritten: sample.bytesWritten * factor }
          : sample;
      const wrapped = new Proxy(ctx, {
        get(target, property) {
          if (property === 'reportSample')
            return (sample: WorkloadSample) => target.reportSample(amplified(sample));
          if (property === 'reportFullLoadFinished') {
            return () => {
              inCdc = true;
              target.reportFullLoadFinished();
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) satisfies TaskContext;
      return workload.run(wrapped);
    },
  };
};
