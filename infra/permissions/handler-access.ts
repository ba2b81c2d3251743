/**
 * What each handler may do, and nothing more. One line per handler in HANDLER_NAMES (the Record type makes a new
 * handler fail the type check until it is given its access). The statements are built from this table by
 * handler-statements.ts.
 */
import type { HandlerName } from '#contracts/names';

/** DMS creates: allowed only when the request carries the lakeshift tags. */
export const DMS_CREATE_ACTIONS = {
  instance: 'dms:CreateReplicationInstance',
  endpoint: 'dms:CreateEndpoint',
  task: 'dms:CreateReplicationTask',
  certificate: 'dms:ImportCertificate',
} as const;
export type DmsCreate = keyof typeof DMS_CREATE_ACTIONS;

/** DMS actions on existing resources, with the resource types they act on (service authorization reference). */
export const DMS_MANAGE_ACTIONS = {
  'dms:ModifyReplicationInstance': ['rep'],
  'dms:DeleteReplicationInstance': ['rep'],
  'dms:DeleteEndpoint': ['endpoint'],
  'dms:TestConnection': ['endpoint', 'rep'],
  'dms:StartReplicationTask': ['task'],
  'dms:StopReplicationTask': ['task'],
  'dms:DeleteReplicationTask': ['task'],
  'dms:DeleteCertificate': ['cert'],
  'dms:ReloadTables': ['task'],
  'dms:DescribeTableStatistics': ['task'],
} as const satisfies Record<string, readonly DmsResourceType[]>;
export type DmsManageAction = keyof typeof DMS_MANAGE_ACTIONS;

/** DMS describe actions: they take no resource-level permissions, so they cannot be scoped by ARN or tag. */
export const DMS_DESCRIBE_ACTIONS = [
  'dms:DescribeReplicationInstances',
  'dms:DescribeEndpoints',
  'dms:DescribeConnections',
  'dms:DescribeReplicationTasks',
  'dms:DescribeEvents',
  'dms:DescribeCertificates',
  'dms:DescribeAccountAttributes',
] as const;
export type DmsDescribeAction = (typeof DMS_DESCRIBE_ACTIONS)[number];

/**
 * DMS ARN resource types: `arn:aws:dms:<region>:<account>:<type>:<id>` (`subgrp` is the replication subnet group,
 * named by its identifier; `cert` a certificate).
 */
export type DmsResourceType = 'rep' | 'endpoint' | 'task' | 'subgrp' | 'cert';

/** `reset` puts an alarm back to OK (SetAlarmState) so that CloudWatch evaluates it afresh. */
export type AlarmAccess = 'put' | 'delete' | 'describe' | 'reset';

/**
 * The lake's objects under the deployment's folder (a table resync, docs/lake.md "Resync"): list keys, read objects
 * (a copy's source, a generation manifest), write objects (a copy, a manifest), delete objects.
 */
export type LakeObjectAccess = 'list' | 'read' | 'write' | 'delete';

export interface HandlerAccess {
  readonly dmsCreate?: readonly DmsCreate[];
  readonly dmsManage?: readonly DmsManageAction[];
  readonly dmsDescribe?: readonly DmsDescribeAction[];
  /** Read the tags of DMS resources (adoption compares them before taking a resource over). */
  readonly dmsListTags?: boolean;
  /** Pass the DMS S3 and Secrets Manager access roles to DMS (endpoint creation). */
  readonly passDmsRoles?: boolean;
  readonly registry?: 'read' | 'readWrite';
  readonly publishEvents?: boolean;
  /** Complete the task tokens of state machines that wait for one. */
  readonly completeTaskTokens?: boolean;
  /** List and stop the executions of the state machines that work on one database (teardown stops them first). */
  readonly stopDatabaseExecutions?: boolean;
  /** lakeshift's own CloudWatch alarms (names starting with ALARM_NAME_PREFIX). */
  readonly alarms?: readonly AlarmAccess[];
  /** The per-database replication-slot alarms (names starting with SLOT_ALARM_NAME_PREFIX). */
  readonly slotAlarms?: readonly AlarmAccess[];
  readonly readMetrics?: boolean;
  /**
   * The lake's Glue databases and tables (names starting with GLUE_DATABASE_PREFIX): create and update them, or
   * delete a database with its tables; `switchView`: read one table, and create, replace or delete one (a resync's
   * view and its `<table>_previous`).
   */
  readonly lakeCatalog?: 'write' | 'delete' | 'switchView';
  readonly lakeObjects?: readonly LakeObjectAccess[];
  /**
   * Read source credentials and connect to sources. Not listed here: it holds for SOURCE_HANDLER_NAMES, whose
   * copies run inside each network (HandlerFunctions sets it).
   */
  readonly connectsToSources?: boolean;
  /** Read the secrets the config admits without connecting to sources (CA certificates). */
  readonly readsSourceSecrets?: boolean;
  readonly timeoutSeconds?: number;
}

export const HANDLER_ACCESS: Readonly<Record<HandlerName, HandlerAccess>> = {
  // Reads each database's attempt, and for a retry the request it was planned from; compares what the databases it
  // starts would create with the account's DMS quotas.
  'validate-request': { registry: 'read', dmsDescribe: ['dms:DescribeAccountAttributes'] },
  'plan-database': { registry: 'readWrite', publishEvents: true },
  'ensure-replication-instance': {
    dmsCreate: ['instance'],
    dmsDescribe: ['dms:DescribeReplicationInstances'],
    dmsListTags: true,
    registry: 'readWrite',
  },
  'ensure-endpoints': {
    dmsCreate: ['endpoint', 'certificate'],
    dmsDescribe: ['dms:DescribeEndpoints', 'dms:DescribeCertificates'],
    // A verify-ca/verify-full source's CA certificate may be a secret the config admits.
    readsSourceSecrets: true,
    dmsListTags: true,
    passDmsRoles: true,
    registry: 'readWrite',
  },
  // Only the DMS API: it runs outside the networks, which have no route to DMS.
  'test-connections': { dmsManage: ['dms:TestConnection'] },
  // Reads the plan, then inspects the source's catalogue for the pre-flight warnings, inside the network.
  'inspect-toast-exposure': { registry: 'read' },
  'ensure-task': {
    dmsCreate: ['task'],
    dmsDescribe: ['dms:DescribeReplicationTasks'],
    dmsListTags: true,
    registry: 'readWrite',
  },
  // Resync (docs/lake.md, "Resync"): checks the task migrates the table, then takes the table's lock.
  'begin-table-resync': { dmsManage: ['dms:DescribeTableStatistics'], registry: 'readWrite' },
  // Copies the table's files to the generations folder and writes the manifest (reads it first).
  'freeze-table-generation': {
    registry: 'read',
    lakeObjects: ['list', 'read', 'write'],
    timeoutSeconds: 900,
  },
  'switch-table-view': { registry: 'read', lakeCatalog: 'switchView' },
  'reload-table': { dmsManage: ['dms:ReloadTables'], registry: 'read' },
  // Reads the manifest and deletes the previous generation's leftovers from the table's folder.
  'prune-table-generation': {
    registry: 'read',
    lakeObjects: ['list', 'read', 'delete'],
    timeoutSeconds: 900,
  },
  'end-table-resync': { registry: 'readWrite', publishEvents: true },
  'start-task': {
    dmsManage: ['dms:StartReplicationTask'],
    dmsDescribe: ['dms:DescribeReplicationTasks', 'dms:DescribeReplicationInstances'],
    registry: 'read',
  },
  // A resync's wait reads the reloaded table's statistics.
  'describe-resources': {
    dmsManage: ['dms:DescribeTableStatistics'],
    dmsDescribe: [
      'dms:DescribeReplicationInstances',
      'dms:DescribeConnections',
      'dms:DescribeReplicationTasks',
    ],
  },
  'await-full-load': { registry: 'readWrite' },
  // A stop event without a stop reason in its message is decided by the task's StopReason (DescribeReplicationTasks).
  'on-task-event': {
    dmsDescribe: ['dms:DescribeReplicationTasks'],
    registry: 'readWrite',
    publishEvents: true,
    completeTaskTokens: true,
  },
  'decide-resize': {
    dmsDescribe: ['dms:DescribeReplicationTasks', 'dms:DescribeReplicationInstances'],
    registry: 'readWrite',
    publishEvents: true,
    readMetrics: true,
    alarms: ['reset'],
  },
  'stop-task': {
    dmsManage: ['dms:StopReplicationTask'],
    dmsDescribe: ['dms:DescribeReplicationTasks'],
  },
  'modify-instance': { dmsManage: ['dms:ModifyReplicationInstance'], registry: 'read' },
  'arm-alarms': { alarms: ['put', 'reset'], registry: 'read' },
  // Times a class change by the instance's configuration-change events.
  'record-phase': { dmsDescribe: ['dms:DescribeEvents'], registry: 'readWrite', publishEvents: true },
  reconcile: {
    dmsManage: ['dms:StartReplicationTask'],
    dmsDescribe: ['dms:DescribeReplicationTasks', 'dms:DescribeReplicationInstances'],
    registry: 'readWrite',
    // Re-evaluates resize alarms left in ALARM past their window.
    alarms: ['describe', 'reset'],
    completeTaskTokens: true,
    // Keeps each database's retained-WAL alarm (the slot metrics go out as embedded-metric-format log lines).
    slotAlarms: ['put'],
    publishEvents: true,
    timeoutSeconds: 300,
  },
  'delete-task': { dmsManage: ['dms:DeleteReplicationTask'] },
  'delete-endpoints': { dmsManage: ['dms:DeleteEndpoint'] },
  // Reads the instance first: one already deleting is not deleted again.
  'delete-instance': {
    dmsManage: ['dms:DeleteReplicationInstance'],
    dmsDescribe: ['dms:DescribeReplicationInstances'],
  },
  // Teardown: takes the resize lock, then stops the database's migrate-database, resize-instance and resync-table executions.
  'stop-database-executions': { registry: 'readWrite', stopDatabaseExecutions: true },
  // Teardown: what DMS holds under the database's deterministic identifiers, after its executions stopped.
  'find-database-resources': {
    dmsDescribe: [
      'dms:DescribeReplicationInstances',
      'dms:DescribeEndpoints',
      'dms:DescribeReplicationTasks',
    ],
    registry: 'read',
  },
  // Pre-flight: reads the source's catalogue with the secret's credentials, before anything is created.
  'inspect-source': {},
  // Reads the plan from the registry, then connects to the source: it needs DynamoDB from inside the network.
  'drop-replication-slot': { registry: 'read' },
  'disarm-alarms': { alarms: ['delete'], slotAlarms: ['delete'] },
  // Reads the source's slots around the first start and records the task's one.
  'record-replication-slot': { registry: 'readWrite' },
  // Reads each recorded slot on its source and writes what it found to the registry.
  'delete-certificate': { dmsManage: ['dms:DeleteCertificate'], registry: 'read' },
  'inspect-replication-slots': { registry: 'readWrite', timeoutSeconds: 300 },
  // Reads the replicated tables' columns from the source, inside the network, as drop-replication-slot does.
  'read-source-tables': { registry: 'read' },
  // Writes the lake's catalog from what read-source-tables found, outside the network; reports schema changes.
  'publish-catalog': { registry: 'read', publishEvents: true, lakeCatalog: 'write' },
  // Deletes the database's Glue catalog at teardown (the lake's files stay).
  'delete-catalog': { lakeCatalog: 'delete' },
  // Lists the databases in CDC for the scheduled catalog refresh.
  'list-cdc-databases': { registry: 'read' },
};
