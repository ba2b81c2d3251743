/** What the lifecycle's steps work with: the environment, the durable timers and the task runner. */
import type { LifecycleEnvironment } from './environment.ts';
import type { TaskRunner } from './task-runner.ts';
import type { Timers } from './timers.ts';

export interface LifecycleScope extends LifecycleEnvironment {
  readonly timers: Timers;
  readonly runner: TaskRunner;
}
