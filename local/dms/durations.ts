/**
 * How long DMS takes for each lifecycle step, in emulated milliseconds. The reasoning and sources are in README.md;
 * a fast clock turns minutes into seconds, and tests override any of them.
 */
export interface Durations {
  readonly instanceCreate: number;
  readonly instanceClassChange: number;
  readonly instanceStorageChange: number;
  readonly instanceReboot: number;
  readonly instanceDelete: number;
  readonly endpointDelete: number;
  readonly connectionTest: number;
  readonly taskCreate: number;
  readonly taskStart: number;
  readonly taskStop: number;
  readonly taskModify: number;
  readonly taskDelete: number;
}

const MINUTE = 60_000;

export const DEFAULT_DURATIONS: Durations = {
  instanceCreate: 12 * MINUTE,
  instanceClassChange: 10 * MINUTE,
  instanceStorageChange: 5 * MINUTE,
  instanceReboot: 4 * MINUTE,
  instanceDelete: 5 * MINUTE,
  endpointDelete: 10_000,
  connectionTest: 30_000,
  taskCreate: MINUTE,
  taskStart: MINUTE,
  taskStop: 30_000,
  taskModify: 15_000,
  taskDelete: MINUTE,
};

export interface Quotas {
  readonly replicationInstances: number;
  /** Total allocated storage of all instances, GB. */
  readonly allocatedStorage: number;
  readonly endpoints: number;
  readonly endpointsPerInstance: number;
  readonly replicationTasks: number;
  readonly tasksPerInstance: number;
  readonly subnetGroups: number;
  readonly subnetsPerSubnetGroup: number;
}

/** Default per-account, per-region quotas (docs/dms-behaviour.md §8.2). */
export const DEFAULT_QUOTAS: Quotas = {
  replicationInstances: 60,
  allocatedStorage: 30_000,
  endpoints: 1_000,
  endpointsPerInstance: 100,
  replicationTasks: 600,
  tasksPerInstance: 200,
  subnetGroups: 60,
  subnetsPerSubnetGroup: 60,
};
