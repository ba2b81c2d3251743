/** The local DMS emulator: what the local AWS, scripts, benches and tests import. */
export type { DmsConfig, WorkloadResolver } from './config.ts';
export { DEFAULT_DURATIONS, DEFAULT_QUOTAS, type Durations, type Quotas } from './durations.ts';
export { createDmsEmulator, DMS_TARGET_PREFIX, DmsEmulator, type DmsEmulatorOptions } from './emulator.ts';
export type { DmsEventBridgeEvent, DmsEventDetail, DmsEventSink } from './events/publisher.ts';
export type {
  ApiFaultKind,
  ApiFaultRule,
  DmsFaultConfig,
  EventFaultRule,
  TaskFailurePoint,
  TaskFailureRule,
} from './faults/config.ts';
export {
  type ReloadAtPoint,
  ReloadGate,
  type ReloadHoldRule,
  type ReloadPoint,
} from './faults/reload-gate.ts';
export { DMS_TOKEN_BUCKET, type TokenBucketConfig } from './faults/token-bucket.ts';
export { DMS_NAMESPACE, type MetricBatch, type MetricDatum, type MetricSink } from './metrics/publisher.ts';
export { includeAllTables } from './settings/table-mappings.ts';
export {
  createSyntheticWorkload,
  isSyntheticEndpoint,
  type SimulationRates,
  type SyntheticDatabase,
  type SyntheticTable,
  type SyntheticWorkload,
  type SyntheticWorkloadOptions,
} from './synthetic-workload.ts';
export type * from './workload.ts';
export { routeWorkloads, type WorkloadRoutes } from './workload-router.ts';
