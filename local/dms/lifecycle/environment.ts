/** What the lifecycle works with: the settings, the state, the clock, events, workloads and the fault hooks. */
import type { Clock } from '../../clock.ts';
import type { DmsConfig, WorkloadResolver } from '../config.ts';
import type { EventPublisher } from '../events/publisher.ts';
import type { ReloadGate } from '../faults/reload-gate.ts';
import type { TaskFaultHooks } from '../faults/task-hooks.ts';
import type { StateData } from '../state/records.ts';

export interface LifecycleEnvironment {
  readonly config: DmsConfig;
  readonly clock: Clock;
  readonly state: StateData;
  readonly events: EventPublisher;
  readonly faults: TaskFaultHooks;
  /** Where table reloads may be held (docs: local/dms/README.md). */
  readonly reloads?: ReloadGate;
  readonly workloadFor: WorkloadResolver;
  /** Marks the state changed (persistence). */
  changed(): void;
}
