/** Event sources and detail-types: the ones lakeshift consumes and the ones it publishes. */

export const LAKESHIFT_EVENT_SOURCE = 'lakeshift';

/** Detail-types of lakeshift's own events (source `lakeshift`). */
export const LAKESHIFT_DETAIL_TYPES = {
  migrationRequested: 'Migration Requested',
  teardownRequested: 'Teardown Requested',
  retryRequested: 'Retry Requested',
  tableResyncRequested: 'Table Resync Requested',
  /** A table was loaded again and its view reads the new generation (docs/lake.md, "Resync"). */
  tableResynced: 'Table Resynced',
  /** A resync failed; the view stays on the previous generation plus changes, and running it again repairs. */
  tableResyncFailed: 'Table Resync Failed',
  phaseChanged: 'Database Phase Changed',
  resizeDecided: 'Resize Decided',
  instanceResized: 'Replication Instance Resized',
  migrationFailed: 'Migration Failed',
  /** A class change failed after the task was stopped; the detail says whether CDC runs again. */
  resizeFailed: 'Resize Failed',
  planWarning: 'Plan Warning',
  schemaChanged: 'Schema Changed',
  catalogPublished: 'Lake Catalog Published',
  slotInactive: 'Replication Slot Inactive',
} as const;

export type LakeshiftDetailType = (typeof LAKESHIFT_DETAIL_TYPES)[keyof typeof LAKESHIFT_DETAIL_TYPES];

/** One of lakeshift's own events, as built by the domain and published by the events adapter. */
export interface LakeshiftEvent {
  readonly detailType: LakeshiftDetailType;
  readonly detail: Readonly<Record<string, unknown>>;
  /** ISO time of what happened (the caller's `now`), not of publishing. */
  readonly time: string;
  /** ARNs the event is about (task, instance). */
  readonly resources?: readonly string[];
}

export const DMS_EVENT_SOURCE = 'aws.dms';
export const DMS_DETAIL_TYPES = {
  taskStateChange: 'DMS Replication Task State Change',
  instanceStateChange: 'DMS Replication Instance State Change',
  instanceClassStateChange: 'DMS Replication Instance Class State Change',
  instanceStorageStateChange: 'DMS Replication Instance Storage State Change',
  endpointStateChange: 'DMS Replication Endpoint State Change',
} as const;

/** DMS event ids (docs/dms-behaviour.md §3.2) lakeshift acts on or emits locally. */
export const DMS_EVENT_IDS = {
  instanceCreating: 'DMS-EVENT-0067',
  instanceCreated: 'DMS-EVENT-0005',
  instanceDeleting: 'DMS-EVENT-0066',
  instanceDeleted: 'DMS-EVENT-0003',
  classChangeStarting: 'DMS-EVENT-0012',
  classChangeDone: 'DMS-EVENT-0014',
  storageChangeStarting: 'DMS-EVENT-0018',
  storageChangeDone: 'DMS-EVENT-0017',
  taskStarted: 'DMS-EVENT-0069',
  taskStopped: 'DMS-EVENT-0079',
  taskFailed: 'DMS-EVENT-0078',
  taskModified: 'DMS-EVENT-0080',
  taskDeleted: 'DMS-EVENT-0073',
  taskCreated: 'DMS-EVENT-0074',
} as const;

/** `detail.eventType` values of task events (captured payloads, docs/dms-behaviour.md §3.1). */
export const DMS_TASK_EVENT_TYPES = {
  created: 'REPLICATION_TASK_CREATED',
  started: 'REPLICATION_TASK_STARTED',
  stopped: 'REPLICATION_TASK_STOPPED',
  failed: 'REPLICATION_TASK_FAILED',
  deleted: 'REPLICATION_TASK_DELETED',
} as const;

/** DMS stop reasons (without the literal `Stop Reason ` prefix DMS puts in front). */
export const DMS_STOP_REASONS = [
  'NORMAL',
  'RECOVERABLE_ERROR',
  'FATAL_ERROR',
  'FULL_LOAD_ONLY_FINISHED',
  'STOPPED_AFTER_FULL_LOAD',
  'STOPPED_AFTER_CACHED_EVENTS',
  'EXPRESS_LICENSE_LIMITS_REACHED',
  'STOPPED_AFTER_DDL_APPLY',
  'STOPPED_DUE_TO_LOW_MEMORY',
  'STOPPED_DUE_TO_LOW_DISK',
  'STOPPED_AT_SERVER_TIME',
  'STOPPED_AT_COMMIT_TIME',
  'RECONFIGURATION_RESTART',
  'RECYCLE_TASK',
] as const;
export type DmsStopReason = (typeof DMS_STOP_REASONS)[number];

/** Stop reasons that mean "full load and cached changes are done": the step-down boundary. */
export const FULL_LOAD_DONE_STOP_REASONS: readonly DmsStopReason[] = [
  'STOPPED_AFTER_CACHED_EVENTS',
  'FULL_LOAD_ONLY_FINISHED',
  'STOPPED_AFTER_FULL_LOAD',
];

/** Parses `Stop Reason X` out of DMS free text (stop reasons often arrive embedded in an error message). */
export const parseStopReason = (text: string | undefined): string | undefined =>
  text?.match(/Stop Reason (\w+)/)?.[1];

export const CLOUDWATCH_EVENT_SOURCE = 'aws.cloudwatch';
export const CLOUDWATCH_ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

export const SCHEDULE_EVENT_SOURCE = 'aws.events';
export const SCHEDULED_EVENT_DETAIL_TYPE = 'Scheduled Event';
