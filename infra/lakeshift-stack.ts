import { ArnFormat, CfnOutput, ContextProvider, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import type { Construct } from 'constructs';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import {
  catalogRefreshScheduleExpression,
  DEFAULT_NETWORK_NAME,
  NETWORK_SLOT,
  replicationSubnetGroupIdentifier,
  STATE_MACHINE_NAMES,
  sourceFunctionName,
} from '#contracts/names';
import { STACK_OUTPUTS, stateMachineArnOutput } from '#contracts/stack-outputs';
import { CATALOG_REFRESH_RULE_ID } from '#contracts/wiring';
import type { LakeshiftConfig } from './config/schema.ts';
import { CustomerKey } from './constructs/customer-key.ts';
import { availabilityZonesOf, DmsNetwork } from './constructs/dms-network.ts';
import { DmsServiceRoles, sourceSecretStatements } from './constructs/dms-service-roles.ts';
import { EventRules } from './constructs/event-rules.ts';
import type { HandlerCode } from './constructs/handler-code.ts';
import { HandlerFunctions } from './constructs/handler-functions.ts';
import { Lake } from './constructs/lake.ts';
import { LogBucket } from './constructs/log-bucket.ts';
import { ManagedPrefixLists } from './constructs/managed-prefix-lists.ts';
import { Operations } from './constructs/operations.ts';
import { RegistryTable } from './constructs/registry-table.ts';
import { StateMachines } from './constructs/state-machines.ts';
import { grantCatalogRead } from './permissions/catalog-readers.ts';

export interface LakeshiftStackProps extends Omit<StackProps, 'env' | 'stackName'> {
  readonly config: LakeshiftConfig;
  /** Repository root: the state machine definitions are read from there. */
  readonly rootDir: string;
  /** Where the handlers' code comes from (the esbuild bundles, or a stub in tests). */
  readonly handlerCode: HandlerCode;
}

/** Everything lakeshift needs in one account and region. */
export class LakeshiftStack extends Stack {
  constructor(scope: Construct, id: string, props: LakeshiftStackProps) {
    const { config } = props;
    super(scope, id, {
      ...props,
      stackName: config.stackName,
      env: { account: config.account, region: config.region },
      description: 'lakeshift: migrates PostgreSQL databases into an S3 Parquet lake with AWS DMS',
    });
    // Access logs are admitted by a bucket policy for the logging service, not by the legacy log-delivery ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    // CDK checks VPC zones against the account's zones, which it would look up with AWS credentials. The config
    // names the zones, so they are given as that lookup's answer and synthesis stays offline.
    this.node.setContext(
      ContextProvider.getKey(this, { provider: cxschema.ContextProvider.AVAILABILITY_ZONE_PROVIDER }).key,
      [
        ...new Set(
          Object.values(config.networks).flatMap((network) => availabilityZonesOf(network, config.region)),
        ),
      ].sort(),
    );
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const operationsKey = this.operationsKey(config);

    const accessLogs = new LogBucket(this, 'AccessLogs', {
      retentionDays: config.lake.accessLogsRetentionDays,
      retainOnDelete: config.lake.retainOnDelete,
    }).bucket;
    const lake = new Lake(this, 'Lake', { config: config.lake, stackName: config.stackName, accessLogs });
    const dmsRoles = new DmsServiceRoles(this, 'DmsRoles', {
      lake,
      sourceSecrets: config.sourceSecrets,
      accountRoles: config.accountRoles,
    });

    const prefixLists = new ManagedPrefixLists(this, 'PrefixLists', {
      region: config.region,
      logKey: operationsKey,
      logRetention,
      known: {
        ...(config.s3PrefixListId ? { s3: config.s3PrefixListId } : {}),
        ...(config.dynamoDbPrefixListId ? { dynamodb: config.dynamoDbPrefixListId } : {}),
      },
    });
    const networks = new Map(
      Object.entries(config.networks).map(([name, network]) => [
        name,
        new DmsNetwork(this, `Network-${name}`, {
          networkName: name,
          config: network,
          region: config.region,
          stackName: config.stackName,
          prefixLists,
          flowLogBucket: accessLogs,
          ...(dmsRoles.vpcRole ? { dmsVpcRole: dmsRoles.vpcRole } : {}),
        }),
      ]),
    );
    if (!networks.has(DEFAULT_NETWORK_NAME)) throw new Error('the config has no "default" network');

    const registry = new RegistryTable(this, 'Registry').table;
    // Each network runs its own copies of the handlers that connect to sources (docs/source-safety.md, "Networks"),
    // with a source-client group of that network that also reaches DynamoDB (they read the registry from inside).
    const sourceAccess = new Map(
      [...networks].map(([name, network]) => {
        const securityGroup = network.sourceClientSecurityGroup(
          'SlotDropperSecurityGroup',
          'replication slot dropper and source table reader',
        );
        network.allowDynamoDb(securityGroup);
        return [name, { vpc: network.vpc, subnets: { subnets: [...network.subnets] }, securityGroup }];
      }),
    );
    const bus = new events.EventBus(this, 'Bus', { eventBusName: config.stackName });

    const handlers = new HandlerFunctions(this, 'Handlers', {
      stackName: config.stackName,
      code: props.handlerCode,
      environment: {
        [ENV.registryTableName]: registry.tableName,
        [ENV.eventBusName]: bus.eventBusName,
        [ENV.dmsS3AccessRoleArn]: dmsRoles.s3AccessRole.roleArn,
        [ENV.dmsSecretsAccessRoleArn]: dmsRoles.secretsAccessRole.roleArn,
        [ENV.networks]: this.toJsonString(
          Object.fromEntries([...networks].map(([name, network]) => [name, network.runtimeEntry])),
        ),
        [ENV.lakeBucketOwner]: this.account,
        // The DMS role writes only under this folder: the planner refuses requests that target another one.
        [OPTIONAL_ENV.lakeFolder]: config.lake.folder,
      },
      logRetention,
      logKey: operationsKey,
      sourceAccess,
    });
    const stateMachines = new StateMachines(this, 'StateMachines', {
      rootDir: props.rootDir,
      stackName: config.stackName,
      functionArn: (name) => handlers.get(name).function.functionArn,
      functionArns: (name) => [...handlers.copies(name).values()].map((copy) => copy.function.functionArn),
      functionArnPattern: (name) =>
        this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: sourceFunctionName(config.stackName, name, NETWORK_SLOT),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      registryTable: registry,
      eventBus: bus,
      logKey: operationsKey,
      logRetention,
    });
    handlers.grantAccess({
      registryTableArn: registry.tableArn,
      eventBusArn: bus.eventBusArn,
      tokenWaitingStateMachineArns: stateMachines.tokenWaitingStateMachineArns,
      databaseExecutions: stateMachines.databaseExecutions,
      dmsRoleArns: [dmsRoles.s3AccessRole.roleArn, dmsRoles.secretsAccessRole.roleArn],
      sourceSecretStatements: sourceSecretStatements(
        this,
        config.sourceSecrets,
        dmsRoles.sourceSecretResources,
      ),
      replicationSubnetGroups: [...networks.keys()].map((name) =>
        replicationSubnetGroupIdentifier(config.stackName, name),
      ),
      lake: { bucketArn: lake.bucket.bucketArn, folder: lake.folder, keyArn: lake.keyArn },
    });
    grantCatalogRead(this, config.lake.readerRoleArns);
    lake.restrictDataAccessTo([
      dmsRoles.s3AccessRole.roleArn,
      ...handlers.all.map((handler) => handler.role.roleArn),
      ...config.lake.readerRoleArns,
    ]);

    const rules = new EventRules(this, 'Rules', {
      bus,
      stateMachine: (name) => stateMachines.get(name),
      handlers: (name) =>
        new Map([...handlers.copies(name)].map(([network, copy]) => [network, copy.function])),
      schedules: {
        [CATALOG_REFRESH_RULE_ID]: catalogRefreshScheduleExpression(config.lake.catalogRefreshMinutes),
      },
    });
    const operations = new Operations(this, 'Operations', {
      stackName: config.stackName,
      key: operationsKey,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      stateMachines: stateMachines.byName,
      handlers: new Map(handlers.all.map((handler) => [handler.label, handler])),
      deadLetterQueues: rules.deadLetterQueues,
    });
    // The per-database replication-slot alarms the reconciler keeps notify the health topic.
    handlers.get('reconcile').function.addEnvironment(OPTIONAL_ENV.healthTopicArn, operations.topic.topicArn);

    new CfnOutput(this, STACK_OUTPUTS.eventBusName, {
      value: bus.eventBusName,
      description: 'Send Migration Requested events here',
    });
    new CfnOutput(this, STACK_OUTPUTS.lakeBucketName, { value: lake.bucket.bucketName });
    new CfnOutput(this, 'LakeKeyArn', { value: lake.keyArn });
    new CfnOutput(this, STACK_OUTPUTS.registryTableName, { value: registry.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: operations.topic.topicArn });
    new CfnOutput(this, STACK_OUTPUTS.dashboardName, { value: operations.dashboard.dashboardName });
    for (const [name, network] of networks) {
      const id = name.replace(/[^A-Za-z0-9]/g, '');
      new CfnOutput(this, `${id}DmsSecurityGroupId`, {
        value: network.dmsSecurityGroup.securityGroupId,
        description: `Allow this group on the source databases' port (network ${name})`,
      });
      new CfnOutput(this, `${id}ReplicationSubnetGroup`, { value: network.subnetGroup.ref });
    }
    for (const name of STATE_MACHINE_NAMES) {
      new CfnOutput(this, stateMachineArnOutput(name), {
        value: stateMachines.get(name).stateMachineArn,
      });
    }
  }

  /** One key for the log groups and the alarm topic; its policy admits CloudWatch Logs and CloudWatch alarms. */
  private operationsKey(config: LakeshiftConfig) {
    return new CustomerKey(this, 'OperationsKey', {
      description: `${config.stackName}: encrypts lakeshift's log groups and alarm topic`,
      alias: `alias/${config.stackName}-operations`,
      removalPolicy: RemovalPolicy.DESTROY,
      serviceStatements: [
        CustomerKey.serviceUse('CloudWatchLogsUsesKey', `logs.${config.region}.amazonaws.com`, {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        }),
        CustomerKey.serviceUse('CloudWatchAlarmsUseKey', 'cloudwatch.amazonaws.com'),
      ],
    }).key;
  }
}
