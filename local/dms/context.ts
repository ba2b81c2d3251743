/** What every operation module and lifecycle step works with: the state, the clock and the emulator's services. */
import type { Clock } from '../clock.ts';
import type { Durations, Quotas } from './durations.ts';
import type { EventPublisher } from './events/publisher.ts';
import type { FaultInjector } from './faults/injector.ts';
import type { TaskRunner } from './lifecycle/task-runner.ts';
import type { Timers } from './lifecycle/timers.ts';
import type { StateData } from './state/records.ts';
import type { ConnectionTestResult, EndpointDescription, Workload } from './workload.ts';

export interface DmsConfig {
  readonly region: string;
  readonly account: string;
  readonly seed: string;
  readonly engineVersion: string;
  readonly durations: Durations;
  readonly quotas: Quotas;
}

/** Picks the workload for an endpoint: the task's source endpoint for runs, the tested endpoint for TestConnection. */
export type WorkloadResolver = (endpoint: EndpointDescription) => Workload | Promise<Workload>;

export interface DmsContext {
  readonly config: DmsConfig;
  readonly clock: Clock;
  readonly state: StateData;
  readonly timers: Timers;
  readonly events: EventPublisher;
  readonly runner: TaskRunner;
  readonly faults: FaultInjector;
  readonly workloadFor: WorkloadResolver;
  /** Connection tests in flight, by `<instance ARN>|<endpoint ARN>` (not persisted: a restart re-runs them). */
  readonly connectionTests: Map<string, Promise<ConnectionTestResult>>;
  /** A new resource id for an ARN (deterministic under the seed). */
  nextResourceId(): string;
  /** Marks the state changed (persistence). */
  changed(): void;
}
