/**
 * Every state change the emulator announces, with its DMS shape (docs/dms-behaviour.md §3): EventBridge
 * detail-type, eventType, eventId, category, and the DescribeEvents categories and message. Task events
 * follow captured payloads; instance and endpoint `eventType` names are not published by AWS
 * (docs/dms-behaviour.md §3.1), so consumers should key on eventId.
 */
import { DMS_DETAIL_TYPES, DMS_EVENT_IDS, DMS_TASK_EVENT_TYPES } from '#contracts/events';

export type DmsEventKind =
  | 'instance-creating'
  | 'instance-created'
  | 'instance-deleting'
  | 'instance-deleted'
  | 'class-change-starting'
  | 'class-change-done'
  | 'storage-change-starting'
  | 'storage-change-done'
  | 'instance-rebooting'
  | 'instance-rebooted'
  | 'endpoint-created'
  | 'endpoint-deleted'
  | 'task-created'
  | 'task-started'
  | 'task-stopped'
  | 'task-failed'
  | 'task-modified'
  | 'task-deleted';

export type ResourceKind = 'instance' | 'task' | 'endpoint';

export interface DmsEventSpec {
  readonly resource: ResourceKind;
  readonly detailType: string;
  readonly eventType: string;
  readonly eventId?: string;
  /** EventBridge `detail.category` (no spaces). */
  readonly category: string;
  /** DescribeEvents `EventCategories`. */
  readonly categories: readonly string[];
  readonly message: string;
}

const instance = (
  detailType: string,
  eventType: string,
  eventId: string | undefined,
  category: string,
  message: string,
): DmsEventSpec => ({
  resource: 'instance',
  detailType,
  eventType,
  ...(eventId ? { eventId } : {}),
  category,
  categories: [category.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()],
  message,
});

const task = (eventType: string, eventId: string, category: string, message: string): DmsEventSpec => ({
  resource: 'task',
  detailType: DMS_DETAIL_TYPES.taskStateChange,
  eventType,
  eventId,
  category,
  categories: [category.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()],
  message,
});

export const DMS_EVENTS: Readonly<Record<DmsEventKind, DmsEventSpec>> = {
  'instance-creating': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_CREATION_STARTED',
    DMS_EVENT_IDS.instanceCreating,
    'Creation',
    'Replication instance is being created.',
  ),
  'instance-created': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_CREATED',
    DMS_EVENT_IDS.instanceCreated,
    'Creation',
    'Replication instance created.',
  ),
  'instance-deleting': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_DELETION_STARTED',
    DMS_EVENT_IDS.instanceDeleting,
    'Deletion',
    'Replication instance is being deleted.',
  ),
  'instance-deleted': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_DELETED',
    DMS_EVENT_IDS.instanceDeleted,
    'Deletion',
    'Replication instance deleted.',
  ),
  'class-change-starting': instance(
    DMS_DETAIL_TYPES.instanceClassStateChange,
    'REPLICATION_INSTANCE_CLASS_CHANGE_STARTED',
    DMS_EVENT_IDS.classChangeStarting,
    'ConfigurationChange',
    'The replication instance class for this replication instance is being changed.',
  ),
  'class-change-done': instance(
    DMS_DETAIL_TYPES.instanceClassStateChange,
    'REPLICATION_INSTANCE_CLASS_CHANGE_FINISHED',
    DMS_EVENT_IDS.classChangeDone,
    'ConfigurationChange',
    'The replication instance class for this replication instance has changed.',
  ),
  'storage-change-starting': instance(
    DMS_DETAIL_TYPES.instanceStorageStateChange,
    'REPLICATION_INSTANCE_STORAGE_SCALE_STARTED',
    DMS_EVENT_IDS.storageChangeStarting,
    'ConfigurationChange',
    'The storage for the replication instance is being increased.',
  ),
  'storage-change-done': instance(
    DMS_DETAIL_TYPES.instanceStorageStateChange,
    'REPLICATION_INSTANCE_STORAGE_SCALE_FINISHED',
    DMS_EVENT_IDS.storageChangeDone,
    'ConfigurationChange',
    'The storage for the replication instance has been increased.',
  ),
  // DMS documents no event id for a plain reboot.
  'instance-rebooting': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_REBOOT_STARTED',
    undefined,
    'StateChange',
    'Replication instance is being rebooted.',
  ),
  'instance-rebooted': instance(
    DMS_DETAIL_TYPES.instanceStateChange,
    'REPLICATION_INSTANCE_REBOOTED',
    undefined,
    'StateChange',
    'Replication instance rebooted.',
  ),
  'endpoint-created': {
    resource: 'endpoint',
    detailType: DMS_DETAIL_TYPES.endpointStateChange,
    eventType: 'REPLICATION_ENDPOINT_CREATED',
    category: 'Creation',
    categories: ['creation'],
    message: 'The endpoint has been created.',
  },
  'endpoint-deleted': {
    resource: 'endpoint',
    detailType: DMS_DETAIL_TYPES.endpointStateChange,
    eventType: 'REPLICATION_ENDPOINT_DELETED',
    category: 'Deletion',
    categories: ['deletion'],
    message: 'The endpoint has been deleted.',
  },
  'task-created': task(
    DMS_TASK_EVENT_TYPES.created,
    DMS_EVENT_IDS.taskCreated,
    'Creation',
    'The replication task has been created.',
  ),
  'task-started': task(
    DMS_TASK_EVENT_TYPES.started,
    DMS_EVENT_IDS.taskStarted,
    'StateChange',
    'Replication task started.',
  ),
  'task-stopped': task(
    DMS_TASK_EVENT_TYPES.stopped,
    DMS_EVENT_IDS.taskStopped,
    'StateChange',
    'Replication task has stopped.',
  ),
  'task-failed': task(
    DMS_TASK_EVENT_TYPES.failed,
    DMS_EVENT_IDS.taskFailed,
    'Failure',
    'Replication task failed.',
  ),
  'task-modified': task(
    'REPLICATION_TASK_MODIFIED',
    DMS_EVENT_IDS.taskModified,
    'ConfigurationChange',
    'The replication task has been modified.',
  ),
  'task-deleted': task(
    DMS_TASK_EVENT_TYPES.deleted,
    DMS_EVENT_IDS.taskDeleted,
    'Deletion',
    'The replication task has been deleted.',
  ),
};
