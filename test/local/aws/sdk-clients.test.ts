import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '#local/aws/index';
import { ManualClock } from '#local/clock';
import { eventually, type SdkConfig, sdkConfig } from './helpers.ts';

/**
 * The same lifecycles the AWS CLI suite (`npm run test:aws-cli`) drives, through the SDK clients the handlers use, so
 * that `npm test` covers the wire protocol of every local service without the CLI.
 */
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

let aws: LocalAws;
let config: SdkConfig;

beforeAll(async () => {
  aws = await startLocalAws({ clock: new ManualClock(START) });
  config = sdkConfig(aws);
});

afterAll(async () => {
  await aws?.stop();
});

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
        StartTime: new Date(START - 60_000),
        EndTime: new Date(START + 60_000),
        Period: 60,
        Statistics: ['Average', 'Maximum'],
      }),
    );
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: 'sdk-load-high', StateValue: 'ALARM', StateReason: 'by hand' }),
    );
    const alarms = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-load-high'] }));

    // Assess
    expect(statistics.Datapoints).toEqual([
      { Timestamp: new Date(START), Average: 7, Maximum: 7, Unit: 'None' },
    ]);
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
