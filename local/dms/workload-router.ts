/**
 * Picks the workload behind each endpoint: synthetic sources (see isSyntheticEndpoint) go to the simulation,
 * everything else to the real data plane. The local runtime may pass its own test (e.g. one that reads the source's
 * secret to find the host).
 */
import type { WorkloadResolver } from './config.ts';
import { isSyntheticEndpoint } from './synthetic-workload.ts';
import type { EndpointDescription, Workload } from './workload.ts';

export interface WorkloadRoutes {
  readonly synthetic: Workload;
  readonly other: Workload;
  readonly isSynthetic?: (endpoint: EndpointDescription) => boolean | Promise<boolean>;
}

export const routeWorkloads =
  ({ synthetic, other, isSynthetic = isSyntheticEndpoint }: WorkloadRoutes): WorkloadResolver =>
  async (endpoint) =>
    (await isSynthetic(endpoint)) ? synthetic : other;
