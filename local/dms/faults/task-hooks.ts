/**
 * Fault injection into task runs as hooks at named points: the lifecycle asks the hooks at each point whether the
 * run fails there, and knows nothing of fault rules. `NO_TASK_FAULTS` never fails a run; `taskFaultHooks` answers
 * from the configured rules of a FaultInjector.
 */
import type { StuckModification, TaskFailurePoint } from './config.ts';

export type { StuckModification } from './config.ts';

import type { FaultInjector, TaskRunInfo } from './injector.ts';

/** How an injected fault fails a run: DMS's stop reason and the "Last Error" text. */
export interface TaskFault {
  readonly stopReason: 'RECOVERABLE_ERROR' | 'FATAL_ERROR';
  readonly message: string;
}

/** A fault due some emulated time after a run began; `check` says, when the time has come, whether it fires. */
export interface DelayedTaskFault {
  readonly afterMs: number;
  check(): TaskFault | undefined;
}

export interface TaskFaultHooks {
  /** The start delay is over and the task is about to run its workload. */
  beforeRun(task: TaskRunInfo): TaskFault | undefined;
  /** A run (first start, retry or resume) has begun in `phase`. */
  runBegan(task: TaskRunInfo, phase: 'full-load' | 'cdc'): TaskFault | undefined;
  /** Faults that fire some time after a run began. */
  delayedFaults(task: TaskRunInfo): readonly DelayedTaskFault[];
  /** The full load reached `percent`. */
  fullLoadProgressed(task: TaskRunInfo, percent: number): TaskFault | undefined;
  /** The full load reached `percent`: true when it stops advancing there while the task stays `running`. */
  fullLoadStalls(task: TaskRunInfo, percent: number): boolean;
  /** The full load finished and the task goes on with CDC. */
  cdcBegan(task: TaskRunInfo): TaskFault | undefined;
  /** A class change of the instance its tasks run on (named by ARN and identifier) is due: how it never applies, if so. */
  stuckModification(instance: readonly string[]): StuckModification | undefined;
}

export const NO_TASK_FAULTS: TaskFaultHooks = {
  beforeRun: () => undefined,
  runBegan: () => undefined,
  delayedFaults: () => [],
  fullLoadProgressed: () => undefined,
  fullLoadStalls: () => false,
  cdcBegan: () => undefined,
  stuckModification: () => undefined,
};

export const taskFaultHooks = (injector: FaultInjector): TaskFaultHooks => {
  const at = (
    task: TaskRunInfo,
    point: TaskFailurePoint | 'progress',
    progress = 0,
  ): TaskFault | undefined => {
    const rule = injector.taskFailure(task, point, progress);
    if (!rule) return undefined;
    const message =
      rule.message ??
      (rule.stopReason === 'FATAL_ERROR'
        ? 'Error executing source loop (injected fault).'
        : 'ODBC general error (injected fault).');
    return { stopReason: rule.stopReason, message };
  };
  return {
    beforeRun: (task) => at(task, 'starting'),
    runBegan: (task, phase) => at(task, 'running') ?? at(task, phase),
    delayedFaults: (task) =>
      injector.delayedTaskFailures(task).flatMap((rule) => {
        const point = rule.at;
        if (typeof point !== 'object' || !('afterMs' in point)) return [];
        return [{ afterMs: point.afterMs, check: () => at(task, point) }];
      }),
    fullLoadProgressed: (task, percent) => at(task, 'progress', percent),
    fullLoadStalls: (task, percent) => injector.fullLoadStalls(task, percent),
    cdcBegan: (task) => at(task, 'cdc'),
    stuckModification: (instance) => injector.stuckModification(instance),
  };
};
