/** Resource and component names shared by runtime, infra and the local runtime. */

export const APP_NAME = 'lakeshift';

/** Every Lambda handler, by the file name under `functions/handlers/` (without `.ts`). */
export const HANDLER_NAMES = [
  'validate-request',
  'inspect-source',
  'plan-database',
  'ensure-replication-instance',
  'ensure-endpoints',
  'test-connections',
  'inspect-toast-exposure',
  'ensure-task',
  'start-task',
  'record-replication-slot',
  'describe-resources',
  'await-full-load',
  'on-task-event',
  'decide-resize',
  'stop-task',
  'modify-instance',
  'arm-alarms',
  'record-phase',
  'reconcile',
  'delete-task',
  'delete-endpoints',
  'delete-instance',
  'delete-certificate',
  'drop-replication-slot',
  'stop-database-executions',
  'find-database-resources',
  'disarm-alarms',
  'inspect-replication-slots',
  'begin-table-resync',
  'freeze-table-generation',
  'switch-table-view',
  'reload-table',
  'prune-table-generation',
  'end-table-resync',
  'read-source-tables',
  'publish-catalog',
  'delete-catalog',
  'list-cdc-databases',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Path of a handler's source file, relative to the repository root. Infra and the local runtime use it. */
export const handlerSourcePath = (name: HandlerName): string => `functions/handlers/${name}.ts`;

/**
 * ASL definition substitution key for a handler's function ARN, e.g. `ensure-task` -> `EnsureTaskFunctionArn`.
 * Used in `statemachines/*.asl.json` as `${EnsureTaskFunctionArn}`.
 */
export const handlerArnPlaceholder = (name: HandlerName): string =>
  `${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}FunctionArn`;

/** The network a database uses when its request names none, and where its source handlers run then. */
export const DEFAULT_NETWORK_NAME = 'default';

/**
 * Handlers that connect to the source databases. Lambda places a function in one VPC, so the stack deploys one copy
 * of each per configured network, and a state machine invokes the copy of the database's network
 * (docs/source-safety.md, "Networks").
 */
export const SOURCE_HANDLER_NAMES = [
  'inspect-source',
  'inspect-toast-exposure',
  'record-replication-slot',
  'drop-replication-slot',
  'inspect-replication-slots',
  'read-source-tables',
] as const satisfies readonly HandlerName[];
export type SourceHandlerName = (typeof SOURCE_HANDLER_NAMES)[number];

export const isSourceHandler = (name: HandlerName): name is SourceHandlerName =>
  (SOURCE_HANDLER_NAMES as readonly HandlerName[]).includes(name);

/** Lambda's limit on a function name (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html). */
export const FUNCTION_NAME_MAX_LENGTH = 64;

/**
 * The one naming rule of a source handler's copy in a network: `<stack>-<handler>-<network>`, e.g.
 * `lakeshift-drop-replication-slot-default`. The network comes last, so a state machine builds the name from the
 * database's network (`States.Format`) and a copy reads its network back from its own name.
 */
export const sourceFunctionName = (stackName: string, handler: SourceHandlerName, network: string): string =>
  `${stackName}-${handler}-${network}`;

/** The network of a source handler's copy, read from its function name; undefined when the name is not one. */
export const networkOfSourceFunction = (
  handler: SourceHandlerName,
  functionName: string,
): string | undefined => {
  const marker = `-${handler}-`;
  const at = functionName.lastIndexOf(marker);
  const network = at < 0 ? '' : functionName.slice(at + marker.length);
  return network === '' ? undefined : network;
};

/** Where the network name goes in a source function's ARN pattern (a `States.Format` slot). */
export const NETWORK_SLOT = '{}';

/**
 * Substitution key for the ARN pattern of a source handler's copies, e.g. `drop-replication-slot` ->
 * `DropReplicationSlotFunctionArnPattern`; its value is the copies' ARN with NETWORK_SLOT for the network.
 */
export const sourceFunctionArnPatternPlaceholder = (name: SourceHandlerName): string =>
  `${handlerArnPlaceholder(name)}Pattern`;

export const STATE_MACHINE_NAMES = [
  'migrate-fleet',
  'migrate-database',
  'resize-instance',
  'teardown',
  'refresh-catalogs',
  'resync-table',
] as const;
export type StateMachineName = (typeof STATE_MACHINE_NAMES)[number];

/** State machines whose executions work on one database: teardown stops them before it deletes. */
export const DATABASE_STATE_MACHINES = [
  'migrate-database',
  'resize-instance',
  'resync-table',
] as const satisfies readonly StateMachineName[];

/** Path of a state machine definition, relative to the repository root. */
export const stateMachineDefinitionPath = (name: StateMachineName): string =>
  `statemachines/${name}.asl.json`;

/** Substitution key for a state machine's ARN, e.g. `migrate-database` -> `MigrateDatabaseStateMachineArn`. */
export const stateMachineArnPlaceholder = (name: StateMachineName): string =>
  `${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}StateMachineArn`;

/** Substitution key for the registry table name inside ASL (for direct DynamoDB integrations, if any). */
export const REGISTRY_TABLE_PLACEHOLDER = 'RegistryTableName';
/** Substitution key for the event bus name inside ASL. */
export const EVENT_BUS_PLACEHOLDER = 'EventBusName';

/** Prefix of every CloudWatch alarm lakeshift creates; the alarm rule matches on it. */
export const ALARM_NAME_PREFIX = `${APP_NAME}-`;

/** Replication-slot alarms: outside ALARM_NAME_PREFIX, so the resize rule never matches them. */
export const SLOT_ALARM_NAME_PREFIX = `${APP_NAME}.slot-wal-`;

/**
 * The replication subnet group the stack creates for one of its networks. DMS stores the identifier in lower case
 * and names the group by it in its ARN (`arn:aws:dms:<region>:<account>:subgrp:<identifier>`), so the create grant
 * can name each group the stack creates (docs/iam.md).
 */
export const replicationSubnetGroupIdentifier = (stackName: string, networkName: string): string =>
  `${stackName}-${networkName}`.toLowerCase();

/** Default event bus name. */
export const DEFAULT_EVENT_BUS_NAME = APP_NAME;

/** Reconciler schedule, as an EventBridge schedule expression. */
export const RECONCILE_SCHEDULE_EXPRESSION = 'rate(5 minutes)';

/**
 * How often refresh-catalogs brings the catalog of every database in CDC up to date with its source's columns
 * (docs/lake.md, "When the catalog is refreshed"); the deployment's `lake.catalogRefreshMinutes` overrides it.
 */
export const CATALOG_REFRESH_DEFAULT_MINUTES = 15;
export const catalogRefreshScheduleExpression = (minutes: number): string =>
  minutes === 1 ? 'rate(1 minute)' : `rate(${minutes} minutes)`;

/**
 * CA bundles a verify-ca/verify-full source can name instead of giving a PEM (docs/source-safety.md).
 * `rds-global`: the Amazon RDS root CAs of every commercial region, as AWS publishes them in its global bundle.
 */
export const CA_BUNDLE_NAMES = ['rds-global'] as const;
export type CaBundleName = (typeof CA_BUNDLE_NAMES)[number];
