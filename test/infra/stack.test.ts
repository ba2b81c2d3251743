import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import {
  ALARM_NAME_PREFIX,
  DEFAULT_NETWORK_NAME,
  HANDLER_NAMES,
  type HandlerName,
  isSourceHandler,
  SOURCE_HANDLER_NAMES,
  STATE_MACHINE_NAMES,
  sourceFunctionName,
  stateMachineArnPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { TAG_KEYS } from '#contracts/tags';
import { RULES, ruleIdInNetwork } from '#contracts/wiring';
import { KNOWN_PLACEHOLDERS, scanDefinition } from '../../infra/asl/definition-scan.ts';
import { LAKE_DATA_ACTIONS } from '../../infra/constructs/lake.ts';
import { HEALTH_ALARMS } from '../../infra/constructs/operations.ts';
import { NAG_PACK_NAMES } from '../../infra/nag/packs.ts';
import { HANDLER_ACCESS } from '../../infra/permissions/handler-access.ts';
import {
  ACKNOWLEDGED_FOR_OTHER_CONFIGS,
  acknowledgementsIn,
  unneededAcknowledgements,
} from './support/nag.ts';
import {
  allStatements,
  asArray,
  exampleConfig,
  handlerFunctionId,
  type PolicyStatement,
  ROOT_DIR,
  resourcesOfType,
  type Synthesized,
  synthesize,
  withoutAssetHashes,
} from './support/synth.ts';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const logicalIdOf = (type: string, predicate: (properties: Record<string, unknown>) => boolean): string => {
  const found = resourcesOfType(synthesized.json, type).filter(([, resource]) =>
    predicate(resource.Properties ?? {}),
  );
  expect(found).toHaveLength(1);
  return found[0]?.[0] ?? '';
};
const lakeBucketId = (): string =>
  logicalIdOf(
    'AWS::S3::Bucket',
    (properties) => properties['BucketEncryption'] !== undefined && 'LoggingConfiguration' in properties,
  );
const roleIdByDescription = (description: string): string =>
  logicalIdOf('AWS::IAM::Role', (properties) => properties['Description'] === description);
const handlerRoleId = (name: string): string => roleIdByDescription(`lakeshift ${name} handler`);
/** The example config's networks: each runs a copy of every source handler. */
const NETWORKS = Object.keys(exampleConfig()['networks'] as Record<string, unknown>);
/** Each rule as the stack deploys it: a rule for a source handler once per network. */
const RULE_COPIES = RULES.flatMap((rule) =>
  rule.target.kind === 'handler' && isSourceHandler(rule.target.name)
    ? NETWORKS.map((network) => [ruleIdInNetwork(rule, network), rule, network] as const)
    : [[rule.id, rule, DEFAULT_NETWORK_NAME] as const],
);
/** The roles of a handler's functions: one, or a source handler's copy in each network. */
const handlerRoleIds = (name: HandlerName): string[] =>
  isSourceHandler(name)
    ? NETWORKS.map((network) =>
        network === DEFAULT_NETWORK_NAME
          ? handlerRoleId(name)
          : roleIdByDescription(`lakeshift ${name} handler in network ${network}`),
      )
    : [handlerRoleId(name)];
const statementsOf = (owner: string): PolicyStatement[] => {
  const policies = resourcesOfType(synthesized.json, 'AWS::IAM::Policy')
    .filter(([, resource]) =>
      asArray(resource.Properties?.['Roles'] as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: owner }),
      ),
    )
    .map(([id]) => id);
  return allStatements(synthesized.json)
    .filter((entry) => entry.owner === owner || policies.includes(entry.owner))
    .map((entry) => entry.statement)
    .filter((statement) => !asArray(statement.Action).includes('sts:AssumeRole'));
};

describe('LakeshiftStack: the lake bucket', () => {
  it('blocks every kind of public access', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('encrypts with a customer-managed KMS key that rotates', () => {
    // Prepare
    const bucket = synthesized.json.Resources[lakeBucketId()]?.Properties ?? {};
    const rule = (
      bucket['BucketEncryption'] as { ServerSideEncryptionConfiguration: Record<string, unknown>[] }
    ).ServerSideEncryptionConfiguration[0] as {
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: string;
        KMSMasterKeyID: { 'Fn::GetAtt': [string, string] };
      };
      BucketKeyEnabled: boolean;
    };
    const keyId = rule.ServerSideEncryptionByDefault.KMSMasterKeyID['Fn::GetAtt'][0];
    // Assess
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(rule.BucketKeyEnabled).toBe(true);
    expect(synthesized.json.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    expect(synthesized.json.Resources[keyId]?.Properties?.['EnableKeyRotation']).toBe(true);
  });

  it('has no versioning, aborts incomplete uploads after 7 days and logs access to the log bucket', () => {
    // Prepare
    const bucket = synthesized.json.Resources[lakeBucketId()]?.Properties ?? {};
    // Assess
    expect(bucket['VersioningConfiguration']).toBeUndefined();
    expect(bucket['LifecycleConfiguration']).toEqual({
      Rules: [
        {
          Id: 'abort-incomplete-uploads',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          Status: 'Enabled',
        },
      ],
    });
    expect(bucket['LoggingConfiguration']).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogsBucket/) },
      LogFilePrefix: 'lake/',
    });
  });

  it('denies requests without TLS and below TLS 1.2', () => {
    // Prepare
    const policy = bucketPolicyStatements();
    // Assess
    expect(policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(policy).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      }),
    );
  });

  it('denies the data to every principal except the DMS access role, the handler roles and the configured readers', () => {
    // Prepare
    const deny = bucketPolicyStatements().find(
      (statement) => statement.Sid === 'DenyDataAccessExceptLakeshiftRoles',
    );
    const allowed = (deny?.Condition?.['ArnNotEquals']?.['aws:PrincipalArn'] ?? []) as unknown[];
    const expected = [
      { 'Fn::GetAtt': [roleIdByDescription('Assumed by DMS to write Parquet into the lake folder'), 'Arn'] },
      ...HANDLER_NAMES.flatMap((name) => handlerRoleIds(name).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))),
      'arn:aws:iam::123456789012:role/analytics-athena',
    ];
    // Assess
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Principal).toEqual({ AWS: '*' });
    expect(asArray(deny?.Action).sort()).toEqual([...LAKE_DATA_ACTIONS].sort());
    expect(allowed).toEqual(expected);
  });

  it('leaves bucket management (policy, deletion) to IAM so that CloudFormation can still manage the bucket', () => {
    // Prepare
    const denied = bucketPolicyStatements()
      .filter(
        (statement) => statement.Effect === 'Deny' && statement.Sid === 'DenyDataAccessExceptLakeshiftRoles',
      )
      .flatMap((statement) => asArray(statement.Action));
    // Assess
    for (const management of ['s3:PutBucketPolicy', 's3:DeleteBucket', 's3:DeleteBucketPolicy', 's3:*']) {
      expect(denied).not.toContain(management);
    }
  });
});

describe('LakeshiftStack: the DMS roles', () => {
  it('gives the S3 access role exactly the seed actions on the folder, ListBucket on the bucket and use of the lake key', () => {
    // Prepare
    const roleId = roleIdByDescription('Assumed by DMS to write Parquet into the lake folder');
    const bucket = lakeBucketId();
    const statements = statementsOf(roleId);
    const encryption = synthesized.json.Resources[bucket]?.Properties?.['BucketEncryption'] as {
      ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
    };
    const keyId =
      encryption.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID;
    // Assess
    expect(synthesized.json.Resources[roleId]?.Properties?.['AssumeRolePolicyDocument']).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'dms.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    expect(statements).toEqual([
      {
        Sid: 'WriteLakeFolder',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/raw/*']] },
      },
      {
        Sid: 'ListLakeBucket',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucket, 'Arn'] },
      },
      {
        Sid: 'UseLakeKey',
        Effect: 'Allow',
        Action: [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        Resource: keyId,
      },
    ]);
  });

  it('limits the Secrets Manager access role to the configured secret name prefix', () => {
    // Prepare
    const roleId = roleIdByDescription('Assumed by DMS to read the source databases credentials');
    // Assess
    expect(statementsOf(roleId)).toEqual([
      {
        Sid: 'ReadSourceSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:lakeshift/*'],
          ],
        },
      },
    ]);
  });

  it('creates the account singletons dms-vpc-role and dms-cloudwatch-logs-role when asked, and subnet groups wait for the first', () => {
    // Prepare
    const vpcRole = logicalIdOf('AWS::IAM::Role', (properties) => properties['RoleName'] === 'dms-vpc-role');
    // Assess
    synthesized.template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'dms-cloudwatch-logs-role',
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole'],
          ],
        },
      ],
    });
    for (const [, group] of resourcesOfType(synthesized.json, 'AWS::DMS::ReplicationSubnetGroup')) {
      expect(asArray(group.DependsOn)).toContain(vpcRole);
    }
  });
});

describe('LakeshiftStack: IAM', () => {
  it('has no Allow statement with a wildcard action anywhere in the template', () => {
    // Prepare
    const wildcards = allStatements(synthesized.json)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ owner, statement }) =>
        asArray(statement.Action)
          .filter((action) => action.includes('*'))
          .map((action) => `${owner}: ${action}`),
      );
    // Assess
    expect(allStatements(synthesized.json).length).toBeGreaterThan(50);
    expect(wildcards).toEqual([]);
  });

  it('lets only ensure-endpoints pass roles, only the two DMS roles, only to DMS', () => {
    // Prepare
    const passRole = allStatements(synthesized.json).filter(({ statement }) =>
      asArray(statement.Action).includes('iam:PassRole'),
    );
    const ensureEndpointsPolicies = resourcesOfType(synthesized.json, 'AWS::IAM::Policy')
      .filter(([, policy]) =>
        JSON.stringify(policy.Properties?.['Roles']).includes(handlerRoleId('ensure-endpoints')),
      )
      .map(([id]) => id);
    // Assess
    expect(passRole).toHaveLength(1);
    expect(ensureEndpointsPolicies).toContain(passRole[0]?.owner);
    expect(passRole[0]?.statement).toEqual({
      Sid: 'PassDmsRolesToDms',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [
        {
          'Fn::GetAtt': [roleIdByDescription('Assumed by DMS to write Parquet into the lake folder'), 'Arn'],
        },
        {
          'Fn::GetAtt': [
            roleIdByDescription('Assumed by DMS to read the source databases credentials'),
            'Arn',
          ],
        },
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'dms.amazonaws.com' } },
    });
  });

  it("lets only publish-catalog write the lake's Glue catalog, only switch-table-view switch a view, and only delete-catalog delete it, all only for databases named lakeshift_* and their tables", () => {
    // Prepare
    const bySid = (sid: string) =>
      allStatements(synthesized.json).filter(({ statement }) => statement.Sid === sid);
    const writers = bySid('WriteLakeCatalog');
    const switchers = bySid('SwitchLakeViews');
    const deleters = bySid('DeleteLakeCatalog');
    const catalogChanges = allStatements(synthesized.json).filter(({ statement }) =>
      asArray(statement.Action).some((action) => /^glue:(Create|Update|Delete)/.test(String(action))),
    );
    const policyOf = (handler: string) =>
      resourcesOfType(synthesized.json, 'AWS::IAM::Policy').find(([, policy]) =>
        JSON.stringify(policy.Properties?.['Roles']).includes(handlerRoleId(handler)),
      )?.[0];
    const resourcesOf = (statement: (typeof writers)[number] | undefined) =>
      asArray(statement?.statement.Resource).map((resource) => JSON.stringify(resource));
    // Assess
    expect(writers).toHaveLength(1);
    expect(deleters).toHaveLength(1);
    expect(switchers).toHaveLength(1);
    expect(catalogChanges.map(({ statement }) => statement.Sid).sort()).toEqual([
      'DeleteLakeCatalog',
      'SwitchLakeViews',
      'WriteLakeCatalog',
    ]);
    expect(writers[0]?.owner).toBe(policyOf('publish-catalog'));
    expect(switchers[0]?.owner).toBe(policyOf('switch-table-view'));
    expect(asArray(switchers[0]?.statement.Action).sort()).toEqual([
      'glue:CreateTable',
      'glue:DeleteTable',
      'glue:GetTable',
      'glue:UpdateTable',
    ]);
    expect(resourcesOf(switchers[0])).toEqual(resourcesOf(writers[0]));
    expect(deleters[0]?.owner).toBe(policyOf('delete-catalog'));
    expect(asArray(writers[0]?.statement.Action).sort()).toEqual([
      'glue:CreateDatabase',
      'glue:CreateTable',
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetTables',
      'glue:UpdateTable',
    ]);
    expect(asArray(deleters[0]?.statement.Action)).toEqual(['glue:DeleteDatabase']);
    const written = resourcesOf(writers[0]);
    expect(written).toHaveLength(3);
    expect(written.some((resource) => resource.includes(':catalog'))).toBe(true);
    expect(written.some((resource) => resource.includes(':database/lakeshift_*'))).toBe(true);
    expect(written.some((resource) => resource.includes(':table/lakeshift_*/*'))).toBe(true);
    const deleted = resourcesOf(deleters[0]);
    expect(deleted).toHaveLength(4);
    expect(deleted.filter((resource) => resource.includes('lakeshift_*')).length).toBe(3);
    expect(deleted.some((resource) => resource.includes(':userDefinedFunction/lakeshift_*/*'))).toBe(true);
  });

  it('lets the configured lake readers read the Glue catalog, and nothing more of it', () => {
    // Prepare
    const readers = allStatements(synthesized.json).filter(
      ({ statement }) => statement.Sid === 'ReadLakeCatalog',
    );
    // Assess
    expect(readers).toHaveLength(1);
    const policy = synthesized.json.Resources[readers[0]?.owner ?? '']?.Properties;
    expect(JSON.stringify(policy?.['Roles'])).toContain('analytics-athena');
    for (const action of asArray(readers[0]?.statement.Action)) expect(String(action)).toMatch(/^glue:Get/);
  });

  it('allows DMS changes to existing resources only on resources tagged lakeshift:managed=true', () => {
    // Prepare
    const manage = allStatements(synthesized.json).filter(
      ({ statement }) => statement.Sid === 'ManageTaggedDmsResources',
    );
    // Assess
    expect(manage).toHaveLength(
      HANDLER_NAMES.filter((name) => HANDLER_ACCESS[name].dmsManage?.length).flatMap(handlerRoleIds).length,
    );
    for (const { statement } of manage) {
      expect(statement.Condition).toEqual({
        StringEquals: { [`aws:ResourceTag/${TAG_KEYS.managed}`]: 'true' },
      });
    }
  });

  it('allows DMS creates only with the lakeshift:managed=true request tag and the migration and database tags', () => {
    // Prepare
    const creates = allStatements(synthesized.json).filter(
      ({ statement }) => statement.Sid === 'CreateTaggedDmsResources',
    );
    // Assess
    expect(creates.map(({ statement }) => asArray(statement.Action)[0]).sort()).toEqual([
      'dms:CreateEndpoint',
      'dms:CreateReplicationInstance',
      'dms:CreateReplicationTask',
    ]);
    for (const { statement } of creates) {
      expect(statement.Condition).toEqual({
        StringEquals: { 'aws:RequestTag/lakeshift:managed': 'true' },
        Null: { 'aws:RequestTag/lakeshift:migration': 'false', 'aws:RequestTag/lakeshift:database': 'false' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['lakeshift:managed'] },
      });
    }
  });

  it('gives each handler only the DMS actions its table entry lists', () => {
    // Prepare
    const dmsActionsOf = (name: string): string[] =>
      statementsOf(handlerRoleId(name))
        .flatMap((statement) => asArray(statement.Action))
        .filter((action) => action.startsWith('dms:'))
        .sort();
    // Assess
    // The quota check reads the account's quotas; validate-request creates, changes and describes nothing else.
    expect(dmsActionsOf('validate-request')).toEqual(['dms:DescribeAccountAttributes']);
    expect(dmsActionsOf('delete-instance')).toEqual([
      'dms:DeleteReplicationInstance',
      'dms:DescribeReplicationInstances',
    ]);
    expect(dmsActionsOf('describe-resources')).toEqual([
      'dms:DescribeConnections',
      'dms:DescribeReplicationInstances',
      'dms:DescribeReplicationTasks',
      'dms:DescribeTableStatistics',
    ]);
    expect(dmsActionsOf('begin-table-resync')).toEqual(['dms:DescribeTableStatistics']);
    expect(dmsActionsOf('reload-table')).toEqual(['dms:ReloadTables']);
    expect(dmsActionsOf('freeze-table-generation')).toEqual([]);
    expect(dmsActionsOf('ensure-task')).toEqual([
      'dms:AddTagsToResource',
      'dms:CreateReplicationTask',
      'dms:DescribeReplicationTasks',
      'dms:ListTagsForResource',
    ]);
  });

  it("lets only the resync's freeze and prune steps reach the lake's objects: list under the lake folder, objects under it, the lake key", () => {
    // Prepare
    const s3Handlers = HANDLER_NAMES.filter((name) =>
      statementsOf(handlerRoleId(name)).some((statement) =>
        asArray(statement.Action).some((action) => action.startsWith('s3:')),
      ),
    );
    const lakeStatements = (name: string) =>
      statementsOf(handlerRoleId(name)).filter((statement) =>
        asArray(statement.Action).some((action) => /^(s3|kms):/.test(action)),
      );
    const actionsOf = (name: string) =>
      lakeStatements(name)
        .flatMap((statement) => asArray(statement.Action))
        .sort();
    const list = lakeStatements('freeze-table-generation').find((statement) =>
      asArray(statement.Action).includes('s3:ListBucket'),
    );
    const objects = lakeStatements('prune-table-generation').find((statement) =>
      asArray(statement.Action).includes('s3:DeleteObject'),
    );
    // Assess
    expect(s3Handlers.sort()).toEqual(['freeze-table-generation', 'prune-table-generation']);
    expect(actionsOf('freeze-table-generation')).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    expect(actionsOf('prune-table-generation')).toEqual([
      'kms:Decrypt',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['raw/*'] } });
    expect(JSON.stringify(objects?.Resource)).toContain('/raw/*');
  });

  it("lets the state machines invoke only the handlers their definitions call, a source handler's copy in every network", () => {
    // Prepare
    const machineRole = (name: string): string =>
      logicalIdOf(
        'AWS::StepFunctions::StateMachine',
        (properties) => properties['StateMachineName'] === `lakeshift-${name}`,
      );
    const invoked = (name: string): unknown[] => {
      const machine = synthesized.json.Resources[machineRole(name)]?.Properties ?? {};
      const role = (machine['RoleArn'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      return statementsOf(role)
        .filter((statement) => statement.Sid === 'InvokeHandlers')
        .flatMap((statement) => asArray(statement.Resource));
    };
    // Assess
    for (const name of STATE_MACHINE_NAMES) {
      const scan = scanDefinition(
        readFileSync(join(ROOT_DIR, stateMachineDefinitionPath(name)), 'utf8'),
        name,
      );
      expect(invoked(name)).toEqual([
        ...scan.invokedHandlers.map((handler) => ({
          'Fn::GetAtt': [handlerFunctionId(synthesized.json, handler), 'Arn'],
        })),
        ...scan.invokedByNetwork.flatMap((handler) =>
          NETWORKS.map((network) => ({
            'Fn::GetAtt': [handlerFunctionId(synthesized.json, handler, network), 'Arn'],
          })),
        ),
      ]);
      expect(JSON.stringify(invoked(name))).not.toContain('*');
    }
    // The source handlers are invoked by network from migrate-database, teardown and refresh-catalogs.
    expect(
      STATE_MACHINE_NAMES.flatMap(
        (name) =>
          scanDefinition(readFileSync(join(ROOT_DIR, stateMachineDefinitionPath(name)), 'utf8'), name)
            .invokedByNetwork,
      ).sort(),
    ).toEqual(
      [
        'drop-replication-slot',
        'inspect-source',
        'read-source-tables',
        'read-source-tables',
        'inspect-toast-exposure',
        'record-replication-slot',
      ].sort(),
    );
  });

  it('lets only decide-resize, arm-alarms and the reconciler reset alarm states, and only on alarms named with lakeshift’s prefix', () => {
    // Prepare
    const alarmStatementsOf = (name: string): PolicyStatement[] =>
      statementsOf(handlerRoleId(name)).filter((statement) =>
        asArray(statement.Action).some(
          (action) => action.startsWith('cloudwatch:') && action.includes('Alarm'),
        ),
      );
    const resetters = HANDLER_NAMES.filter((name) =>
      alarmStatementsOf(name).some((statement) =>
        asArray(statement.Action).includes('cloudwatch:SetAlarmState'),
      ),
    );
    const lakeshiftAlarms = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:123456789012:alarm:${ALARM_NAME_PREFIX}*`],
      ],
    };
    // Assess
    expect(resetters).toEqual(['decide-resize', 'arm-alarms', 'reconcile']);
    expect(alarmStatementsOf('decide-resize')).toEqual([
      expect.objectContaining({ Action: 'cloudwatch:SetAlarmState', Resource: lakeshiftAlarms }),
    ]);
    expect(alarmStatementsOf('arm-alarms')).toEqual([
      expect.objectContaining({
        Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource', 'cloudwatch:SetAlarmState'],
        Resource: lakeshiftAlarms,
      }),
    ]);
    expect(
      alarmStatementsOf('reconcile').filter((statement) =>
        asArray(statement.Action).includes('cloudwatch:SetAlarmState'),
      ),
    ).toEqual([expect.objectContaining({ Resource: lakeshiftAlarms })]);
  });
});

describe('LakeshiftStack: event rules', () => {
  it.each(RULE_COPIES)('deploys %s exactly as the shared wiring says', (_id, wiring, network) => {
    // Prepare
    const expectedTarget =
      wiring.target.kind === 'handler'
        ? { 'Fn::GetAtt': [handlerFunctionId(synthesized.json, wiring.target.name, network), 'Arn'] }
        : {
            Ref: logicalIdOf(
              'AWS::StepFunctions::StateMachine',
              (properties) => properties['StateMachineName'] === `lakeshift-${wiring.target.name}`,
            ),
          };
    const ruleId = logicalIdOf(
      'AWS::Events::Rule',
      (properties) =>
        properties['Description'] === wiring.description &&
        JSON.stringify((properties['Targets'] as { Arn: unknown }[])[0]?.Arn) ===
          JSON.stringify(expectedTarget),
    );
    const rule = synthesized.json.Resources[ruleId]?.Properties ?? {};
    const target = (rule['Targets'] as Record<string, unknown>[])[0] ?? {};
    const queueId = (target['DeadLetterConfig'] as { Arn: { 'Fn::GetAtt': [string] } }).Arn['Fn::GetAtt'][0];
    // Assess
    if (wiring.pattern) expect(rule['EventPattern']).toEqual(wiring.pattern);
    else expect(rule['ScheduleExpression']).toBe(wiring.schedule);
    expect(target['Arn']).toEqual(expectedTarget);
    expect(target['InputPath']).toBe(wiring.inputPath);
    expect(target['RetryPolicy']).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 });
    expect(synthesized.json.Resources[queueId]?.Properties).toEqual({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
  });

  it('gives every function an event rule invokes an on-failure destination after Lambda’s two retries', () => {
    // Prepare
    const configs = resourcesOfType(synthesized.json, 'AWS::Lambda::EventInvokeConfig').map(
      ([, config]) => config.Properties ?? {},
    );
    const handlerTargets = RULE_COPIES.filter(([, rule]) => rule.target.kind === 'handler');
    // Assess
    expect(configs).toHaveLength(handlerTargets.length);
    for (const config of configs) {
      expect(config).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
      });
    }
  });

  it.each(RULES.flatMap((rule) => (rule.target.kind === 'handler' ? [rule.target.name] : [])))(
    'lets %s only send to its on-failure queue, nothing else on SQS',
    (name) => {
      // Prepare
      const sqsStatements = statementsOf(handlerRoleId(name)).filter((statement) =>
        [statement.Action].flat().some((action) => String(action).startsWith('sqs:')),
      );
      // Assess
      expect(sqsStatements).toEqual([
        {
          Sid: 'SendFailedInvocations',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/FailedInvocations/), 'Arn'] },
        },
      ]);
    },
  );

  it('listens for lakeshift requests on lakeshift’s bus and for DMS, CloudWatch and schedules on the default bus', () => {
    // Prepare
    const busOf = (id: string): unknown =>
      synthesized.json.Resources[
        logicalIdOf(
          'AWS::Events::Rule',
          (properties) => properties['Description'] === RULES.find((rule) => rule.id === id)?.description,
        )
      ]?.Properties?.['EventBusName'];
    const bus = logicalIdOf('AWS::Events::EventBus', (properties) => properties['Name'] === 'lakeshift');
    // Assess
    expect(busOf('MigrationRequested')).toEqual({ Ref: bus });
    expect(busOf('TeardownRequested')).toEqual({ Ref: bus });
    expect(busOf('RetryRequested')).toEqual({ Ref: bus });
    expect(busOf('DmsTaskStateChange')).toBeUndefined();
    expect(busOf('AlarmStateChange')).toBeUndefined();
    expect(busOf('Reconcile')).toBeUndefined();
  });

  it('refuses dead-letter deliveries without TLS', () => {
    // Prepare
    const handlerTargets = RULE_COPIES.filter(([, rule]) => rule.target.kind === 'handler').length;
    const denials = allStatements(synthesized.json).filter(
      ({ owner, statement }) =>
        synthesized.json.Resources[owner]?.Type === 'AWS::SQS::QueuePolicy' && statement.Effect === 'Deny',
    );
    // Assess
    // One per rule target and per on-failure destination, and the alarm e-mail's dead-letter queue.
    expect(denials).toHaveLength(RULE_COPIES.length + handlerTargets + 1);
    for (const { statement } of denials) {
      expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
  });
});

describe('LakeshiftStack: state machines', () => {
  it.each(STATE_MACHINE_NAMES.map((name) => [name]))(
    'deploys %s from its ASL file, with every placeholder substituted',
    (name) => {
      // Prepare
      const file = readFileSync(join(ROOT_DIR, stateMachineDefinitionPath(name)), 'utf8');
      const machine =
        synthesized.json.Resources[
          logicalIdOf(
            'AWS::StepFunctions::StateMachine',
            (properties) => properties['StateMachineName'] === `lakeshift-${name}`,
          )
        ]?.Properties ?? {};
      const location = machine['DefinitionS3Location'] as { Key: string };
      const deployed = readFileSync(join(synthesized.assemblyDir, `asset.${location.Key}`), 'utf8');
      const substitutions = machine['DefinitionSubstitutions'] as Record<string, unknown>;
      const expected = Object.fromEntries(
        scanDefinition(file, name).placeholders.map((placeholder) => {
          const target = KNOWN_PLACEHOLDERS.get(placeholder);
          if (target?.kind === 'handler') {
            return [placeholder, { 'Fn::GetAtt': [handlerFunctionId(synthesized.json, target.name), 'Arn'] }];
          }
          if (target?.kind === 'sourceHandler') {
            const pattern = `:lambda:us-east-1:123456789012:function:lakeshift-${target.name}-{}`;
            return [placeholder, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, pattern]] }];
          }
          const machineName = target?.kind === 'stateMachine' ? target.name : 'none';
          return [
            placeholder,
            {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  `:states:us-east-1:123456789012:stateMachine:lakeshift-${machineName}`,
                ],
              ],
            },
          ];
        }),
      );
      const rendered = deployed.replace(/\$\{(\w+)\}/g, (_match, key: string) =>
        renderIntrinsic(substitutions[key]),
      );
      // Assess
      expect(deployed).toBe(file);
      expect(substitutions).toEqual(expected);
      expect(rendered).not.toContain('${');
      expect(JSON.parse(rendered)).toEqual(
        JSON.parse(file.replace(/\$\{(\w+)\}/g, (_match, key: string) => renderIntrinsic(expected[key]))),
      );
    },
  );

  it('logs ALL execution data to a KMS-encrypted log group and traces with X-Ray', () => {
    // Prepare
    const machines = resourcesOfType(synthesized.json, 'AWS::StepFunctions::StateMachine');
    // Assess
    expect(machines).toHaveLength(STATE_MACHINE_NAMES.length);
    for (const [, machine] of machines) {
      const logging = machine.Properties?.['LoggingConfiguration'] as {
        Level: string;
        IncludeExecutionData: boolean;
        Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string] } } }[];
      };
      const logGroup =
        synthesized.json.Resources[
          logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] ?? ''
        ]?.Properties;
      expect(logging.Level).toBe('ALL');
      expect(logging.IncludeExecutionData).toBe(true);
      expect(logGroup?.['KmsKeyId']).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^OperationsKey/), 'Arn'],
      });
      expect(machine.Properties?.['TracingConfiguration']).toEqual({ Enabled: true });
    }
  });

  it('lets migrate-fleet run migrate-database synchronously: start, follow and the managed events rule', () => {
    // Prepare
    const fleet = synthesized.json.Resources[
      logicalIdOf(
        'AWS::StepFunctions::StateMachine',
        (properties) => properties['StateMachineName'] === 'lakeshift-migrate-fleet',
      )
    ]?.Properties as { RoleArn: { 'Fn::GetAtt': [string] } };
    const statements = statementsOf(fleet.RoleArn['Fn::GetAtt'][0]);
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${suffix}`]] });
    // Assess
    expect(statements).toContainEqual({
      Sid: 'StartChildExecutions',
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: arn('states:us-east-1:123456789012:stateMachine:lakeshift-migrate-database'),
    });
    expect(statements).toContainEqual({
      Sid: 'FollowChildExecutions',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: arn('states:us-east-1:123456789012:execution:lakeshift-migrate-database:*'),
    });
    expect(statements).toContainEqual({
      Sid: 'ManageSyncExecutionRule',
      Effect: 'Allow',
      Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
      Resource: arn('events:us-east-1:123456789012:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule'),
    });
  });

  it('lets the token completers answer only the state machine that waits for a token', () => {
    // Prepare
    const tokenStatements = allStatements(synthesized.json).filter(
      ({ statement }) => statement.Sid === 'CompleteTaskTokens',
    );
    // Assess
    expect(tokenStatements).toHaveLength(2);
    for (const { statement } of tokenStatements) {
      expect(statement.Resource).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':states:us-east-1:123456789012:stateMachine:lakeshift-migrate-database',
          ],
        ],
      });
    }
  });
});

describe('LakeshiftStack: handlers and registry', () => {
  it('deploys every handler on Node 22, arm64, traced, logging JSON to a retained, encrypted log group', () => {
    // Assess
    for (const name of HANDLER_NAMES) {
      const properties =
        synthesized.json.Resources[handlerFunctionId(synthesized.json, name)]?.Properties ?? {};
      const logGroupId = (properties['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logGroup = synthesized.json.Resources[logGroupId]?.Properties ?? {};
      expect(properties['Runtime']).toBe('nodejs22.x');
      expect(properties['Architectures']).toEqual(['arm64']);
      expect(properties['TracingConfig']).toEqual({ Mode: 'Active' });
      expect((properties['LoggingConfig'] as { LogFormat: string }).LogFormat).toBe('JSON');
      expect(logGroup['RetentionInDays']).toBe(30);
      expect(logGroup['KmsKeyId']).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^OperationsKey/), 'Arn'],
      });
      const variables = (properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      // The reconciler alone keeps the slot alarms that notify the health topic.
      const health = name === 'reconcile' ? [OPTIONAL_ENV.healthTopicArn] : [];
      expect(Object.keys(variables).sort()).toEqual(
        [...Object.values(ENV), OPTIONAL_ENV.lakeFolder, 'NODE_OPTIONS', ...health].sort(),
      );
      expect(variables[OPTIONAL_ENV.lakeFolder]).toBe('raw');
    }
  });

  it('places only the handlers that reach sources (pre-flight inspections, before and after the endpoints; table reading; recording, inspecting and dropping slots) in the VPC, with egress to the sources and Secrets Manager only', () => {
    // Prepare
    const inVpc = HANDLER_NAMES.filter(
      (name) =>
        synthesized.json.Resources[handlerFunctionId(synthesized.json, name)]?.Properties?.['VpcConfig'],
    );
    // Assess
    expect(inVpc).toEqual([...SOURCE_HANDLER_NAMES]);
    synthesized.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('replication slot dropper'),
      SecurityGroupEgress: [
        {
          CidrIp: '10.0.0.0/16',
          FromPort: 5432,
          ToPort: 5432,
          IpProtocol: 'tcp',
          Description: Match.anyValue(),
        },
      ],
    });
  });

  it('gives no function inside a network any DMS permission: the networks have no route to the DMS API', () => {
    // Prepare
    const inNetworks = resourcesOfType(synthesized.json, 'AWS::Lambda::Function').filter(
      ([, resource]) => resource.Properties?.['VpcConfig'] !== undefined,
    );
    const dmsActionsOf = (role: string) =>
      statementsOf(role)
        .flatMap((statement) => asArray(statement.Action))
        .filter((action) => action.startsWith('dms:') || action === '*');
    // Act
    const granted = inNetworks.map(([, resource]) => {
      const role = resource.Properties?.['Role'] as { 'Fn::GetAtt': [string, string] } | undefined;
      return { functionName: resource.Properties?.['FunctionName'], role: role?.['Fn::GetAtt'][0] };
    });
    // Assess
    expect(inNetworks).toHaveLength(SOURCE_HANDLER_NAMES.length * NETWORKS.length);
    for (const { role } of granted) expect(role).toMatch(/Role/);
    expect(
      granted
        .map(({ functionName, role }) => ({ functionName, actions: dmsActionsOf(role ?? '') }))
        .filter(({ actions }) => actions.length > 0),
    ).toEqual([]);
  });

  it.each(NETWORKS)(
    'runs a copy of every source handler in network %s: named by the shared rule, in its subnets, with its own source-client group',
    (network) => {
      // Prepare
      const networkVpc =
        network === DEFAULT_NETWORK_NAME
          ? { Ref: logicalIdOf('AWS::EC2::VPC', () => true) }
          : 'vpc-0a1b2c3d4e5f60718';
      const group = logicalIdOf(
        'AWS::EC2::SecurityGroup',
        (properties) =>
          properties['GroupDescription'] ===
          `lakeshift ${network}: replication slot dropper and source table reader (egress to the sources and the endpoints only)`,
      );
      const groupEgress = resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroupEgress')
        .map(([, rule]) => rule.Properties ?? {})
        .filter(
          (rule) => JSON.stringify(rule['GroupId']) === JSON.stringify({ 'Fn::GetAtt': [group, 'GroupId'] }),
        )
        .map((rule) => [rule['FromPort'], Object.keys(rule).find((key) => key.startsWith('Destination'))])
        .sort();
      // Assess
      expect(synthesized.json.Resources[group]?.Properties?.['VpcId']).toEqual(networkVpc);
      expect(groupEgress).toEqual([
        [443, 'DestinationPrefixListId'],
        [443, 'DestinationSecurityGroupId'],
      ]);
      for (const name of SOURCE_HANDLER_NAMES) {
        const properties =
          synthesized.json.Resources[handlerFunctionId(synthesized.json, name, network)]?.Properties ?? {};
        const vpcConfig = properties['VpcConfig'] as { SecurityGroupIds: unknown[]; SubnetIds: unknown[] };
        expect(properties['FunctionName']).toBe(sourceFunctionName('lakeshift', name, network));
        expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [group, 'GroupId'] }]);
        if (network === DEFAULT_NETWORK_NAME) {
          expect(vpcConfig.SubnetIds).toEqual([
            { Ref: expect.stringMatching(/^NetworkdefaultVpcreplicationSubnet1/) },
            { Ref: expect.stringMatching(/^NetworkdefaultVpcreplicationSubnet2/) },
          ]);
        } else {
          expect(vpcConfig.SubnetIds).toEqual(['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002']);
        }
      }
    },
  );

  it('builds the registry table from the shared key schema, with PITR and encryption', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: REGISTRY_TABLE.byTaskArnIndex.name,
          KeySchema: [{ AttributeName: REGISTRY_TABLE.byTaskArnIndex.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: REGISTRY_TABLE.byInstanceIndex.name,
          KeySchema: [{ AttributeName: REGISTRY_TABLE.byInstanceIndex.partitionKey, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
});

describe('LakeshiftStack: network', () => {
  it('creates a VPC with isolated subnets only: no internet gateway, no NAT, no public addresses', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    synthesized.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    synthesized.template.resourceCountIs('AWS::EC2::VPC', 1);
    for (const [, subnet] of resourcesOfType(synthesized.json, 'AWS::EC2::Subnet')) {
      expect(subnet.Properties?.['MapPublicIpOnLaunch']).toBe(false);
    }
  });

  it('gives every network an S3 gateway endpoint, a Secrets Manager endpoint, a subnet group and a DynamoDB endpoint (its source handlers read the registry)', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::DMS::ReplicationSubnetGroup', 2);
    synthesized.template.hasResourceProperties('AWS::DMS::ReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'lakeshift-warehouse',
      SubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    });
    expect(
      resourcesOfType(synthesized.json, 'AWS::EC2::VPCEndpoint')
        .map(([, endpoint]) => endpoint.Properties?.['VpcEndpointType'])
        .sort(),
    ).toEqual(['Gateway', 'Gateway', 'Gateway', 'Gateway', 'Interface', 'Interface']);
    synthesized.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      VpcId: { Ref: Match.stringLikeRegexp('^NetworkdefaultVpc') },
    });
    synthesized.template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      VpcId: 'vpc-0a1b2c3d4e5f60718',
    });
  });

  it('lets DMS out only to the sources on 5432, to S3 through the prefix list and to the Secrets Manager endpoint', () => {
    // Prepare
    const dmsGroup = logicalIdOf(
      'AWS::EC2::SecurityGroup',
      (properties) =>
        properties['GroupDescription'] ===
        'lakeshift warehouse: DMS replication instances (egress to the sources and the endpoints only)',
    );
    const inline = synthesized.json.Resources[dmsGroup]?.Properties?.['SecurityGroupEgress'];
    const separate = resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroupEgress')
      .map(([, rule]) => rule.Properties ?? {})
      .filter(
        (rule) => JSON.stringify(rule['GroupId']) === JSON.stringify({ 'Fn::GetAtt': [dmsGroup, 'GroupId'] }),
      );
    // Assess
    expect(inline).toEqual([
      {
        Description: 'source databases (sg-0a1b2c3d4e5f60718)',
        DestinationSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
        FromPort: 5432,
        IpProtocol: 'tcp',
        ToPort: 5432,
      },
    ]);
    expect(
      separate
        .map((rule) => [rule['FromPort'], Object.keys(rule).find((key) => key.startsWith('Destination'))])
        .sort(),
    ).toEqual([
      [443, 'DestinationPrefixListId'],
      [443, 'DestinationSecurityGroupId'],
    ]);
  });
});

describe('LakeshiftStack: operations', () => {
  it('alarms on failed executions, handler errors and dead letters with the documented thresholds', () => {
    // Prepare
    const alarms = resourcesOfType(synthesized.json, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties ?? {},
    );
    const byPrefix = (prefix: string) =>
      alarms.filter((alarm) => String(alarm['AlarmName']).startsWith(`health-lakeshift-${prefix}`));
    // Assess
    expect(byPrefix('failed-executions-')).toHaveLength(STATE_MACHINE_NAMES.length);
    expect(byPrefix('handler-errors-')).toHaveLength(HANDLER_NAMES.flatMap(handlerRoleIds).length);
    const handlerTargets = RULE_COPIES.filter(([, rule]) => rule.target.kind === 'handler').length;
    // One per rule target and per on-failure destination, and the alarm e-mail's dead-letter queue.
    expect(byPrefix('dead-letters-')).toHaveLength(RULE_COPIES.length + handlerTargets + 1);
    expect(byPrefix('resumes-pending')).toHaveLength(1);
    for (const [prefix, thresholds] of [
      ['failed-executions-', HEALTH_ALARMS.failedExecutions],
      ['handler-errors-', HEALTH_ALARMS.handlerErrors],
      ['dead-letters-', HEALTH_ALARMS.deadLetters],
      ['resumes-pending', HEALTH_ALARMS.resumesPending],
    ] as const) {
      for (const alarm of byPrefix(prefix)) {
        expect(alarm).toMatchObject({
          Threshold: thresholds.threshold,
          EvaluationPeriods: thresholds.evaluationPeriods,
          DatapointsToAlarm: thresholds.datapointsToAlarm,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
    expect(HEALTH_ALARMS.handlerErrors).toMatchObject({
      threshold: 5,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    expect(byPrefix('handler-errors-')[0]).toMatchObject({
      Period: 300,
      Statistic: 'Sum',
      MetricName: 'Errors',
    });
    expect(byPrefix('dead-letters-')[0]).toMatchObject({
      Threshold: 1,
      Statistic: 'Maximum',
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
  });

  it('never names a health alarm like a database alarm (those start resizes)', () => {
    // Prepare
    const names = resourcesOfType(synthesized.json, 'AWS::CloudWatch::Alarm').map(([, alarm]) =>
      String(alarm.Properties?.['AlarmName']),
    );
    // Assess
    const handlerTargets = RULE_COPIES.filter(([, rule]) => rule.target.kind === 'handler').length;
    // One per state machine, handler, queue (dead letters, failed invocations and undelivered alarm e-mails), the
    // pending resumes and the replication-slot incidents.
    expect(names).toHaveLength(
      STATE_MACHINE_NAMES.length +
        HANDLER_NAMES.flatMap(handlerRoleIds).length +
        RULE_COPIES.length +
        handlerTargets +
        1 +
        2,
    );
    expect(names.filter((name) => name.startsWith(ALARM_NAME_PREFIX))).toEqual([]);
  });

  it('sends alarms to a KMS-encrypted topic that the alarm e-mail subscribes to', () => {
    // Prepare
    const topic = logicalIdOf('AWS::SNS::Topic', () => true);
    // Assess
    expect(synthesized.json.Resources[topic]?.Properties?.['KmsMasterKeyId']).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^OperationsKey/), 'Arn'],
    });
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform-team@example.com',
    });
  });

  it('keeps alarm e-mails SNS could not deliver in a dead-letter queue that only the topic may send to', () => {
    // Prepare
    const topic = logicalIdOf('AWS::SNS::Topic', () => true);
    const subscription = logicalIdOf('AWS::SNS::Subscription', () => true);
    const redrivePolicy = synthesized.json.Resources[subscription]?.Properties?.['RedrivePolicy'] as
      | { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] } }
      | undefined;
    const queue = redrivePolicy?.deadLetterTargetArn['Fn::GetAtt'][0] ?? 'no redrive policy';
    const sends = allStatements(synthesized.json).filter(
      ({ owner, statement }) =>
        synthesized.json.Resources[owner]?.Type === 'AWS::SQS::QueuePolicy' &&
        statement.Effect === 'Allow' &&
        JSON.stringify(statement.Resource).includes(`"${queue}"`),
    );
    // Assess
    expect(synthesized.json.Resources[queue]?.Properties).toEqual({
      MessageRetentionPeriod: 1209600,
      SqsManagedSseEnabled: true,
    });
    expect(sends).toEqual([
      {
        owner: expect.any(String),
        statement: expect.objectContaining({
          Action: 'sqs:SendMessage',
          Principal: { Service: 'sns.amazonaws.com' },
          Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic } } },
        }),
      },
    ]);
    for (const [, alarm] of resourcesOfType(synthesized.json, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties?.['AlarmActions']).toEqual([{ Ref: topic }]);
    }
  });

  it('charts DMS instances and tasks through SEARCH expressions, and lakeshift’s phases and resizes', () => {
    // Prepare
    const body = JSON.stringify(
      resourcesOfType(synthesized.json, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties?.['DashboardBody'],
    );
    // Assess
    for (const metric of ['CPUUtilization', 'FreeableMemory', 'SwapUsage']) {
      expect(body).toContain(
        `SEARCH('{AWS/DMS,ReplicationInstanceIdentifier} MetricName=\\\\\\"${metric}\\\\\\"'`,
      );
    }
    for (const metric of ['CDCLatencySource', 'CDCLatencyTarget']) {
      expect(body).toContain(
        `{AWS/DMS,ReplicationInstanceIdentifier,ReplicationTaskIdentifier} MetricName=\\\\\\"${metric}\\\\\\"`,
      );
    }
    for (const metric of ['PhaseEntered', 'ResizeDecided', 'InstanceResized']) {
      expect(body).toContain(`Namespace=\\\\\\"lakeshift\\\\\\" MetricName=\\\\\\"${metric}\\\\\\"`);
    }
    expect(body).toContain('ExecutionsFailed');
  });

  it('outputs the bus, the bucket and every state machine ARN', () => {
    // Prepare
    const outputs = Object.keys(synthesized.json.Outputs ?? {});
    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining([
        'EventBusName',
        'LakeBucketName',
        ...STATE_MACHINE_NAMES.map(stateMachineArnPlaceholder),
      ]),
    );
  });
});

describe('LakeshiftStack: cdk-nag', () => {
  it.each(NAG_PACK_NAMES.map((pack) => [pack]))('has no unacknowledged %s finding', (pack) => {
    // Assess
    expect(synthesized.nagReports[pack].violations).toEqual([]);
    expect(synthesized.nagReports[pack].success).toBe(true);
  });

  it.each(NAG_PACK_NAMES.map((pack) => [pack]))(
    'gives every %s acknowledgement a specific reason',
    (pack) => {
      // Prepare
      const acknowledgements = acknowledgementsIn(synthesized.app).filter(({ id }) =>
        id.startsWith(`${pack}-`),
      );
      // Assess
      expect(acknowledgements.length).toBeGreaterThan(10);
      for (const { reason } of acknowledgements) {
        expect(reason.length).toBeGreaterThan(40);
      }
    },
  );

  it.each(NAG_PACK_NAMES.map((pack) => [pack]))(
    'acknowledges only %s findings that exist, on the resource that has them or its parent',
    (pack) => {
      // Assess
      expect(unneededAcknowledgements(synthesized.app, pack)).toEqual(ACKNOWLEDGED_FOR_OTHER_CONFIGS[pack]);
    },
  );

  it('lets a Lambda function go without a dead-letter queue only where its failures already have a place', () => {
    // Prepare
    const functionOf = (construct: IConstruct): string =>
      synthesized.stack.getLogicalId(construct.node.defaultChild as CfnElement);
    const acknowledged = acknowledgementsIn(synthesized.app).filter(
      ({ id, construct }) => id === 'Serverless-LambdaDLQ' && construct instanceof lambda.Function,
    );
    const asynchronous = acknowledged
      .filter(({ reason }) => reason.startsWith('EventBridge invokes'))
      .map(({ construct }) => functionOf(construct));
    const synchronous = acknowledged
      .filter(({ reason }) => reason.startsWith('Only Step Functions invokes'))
      .map(({ construct }) => functionOf(construct));
    const withFailureDestination = resourcesOfType(synthesized.json, 'AWS::Lambda::EventInvokeConfig')
      .map(([, config]) => config.Properties ?? {})
      .filter((properties) => properties['DestinationConfig'])
      .map((properties) => (properties['FunctionName'] as { Ref: string }).Ref);
    const ruleTargets = JSON.stringify(
      resourcesOfType(synthesized.json, 'AWS::Events::Rule').map(([, rule]) => rule.Properties?.['Targets']),
    );
    const invokeGrants = JSON.stringify(
      allStatements(synthesized.json)
        .filter(({ statement }) => statement.Sid === 'InvokeHandlers')
        .map(({ statement }) => statement.Resource),
    );
    // Assess
    expect(asynchronous.length + synchronous.length).toBe(HANDLER_NAMES.flatMap(handlerRoleIds).length);
    expect(asynchronous.sort()).toEqual(withFailureDestination.sort());
    for (const functionId of synchronous) {
      expect(ruleTargets).not.toContain(`"${functionId}"`);
      expect(invokeGrants).toContain(`"${functionId}"`);
    }
  });
});

describe('LakeshiftStack: synthesis', () => {
  it('needs no AWS lookup (no error annotation, no missing context), so it synthesizes without credentials', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(synthesized.assemblyDir, 'manifest.json'), 'utf8')) as {
      missing?: unknown[];
    };
    // Assess
    Annotations.fromStack(synthesized.stack).hasNoError('*', Match.anyValue());
    expect(manifest.missing).toBeUndefined();
  });
});

describe('LakeshiftStack: template', () => {
  it('matches the snapshot (asset hashes stripped)', () => {
    // Assess
    expect(withoutAssetHashes(synthesized.json)).toMatchSnapshot();
  });
});

function bucketPolicyStatements(): PolicyStatement[] {
  const bucket = lakeBucketId();
  return allStatements(synthesized.json)
    .filter(({ owner }) => {
      const resource = synthesized.json.Resources[owner];
      return (
        resource?.Type === 'AWS::S3::BucketPolicy' &&
        JSON.stringify(resource.Properties?.['Bucket']) === JSON.stringify({ Ref: bucket })
      );
    })
    .map(({ statement }) => statement);
}

/** A readable stand-in for a substituted value: a function ARN for GetAtt, the ARN text for a Join. */
function renderIntrinsic(value: unknown): string {
  const record = value as Record<string, unknown>;
  if (Array.isArray(record['Fn::GetAtt']))
    return `arn:aws:lambda:us-east-1:123456789012:function:${record['Fn::GetAtt'][0]}`;
  if (Array.isArray(record['Fn::Join'])) {
    const [, parts] = record['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => (typeof part === 'string' ? part : 'aws')).join('');
  }
  return String(value);
}
