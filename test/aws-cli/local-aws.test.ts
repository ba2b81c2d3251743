import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planDatabaseCatalog } from '#domain/lake/catalog-plan';
import { ManualClock } from '#local/clock';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { eventually } from '../local/aws/helpers.ts';

// The AWS CLI v2 found on PATH by the suite's global setup.
const AWS_CLI = inject('awsCli');
const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const run = promisify(execFile);

let aws: LocalLakeshift;

beforeAll(async () => {
  aws = await startLocalLakeshift({ clock: new ManualClock(START) });
});

afterAll(async () => {
  await aws?.stop();
});

/** Runs `aws <args> --endpoint-url <local>` and parses its JSON output (empty output → {}). */
const cli = async (...args: string[]): Promise<Record<string, unknown>> => {
  const { stdout } = await run(AWS_CLI, [...args, '--endpoint-url', aws.endpoint, '--output', 'json'], {
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    },
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
};

describe('AWS CLI v2 against the local endpoint', () => {
  it('runs aws stepfunctions create-state-machine, start-execution, describe-execution, get-execution-history', async () => {
    // Prepare
    const definition = JSON.stringify({
      StartAt: 'P',
      States: { P: { Type: 'Pass', Result: { via: 'cli' }, End: true } },
    });
    const { stateMachineArn } = await cli(
      'stepfunctions',
      'create-state-machine',
      '--name',
      'cli-pass',
      '--definition',
      definition,
      '--role-arn',
      'arn:aws:iam::000000000000:role/cli',
    );

    // Act
    const { executionArn } = await cli(
      'stepfunctions',
      'start-execution',
      '--state-machine-arn',
      String(stateMachineArn),
      '--name',
      'cli-1',
    );
    await eventually(() => aws.stepFunctions.getExecution(String(executionArn))?.status === 'SUCCEEDED');
    // Independent commands run side by side: each CLI start costs about a second of Python start-up.
    const [described, history, machines] = await Promise.all([
      cli('stepfunctions', 'describe-execution', '--execution-arn', String(executionArn)),
      cli('stepfunctions', 'get-execution-history', '--execution-arn', String(executionArn)),
      cli('stepfunctions', 'list-state-machines'),
    ]);

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"via":"cli"}', name: 'cli-1' });
    expect((history.events as { type: string }[]).map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect((machines.stateMachines as { name: string }[]).map((m) => m.name)).toContain(
      'lakeshift-migrate-fleet',
    );
  });

  it('runs aws events put-events and list-rules', async () => {
    // Act
    const [put, rules] = await Promise.all([
      cli(
        'events',
        'put-events',
        '--entries',
        JSON.stringify([
          { Source: 'cli.test', DetailType: 'Ping', Detail: '{"n":1}', EventBusName: 'lakeshift' },
        ]),
      ),
      cli('events', 'list-rules', '--event-bus-name', 'lakeshift'),
    ]);

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect((rules.Rules as { Name: string }[]).map((r) => r.Name)).toEqual([
      'lakeshift-MigrationRequested',
      'lakeshift-RetryRequested',
      'lakeshift-TableResyncRequested',
      'lakeshift-TeardownRequested',
    ]);
  });

  it('runs aws cloudwatch put-metric-data, get-metric-statistics, put-metric-alarm, set-alarm-state, describe-alarms', async () => {
    // Prepare
    const dimensions = ['--dimensions', 'Name=Host,Value=cli'];
    const alarm = [
      'cloudwatch',
      'put-metric-alarm',
      '--alarm-name',
      'cli-load-high',
      '--namespace',
      'Custom/Cli',
      '--metric-name',
      'Load',
      ...dimensions,
      '--statistic',
      'Average',
      '--period',
      '60',
      '--evaluation-periods',
      '2',
      '--datapoints-to-alarm',
      '2',
      '--threshold',
      '5',
      '--comparison-operator',
      'GreaterThanThreshold',
      '--treat-missing-data',
      'notBreaching',
    ];
    const statistics = [
      'cloudwatch',
      'get-metric-statistics',
      '--namespace',
      'Custom/Cli',
      '--metric-name',
      'Load',
      ...dimensions,
      '--start-time',
      new Date(START - 60_000).toISOString(),
      '--end-time',
      new Date(START + 60_000).toISOString(),
      '--period',
      '60',
      '--statistics',
      'Average',
      'Maximum',
    ];

    // Act
    // put-metric-data's --dimensions shorthand is Name=Value.
    await Promise.all([
      cli(
        'cloudwatch',
        'put-metric-data',
        '--namespace',
        'Custom/Cli',
        '--metric-name',
        'Load',
        '--value',
        '7',
        '--dimensions',
        'Host=cli',
      ),
      cli(...alarm),
    ]);
    const [datapoints] = await Promise.all([
      cli(...statistics),
      cli(
        'cloudwatch',
        'set-alarm-state',
        '--alarm-name',
        'cli-load-high',
        '--state-value',
        'ALARM',
        '--state-reason',
        'by hand',
      ),
    ]);
    const alarms = await cli('cloudwatch', 'describe-alarms', '--alarm-names', 'cli-load-high');

    // Assess
    expect(datapoints.Datapoints).toEqual([
      { Timestamp: '2026-01-01T12:00:00+00:00', Average: 7, Maximum: 7, Unit: 'None' },
    ]);
    expect(alarms.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'cli-load-high',
        StateValue: 'ALARM',
        StateReason: 'by hand',
        Threshold: 5,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Dimensions: [{ Name: 'Host', Value: 'cli' }],
      }),
    ]);
  });

  it('runs aws dynamodb list-tables, put-item and get-item on the registry table', async () => {
    // Prepare
    const key = JSON.stringify({ pk: { S: 'cli-migration' }, sk: { S: 'db-1' } });

    // Act
    const [tables] = await Promise.all([
      cli('dynamodb', 'list-tables'),
      cli(
        'dynamodb',
        'put-item',
        '--table-name',
        'lakeshift-registry',
        '--item',
        JSON.stringify({ pk: { S: 'cli-migration' }, sk: { S: 'db-1' }, phase: { S: 'CDC' } }),
      ),
    ]);
    const item = await cli('dynamodb', 'get-item', '--table-name', 'lakeshift-registry', '--key', key);

    // Assess
    expect(tables.TableNames).toEqual(['lakeshift-registry']);
    expect(item.Item).toEqual({ pk: { S: 'cli-migration' }, sk: { S: 'db-1' }, phase: { S: 'CDC' } });
  });

  it('runs aws glue create-database, create-table, get-tables and delete-database on a catalog lakeshift plans', async () => {
    // Prepare
    const catalog = planDatabaseCatalog(
      { migrationId: 'cli', databaseId: 'shop', bucket: 'lake', bucketFolder: 'raw/cli' },
      [
        {
          schema: 'public',
          table: 'orders',
          columns: [
            { name: 'id', typeName: 'int8', typeCategory: 'N', typeModifier: -1 },
            { name: 'status', typeName: 'text', typeCategory: 'S', typeModifier: -1 },
          ],
          primaryKey: ['id'],
        },
      ],
    );
    const [table] = catalog.tables;
    if (!table) throw new Error('the plan has no table');

    // Act
    await cli('glue', 'create-database', '--database-input', JSON.stringify({ Name: catalog.databaseName }));
    for (const input of [table.changes, table.view]) {
      await cli(
        'glue',
        'create-table',
        '--database-name',
        catalog.databaseName,
        '--table-input',
        JSON.stringify(input),
      );
    }
    const listed = await cli('glue', 'get-tables', '--database-name', catalog.databaseName);
    await cli('glue', 'delete-database', '--name', catalog.databaseName);
    const left = await cli('glue', 'get-databases');

    // Assess
    expect(listed.TableList).toEqual([
      expect.objectContaining({
        Name: 'orders',
        TableType: 'VIRTUAL_VIEW',
        ViewOriginalText: table.view.ViewOriginalText,
      }),
      expect.objectContaining({
        Name: 'orders_changes',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: expect.objectContaining({
          Location: 's3://lake/raw/cli/public/orders/',
          Columns: table.changes.StorageDescriptor.Columns,
        }),
      }),
    ]);
    expect(left.DatabaseList).toEqual([]);
  });
});
