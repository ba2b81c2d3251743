import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { GLUE_DATABASE_PREFIX } from '#contracts/lake';
import { ALARM_NAME_PREFIX, SLOT_ALARM_NAME_PREFIX } from '#contracts/names';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { MANAGED_TAG_VALUE, TAG_KEYS } from '#contracts/tags';
import { DMS_SERVICE_PRINCIPAL, SECRET_PREFIX_REASON } from '../constructs/dms-service-roles.ts';
import { allowWithWildcard } from '../nag/wildcards.ts';
import {
  type AlarmAccess,
  DMS_CREATE_ACTIONS,
  DMS_MANAGE_ACTIONS,
  type DmsResourceType,
  type HandlerAccess,
  type LakeObjectAccess,
} from './handler-access.ts';

export const REGISTRY_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
] as const;
export const REGISTRY_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;
export const TASK_TOKEN_ACTIONS = [
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
  'states:SendTaskSuccess',
] as const;
const ALARM_ACTIONS: Readonly<Record<AlarmAccess, readonly string[]>> = {
  // Alarms are created with lakeshift's tags.
  put: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
  delete: ['cloudwatch:DeleteAlarms'],
  describe: ['cloudwatch:DescribeAlarms'],
  reset: ['cloudwatch:SetAlarmState'],
};

export const LAKE_CATALOG_WRITE_ACTIONS = [
  'glue:CreateDatabase',
  'glue:GetDatabase',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:GetTable',
  'glue:GetTables',
] as const;
/** Glue authorizes DeleteDatabase on the database's tables and functions too; it deletes them with it. */
export const LAKE_CATALOG_DELETE_ACTIONS = ['glue:DeleteDatabase'] as const;
/** What a resync's view switch calls: one table read, created, replaced or deleted (docs/lake.md, "Resync"). */
export const LAKE_CATALOG_SWITCH_VIEW_ACTIONS = [
  'glue:GetTable',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:DeleteTable',
] as const;
const LAKE_CATALOG_ACTIONS = {
  write: LAKE_CATALOG_WRITE_ACTIONS,
  delete: LAKE_CATALOG_DELETE_ACTIONS,
  switchView: LAKE_CATALOG_SWITCH_VIEW_ACTIONS,
} as const;
const LAKE_CATALOG_SIDS = {
  write: 'WriteLakeCatalog',
  delete: 'DeleteLakeCatalog',
  switchView: 'SwitchLakeViews',
};

/** S3 and KMS actions per kind of lake object access; objects are encrypted with the lake's key (SSE-KMS). */
const LAKE_OBJECT_ACTIONS: Readonly<
  Record<LakeObjectAccess, { s3: readonly string[]; kms: readonly string[] }>
> = {
  list: { s3: ['s3:ListBucket'], kms: [] },
  read: { s3: ['s3:GetObject'], kms: ['kms:Decrypt'] },
  write: { s3: ['s3:PutObject'], kms: ['kms:GenerateDataKey'] },
  delete: { s3: ['s3:DeleteObject'], kms: [] },
};

/** What a reader of the lake needs of the catalog to query it with Athena (views included). */
export const LAKE_CATALOG_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
] as const;

/**
 * The catalog, lakeshift's Glue databases and their tables (Glue authorizes a table call on all three), and for
 * DeleteDatabase their user-defined functions.
 */
export const lakeCatalogArns = (scope: Construct, options: { functions?: boolean } = {}): string[] => {
  const stack = Stack.of(scope);
  return [
    stack.formatArn({ service: 'glue', resource: 'catalog' }),
    stack.formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: `${GLUE_DATABASE_PREFIX}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${GLUE_DATABASE_PREFIX}*/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }),
    ...(options.functions
      ? [
          stack.formatArn({
            service: 'glue',
            resource: 'userDefinedFunction',
            resourceName: `${GLUE_DATABASE_PREFIX}*/*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ]
      : []),
  ];
};

/** The resources a handler's access refers to. */
export interface AccessTargets {
  readonly registryTableArn: string;
  readonly eventBusArn: string;
  /** State machines whose executions wait for task tokens. */
  readonly tokenWaitingStateMachineArns: readonly string[];
  /** State machines whose executions work on one database, and the ARN patterns of their executions. */
  readonly databaseExecutions: {
    readonly stateMachineArns: readonly string[];
    readonly executionArns: readonly string[];
  };
  /** The two roles DMS assumes (S3 target, Secrets Manager). */
  readonly dmsRoleArns: readonly string[];
  readonly sourceSecretStatements: readonly iam.PolicyStatement[];
  /** Identifiers of the replication subnet groups the stack creates, one per network. */
  readonly replicationSubnetGroups: readonly string[];
  /** The lake: its bucket, the folder DMS writes under (every table and generation folder is below it), its key. */
  readonly lake: { readonly bucketArn: string; readonly folder: string; readonly keyArn: string };
}

/** The alarms whose names start with `prefix` (all of the account's for an empty prefix). */
const alarmArn = (scope: Construct, prefix: string): string =>
  Stack.of(scope).formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** Grants one handler's role exactly what HANDLER_ACCESS lists for it. */
export const grantHandlerAccess = (role: iam.Role, access: HandlerAccess, targets: AccessTargets): void => {
  const scope = role;
  if (access.dmsCreate?.length)
    grantDmsCreate(scope, role, access.dmsCreate, targets.replicationSubnetGroups);
  if (access.dmsManage?.length) grantDmsManage(scope, role, access.dmsManage);
  if (access.dmsDescribe?.length) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({ sid: 'DescribeDms', actions: [...access.dmsDescribe], resources: ['*'] }),
      'DMS describe actions have no resource-level permissions; they read state and change nothing.',
    );
  }
  if (access.dmsListTags) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ReadDmsTags',
        actions: ['dms:ListTagsForResource'],
        resources: dmsArns(scope, ['rep', 'endpoint', 'task']),
      }),
      'Adoption reads the tags of a resource that already has lakeshift’s identifier, before it is known to be managed; DMS ARNs end in a random id.',
    );
  }
  if (access.passDmsRoles) {
    // An endpoint that names a role (ServiceAccessRoleArn, SecretsManagerAccessRoleArn) needs the caller to hold
    // iam:PassRole on it, and the DMS user guide lists iam:GetRole beside it for such endpoints (docs/iam.md). Both
    // are granted on exactly the two DMS roles. iam:PassedToService exists only in PassRole's request context, so
    // it conditions PassRole alone: on GetRole the key is absent and the condition could never hold.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassDmsRolesToDms',
        actions: ['iam:PassRole'],
        resources: [...targets.dmsRoleArns],
        conditions: { StringEquals: { 'iam:PassedToService': DMS_SERVICE_PRINCIPAL } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadDmsRoles',
        actions: ['iam:GetRole'],
        resources: [...targets.dmsRoleArns],
      }),
    );
  }
  if (access.registry) grantRegistry(role, access.registry, targets.registryTableArn);
  const callsDms = Boolean(
    access.dmsCreate?.length || access.dmsManage?.length || access.dmsDescribe?.length,
  );
  if (callsDms && access.registry !== 'readWrite') {
    // Every DMS call draws from the account-wide budget kept in one registry item (docs/design.md §1.7): the
    // grant reaches that item's partition and nothing else (a role that writes the registry has it already).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DrawDmsApiBudget',
        actions: ['dynamodb:UpdateItem'],
        resources: [targets.registryTableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [REGISTRY_TABLE.dmsApiBudgetKey.pk] },
        },
      }),
    );
  }
  if (access.publishEvents) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishEvents',
        actions: ['events:PutEvents'],
        resources: [targets.eventBusArn],
      }),
    );
  }
  if (access.completeTaskTokens && targets.tokenWaitingStateMachineArns.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CompleteTaskTokens',
        actions: [...TASK_TOKEN_ACTIONS],
        resources: [...targets.tokenWaitingStateMachineArns],
      }),
    );
  }
  if (access.stopDatabaseExecutions) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListDatabaseExecutions',
        actions: ['states:ListExecutions'],
        resources: [...targets.databaseExecutions.stateMachineArns],
      }),
    );
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'StopDatabaseExecutions',
        actions: ['states:StopExecution'],
        resources: [...targets.databaseExecutions.executionArns],
      }),
      'Execution names are chosen at run time (per database, or by EventBridge for an alarm); the grant covers only the executions of the migrate-database and resize-instance state machines.',
    );
  }
  const alarmActions = (access.alarms ?? []).filter((kind) => kind !== 'describe');
  if (alarmActions.length > 0) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ManageLakeshiftAlarms',
        actions: alarmActions.flatMap((kind) => ALARM_ACTIONS[kind]),
        resources: [alarmArn(scope, ALARM_NAME_PREFIX)],
      }),
      `Alarms are created at run time per database; the grant covers only names starting with "${ALARM_NAME_PREFIX}".`,
    );
  }
  if (access.alarms?.includes('describe')) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'DescribeAlarms',
        actions: [...ALARM_ACTIONS.describe],
        resources: [alarmArn(scope, '')],
      }),
      'DescribeAlarms is authorized on every alarm of the account (it lists by name prefix); it reads and changes nothing.',
    );
  }
  if (access.slotAlarms?.length) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ManageSlotAlarms',
        actions: access.slotAlarms.flatMap((kind) => ALARM_ACTIONS[kind]),
        resources: [alarmArn(scope, SLOT_ALARM_NAME_PREFIX)],
      }),
      `Replication-slot alarms are created at run time per database; the grant covers only names starting with "${SLOT_ALARM_NAME_PREFIX}".`,
    );
  }
  if (access.readMetrics) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ReadMetrics',
        actions: ['cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
      'cloudwatch:GetMetricData has no resource-level permissions.',
    );
  }
  if (access.lakeCatalog) {
    const deletes = access.lakeCatalog === 'delete';
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: LAKE_CATALOG_SIDS[access.lakeCatalog],
        actions: [...LAKE_CATALOG_ACTIONS[access.lakeCatalog]],
        resources: lakeCatalogArns(scope, { functions: deletes }),
      }),
      `Glue databases are created per migrated database; the grant covers only names starting with "${GLUE_DATABASE_PREFIX}" and their tables.`,
    );
  }
  if (access.lakeObjects?.length) grantLakeObjects(role, access.lakeObjects, targets.lake);
  if (access.connectsToSources || access.readsSourceSecrets) {
    for (const statement of targets.sourceSecretStatements) {
      allowWithWildcard(role, statement, SECRET_PREFIX_REASON);
    }
  }
};

/** ARN patterns of DMS resources of the given types in this account and region. */
export const dmsArns = (scope: Construct, types: readonly DmsResourceType[]): string[] =>
  [...new Set(types)].map((type) =>
    Stack.of(scope).formatArn({
      service: 'dms',
      resource: type,
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );

/**
 * The resources each create is authorized against (docs/iam.md): CreateReplicationInstance is checked on the
 * instance and on the replication subnet group the request names (granted by name, in `subnetGroupArns`).
 */
const CREATE_RESOURCE_TYPES: Readonly<Record<keyof typeof DMS_CREATE_ACTIONS, readonly DmsResourceType[]>> = {
  instance: ['rep'],
  // An endpoint with a CertificateArn names the certificate too.
  endpoint: ['endpoint', 'cert'],
  certificate: ['cert'],
  // A task names its instance and endpoints, which are resources of the request too.
  task: ['task', 'rep', 'endpoint'],
};

/** The ARNs of the named replication subnet groups: DMS names a subnet group by its identifier in its ARN. */
const subnetGroupArns = (scope: Construct, identifiers: readonly string[]): string[] =>
  identifiers.map((identifier) =>
    Stack.of(scope).formatArn({
      service: 'dms',
      resource: 'subgrp',
      resourceName: identifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );

function grantDmsCreate(
  scope: Construct,
  role: iam.Role,
  creates: HandlerAccess['dmsCreate'] & {},
  subnetGroups: readonly string[],
): void {
  allowWithWildcard(
    role,
    new iam.PolicyStatement({
      sid: 'CreateTaggedDmsResources',
      // Creating with Tags may also be authorised as dms:AddTagsToResource; it is held to the same conditions.
      actions: [...creates.map((kind) => DMS_CREATE_ACTIONS[kind]), 'dms:AddTagsToResource'],
      resources: [
        ...dmsArns(
          scope,
          creates.flatMap((kind) => CREATE_RESOURCE_TYPES[kind]),
        ),
        // Only the stack's own subnet groups: an instance goes nowhere else.
        ...(creates.includes('instance') ? subnetGroupArns(scope, subnetGroups) : []),
      ],
      // The request must tag the resource managed and name its migration and database (adoption compares those);
      // requests may add their own tags besides (e.g. cost-center), so other keys are not refused.
      conditions: {
        StringEquals: { [`aws:RequestTag/${TAG_KEYS.managed}`]: MANAGED_TAG_VALUE },
        Null: {
          [`aws:RequestTag/${TAG_KEYS.migration}`]: 'false',
          [`aws:RequestTag/${TAG_KEYS.database}`]: 'false',
        },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': [TAG_KEYS.managed] },
      },
    }),
    'DMS ARNs end in a random id unknown before creation; creates are allowed only with the lakeshift:managed=true request tag and the migration and database tags.',
  );
}

function grantDmsManage(scope: Construct, role: iam.Role, actions: HandlerAccess['dmsManage'] & {}): void {
  allowWithWildcard(
    role,
    new iam.PolicyStatement({
      sid: 'ManageTaggedDmsResources',
      actions: [...actions],
      resources: dmsArns(
        scope,
        actions.flatMap((action) => DMS_MANAGE_ACTIONS[action]),
      ),
      conditions: { StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managed}`]: MANAGED_TAG_VALUE } },
    }),
    'DMS ARNs end in a random id; the grant applies only to resources tagged lakeshift:managed=true.',
  );
}

function grantRegistry(role: iam.Role, level: 'read' | 'readWrite', tableArn: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: level === 'read' ? 'ReadRegistry' : 'ReadWriteRegistry',
      actions:
        level === 'read' ? [...REGISTRY_READ_ACTIONS] : [...REGISTRY_READ_ACTIONS, ...REGISTRY_WRITE_ACTIONS],
      resources: [
        tableArn,
        `${tableArn}/index/${REGISTRY_TABLE.byTaskArnIndex.name}`,
        `${tableArn}/index/${REGISTRY_TABLE.byInstanceIndex.name}`,
      ],
    }),
  );
}

/**
 * The lake's objects under the deployment's folder (a resync's table and generation folders are all below it):
 * ListBucket only for keys under the folder, object actions only on its objects, and the lake key for what reads
 * or writes encrypted objects.
 */
function grantLakeObjects(
  role: iam.Role,
  kinds: readonly LakeObjectAccess[],
  lake: AccessTargets['lake'],
): void {
  const objectActions = kinds
    .filter((kind) => kind !== 'list')
    .flatMap((kind) => LAKE_OBJECT_ACTIONS[kind].s3);
  if (kinds.includes('list')) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ListLakeFolder',
        actions: [...LAKE_OBJECT_ACTIONS.list.s3],
        resources: [lake.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${lake.folder}/*`] } },
      }),
      `Listing is limited to keys under the lake folder "${lake.folder}/", where DMS writes every table.`,
    );
  }
  if (objectActions.length > 0) {
    allowWithWildcard(
      role,
      new iam.PolicyStatement({
        sid: 'ResyncLakeObjects',
        actions: objectActions,
        resources: [`${lake.bucketArn}/${lake.folder}/*`],
      }),
      `A resync copies, reads and deletes the files of one table under the lake folder "${lake.folder}/"; their names are DMS's, known only at run time.`,
    );
  }
  const keyActions = kinds.flatMap((kind) => LAKE_OBJECT_ACTIONS[kind].kms);
  if (keyActions.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'UseLakeKey', actions: keyActions, resources: [lake.keyArn] }),
    );
  }
}
