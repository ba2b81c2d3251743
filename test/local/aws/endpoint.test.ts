import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationSubnetGroupsCommand,
} from '@aws-sdk/client-database-migration-service';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { RULES } from '#contracts/wiring';
import { ManualClock } from '#local/clock';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { eventually, type SdkConfig, sdkConfig } from './helpers.ts';

const START = new Date(Date.UTC(2026, 0, 1));

let aws: LocalLakeshift;
let config: SdkConfig;

beforeAll(async () => {
  aws = await startLocalLakeshift({ clock: new ManualClock(START.getTime()) });
  config = sdkConfig(aws);
});

afterAll(async () => {
  await aws?.stop();
});

describe('startLocalLakeshift', () => {
  it('serves on 127.0.0.1 with the stack applied: state machines, rules, registry table and DMS network', async () => {
    // Prepare
    const sfn = new SFNClient(config);
    const events = new EventBridgeClient(config);
    const dynamodb = new DynamoDBClient(config);
    const dms = new DatabaseMigrationServiceClient(config);

    // Act
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    const fleet = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: aws.stack.stateMachineArns['migrate-fleet'] }),
    );
    const defaultRules = await events.send(new ListRulesCommand({}));
    const lakeshiftRules = await events.send(new ListRulesCommand({ EventBusName: 'lakeshift' }));
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: aws.stack.registryTableName }));
    const groups = await dms.send(new DescribeReplicationSubnetGroupsCommand({}));

    // Assess
    expect(aws.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(machines.stateMachines?.map((m) => m.name).sort()).toEqual([
      'lakeshift-migrate-database',
      'lakeshift-migrate-fleet',
      'lakeshift-refresh-catalogs',
      'lakeshift-resize-instance',
      'lakeshift-resync-table',
      'lakeshift-teardown',
    ]);
    expect(fleet.definition).not.toMatch(/\$\{/);
    expect(fleet.definition).toContain(
      'arn:aws:lambda:us-east-1:000000000000:function:lakeshift-validate-request',
    );
    expect(fleet.definition).toContain(
      'arn:aws:states:us-east-1:000000000000:stateMachine:lakeshift-migrate-database',
    );
    const ruleNames = [...(defaultRules.Rules ?? []), ...(lakeshiftRules.Rules ?? [])]
      .map((r) => r.Name)
      .sort();
    // A rule for a source handler is repeated for the local stack's second network.
    expect(ruleNames).toEqual(
      [...RULES.map((rule) => `lakeshift-${rule.id}`), 'lakeshift-InspectReplicationSlots-partner'].sort(),
    );
    expect(lakeshiftRules.Rules?.map((r) => r.Name).sort()).toEqual([
      'lakeshift-MigrationRequested',
      'lakeshift-RetryRequested',
      'lakeshift-TableResyncRequested',
      'lakeshift-TeardownRequested',
    ]);
    for (const rule of RULES.filter((r) => r.pattern)) {
      const deployed = [...(defaultRules.Rules ?? []), ...(lakeshiftRules.Rules ?? [])].find(
        (r) => r.Name === `lakeshift-${rule.id}`,
      );
      expect(JSON.parse(deployed?.EventPattern ?? '{}')).toEqual(rule.pattern);
    }
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'byInstanceIdentifier',
      'byTaskArn',
    ]);
    expect(groups.ReplicationSubnetGroups?.map((g) => g.ReplicationSubnetGroupIdentifier).sort()).toEqual([
      'lakeshift-default',
      'lakeshift-partner',
    ]);
    expect(aws.counters.dmsApiCalls).toBeGreaterThanOrEqual(2);
  });

  it('gives handlers the environment the CDK stack gives them, pointed at the endpoint', () => {
    // Act + Assess
    expect(process.env.AWS_ENDPOINT_URL).toBe(aws.endpoint);
    expect(process.env.REGISTRY_TABLE_NAME).toBe('lakeshift-registry');
    expect(process.env.EVENT_BUS_NAME).toBe('lakeshift');
    expect(JSON.parse(process.env.LAKESHIFT_NETWORKS ?? '{}')).toEqual({
      default: {
        replicationSubnetGroupId: 'lakeshift-default',
        vpcSecurityGroupIds: ['sg-0000000000000a001'],
      },
      partner: {
        replicationSubnetGroupId: 'lakeshift-partner',
        vpcSecurityGroupIds: ['sg-0000000000000a002'],
      },
    });
  });

  it('runs an execution over the SDK and maps Step Functions errors to the SDK classes', async () => {
    // Prepare
    const sfn = new SFNClient(config);
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'sdk-pass',
        roleArn: 'arn:aws:iam::000000000000:role/any',
        definition: JSON.stringify({
          StartAt: 'P',
          States: { P: { Type: 'Pass', Result: { ok: true }, End: true } },
        }),
      }),
    );

    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: 'once', input: '{}' }),
    );
    await eventually(
      () => aws.stepFunctions.getExecution(started.executionArn ?? '')?.status === 'SUCCEEDED',
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const duplicate = sfn.send(
      new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: 'once', input: '{"x":1}' }),
    );

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(described.output).toBe('{"ok":true}');
    expect(described.startDate).toEqual(new Date(Date.UTC(2026, 0, 1)));
    await expect(duplicate).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('speaks CloudWatch JSON 1.0 with query-compatible errors', async () => {
    // Prepare
    const cloudWatch = new CloudWatchClient(config);
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'sdk-alarm',
        Namespace: 'Custom/Test',
        MetricName: 'Load',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );

    // Act
    const described = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-alarm'] }));
    const missing = cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['no-such-alarm'] }));

    // Assess
    expect(described.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'sdk-alarm',
      StateValue: 'INSUFFICIENT_DATA',
      Threshold: 1,
    });
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFound);
  });

  it('stores source credentials in Secrets Manager and the data plane resolves them by ARN', async () => {
    // Prepare
    const secrets = new SecretsManagerClient(config);
    const value = JSON.stringify({
      host: 'orders.synthetic',
      port: 5432,
      username: 'u',
      password: 'p',
      dbname: 'orders',
    });

    // Act
    const created = await secrets.send(new CreateSecretCommand({ Name: 'sdk/orders', SecretString: value }));
    const read = await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }));

    // Assess
    expect(created.ARN).toMatch(/:secret:sdk\/orders-[A-Za-z0-9]{6}$/);
    expect(read.SecretString).toBe(value);
    expect(aws.secretsManager.resolveSecretString(created.ARN ?? '')).toBe(value);
  });
});

/**
 * The lifecycles the AWS CLI suite (`npm run test:aws-cli`) drives, through the SDK clients the handlers use, so that
 * `npm test` covers the wire protocol of every local service without the CLI.
 */
describe('the SDK clients against the local endpoint', () => {
  it('creates a state machine, runs an execution and reads its description and history', async () => {
    // Prepare
    const sfn = new SFNClient(config);
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'sdk-history',
        roleArn: 'arn:aws:iam::000000000000:role/sdk',
        definition: JSON.stringify({
          StartAt: 'P',
          States: { P: { Type: 'Pass', Result: { via: 'sdk' }, End: true } },
        }),
      }),
    );

    // Act
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'sdk-1' }),
    );
    await eventually(() => aws.stepFunctions.getExecution(executionArn)?.status === 'SUCCEEDED');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const machines = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"via":"sdk"}', name: 'sdk-1' });
    expect(history.events?.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(machines.stateMachines?.map((machine) => machine.name)).toContain('lakeshift-migrate-fleet');
  });

  it('puts an event on the lakeshift bus and lists its rules', async () => {
    // Prepare
    const events = new EventBridgeClient(config);

    // Act
    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: 'sdk.test', DetailType: 'Ping', Detail: '{"n":1}', EventBusName: 'lakeshift' }],
      }),
    );
    const rules = await events.send(new ListRulesCommand({ EventBusName: 'lakeshift' }));

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect(put.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(rules.Rules?.map((rule) => rule.Name)).toEqual([
      'lakeshift-MigrationRequested',
      'lakeshift-RetryRequested',
      'lakeshift-TableResyncRequested',
      'lakeshift-TeardownRequested',
    ]);
  });

  it('puts metric data, reads its statistics, and sets and describes an alarm', async () => {
    // Prepare
    const cloudWatch = new CloudWatchClient(config);
    const dimensions = [{ Name: 'Host', Value: 'sdk' }];
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'Custom/Sdk',
        MetricData: [{ MetricName: 'Load', Value: 7, Dimensions: dimensions }],
      }),
    );
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'sdk-load-high',
        Namespace: 'Custom/Sdk',
        MetricName: 'Load',
        Dimensions: dimensions,
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );

    // Act
    const statistics = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'Custom/Sdk',
        MetricName: 'Load',
        Dimensions: dimensions,
        StartTime: new Date(START.getTime() - 60_000),
        EndTime: new Date(START.getTime() + 60_000),
        Period: 60,
        Statistics: ['Average', 'Maximum'],
      }),
    );
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: 'sdk-load-high', StateValue: 'ALARM', StateReason: 'by hand' }),
    );
    const alarms = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-load-high'] }));

    // Assess
    expect(statistics.Datapoints).toEqual([{ Timestamp: START, Average: 7, Maximum: 7, Unit: 'None' }]);
    expect(alarms.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'sdk-load-high',
        StateValue: 'ALARM',
        StateReason: 'by hand',
        Threshold: 5,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Dimensions: dimensions,
      }),
    ]);
  });

  it('lists the registry table and puts and gets an item in it', async () => {
    // Prepare
    const dynamodb = new DynamoDBClient(config);
    const item = { pk: { S: 'sdk-migration' }, sk: { S: 'db-1' }, phase: { S: 'CDC' } };

    // Act
    const tables = await dynamodb.send(new ListTablesCommand({}));
    await dynamodb.send(new PutItemCommand({ TableName: 'lakeshift-registry', Item: item }));
    const read = await dynamodb.send(
      new GetItemCommand({ TableName: 'lakeshift-registry', Key: { pk: item.pk, sk: item.sk } }),
    );

    // Assess
    expect(tables.TableNames).toEqual(['lakeshift-registry']);
    expect(read.Item).toEqual(item);
  });
});
