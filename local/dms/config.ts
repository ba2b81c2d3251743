/** The emulator's fixed settings, and how it picks the workload behind an endpoint. */
import type { Durations, Quotas } from './durations.ts';
import type { EndpointDescription, Workload } from './workload.ts';

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
