import { describe, expect, it } from 'vitest';
import { scanDefinition } from '../../infra/asl/definition-scan.ts';

/** An ASL placeholder as it appears in a definition file: `${Key}`. */
const ref = (key: string): string => `\${${key}}`;
const task = (resource: string, parameters?: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: resource,
  ...(parameters ? { Parameters: parameters } : {}),
  End: true,
});
const definition = (states: Record<string, unknown>): string =>
  JSON.stringify({ StartAt: Object.keys(states)[0], States: states });

describe('scanDefinition', () => {
  it('finds the handlers a definition invokes, inside Map and Parallel states too', () => {
    // Prepare
    const text = definition({
      Plan: task('arn:aws:states:::lambda:invoke', {
        FunctionName: ref('PlanDatabaseFunctionArn'),
        Payload: {},
      }),
      Fan: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Ensure',
          States: {
            Ensure: task('arn:aws:states:::lambda:invoke', { FunctionName: ref('EnsureTaskFunctionArn') }),
          },
        },
        End: true,
      },
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Stop', States: { Stop: task(ref('StopTaskFunctionArn')) } },
          { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 5, End: true } } },
        ],
        End: true,
      },
    });
    // Act
    const scan = scanDefinition(text, 'fixture');
    // Assess
    expect(scan).toEqual({
      placeholders: ['EnsureTaskFunctionArn', 'PlanDatabaseFunctionArn', 'StopTaskFunctionArn'],
      invokedHandlers: ['ensure-task', 'plan-database', 'stop-task'],
      invokedByNetwork: [],
      nestedExecutions: [],
      waitsForTaskToken: false,
      registryActions: [],
      publishesEvents: false,
    });
  });

  it('tells synchronous child executions, task-token waits, registry and event integrations apart', () => {
    // Prepare
    const text = definition({
      Child: task('arn:aws:states:::states:startExecution.sync:2', {
        StateMachineArn: ref('MigrateDatabaseStateMachineArn'),
        'Name.$': '$.name',
      }),
      Async: task('arn:aws:states:::states:startExecution', {
        StateMachineArn: ref('TeardownStateMachineArn'),
      }),
      Token: task('arn:aws:states:::lambda:invoke.waitForTaskToken', {
        FunctionName: ref('AwaitFullLoadFunctionArn'),
      }),
      Read: task('arn:aws:states:::dynamodb:getItem', { TableName: ref('RegistryTableName') }),
      Publish: task('arn:aws:states:::events:putEvents', {
        Entries: [{ EventBusName: ref('EventBusName') }],
      }),
    });
    // Act
    const scan = scanDefinition(text, 'fixture');
    // Assess
    expect(scan.nestedExecutions).toEqual([
      { name: 'migrate-database', sync: true },
      { name: 'teardown', sync: false },
    ]);
    expect(scan.invokedHandlers).toEqual(['await-full-load']);
    expect(scan.waitsForTaskToken).toBe(true);
    expect(scan.registryActions).toEqual(['dynamodb:GetItem']);
    expect(scan.publishesEvents).toBe(true);
    expect(scan.placeholders).toEqual([
      'AwaitFullLoadFunctionArn',
      'EventBusName',
      'MigrateDatabaseStateMachineArn',
      'RegistryTableName',
      'TeardownStateMachineArn',
    ]);
  });

  it('rejects a placeholder the stack cannot fill', () => {
    // Act
    const act = () => scanDefinition(definition({ A: task(ref('NoSuchFunctionArn')) }), 'x.asl.json');
    // Assess
    expect(act).toThrow(`x.asl.json: unknown placeholder ${ref('NoSuchFunctionArn')}`);
  });

  it('rejects a function chosen at run time, which no policy could scope', () => {
    // Prepare
    const text = definition({ Invoke: task('arn:aws:states:::lambda:invoke', { 'FunctionName.$': '$.fn' }) });
    // Act
    const act = () => scanDefinition(text, 'x.asl.json');
    // Assess
    expect(act).toThrow(`x.asl.json: state "Invoke" must set FunctionName.$ to States.Format(`);
  });

  it("reads a source handler chosen by the database's network as an invocation of any of its copies", () => {
    // Prepare
    const text = definition({
      Drop: task('arn:aws:states:::lambda:invoke', {
        'FunctionName.$': `States.Format('${ref('DropReplicationSlotFunctionArnPattern')}', $.source.network)`,
      }),
    });
    // Act
    const scan = scanDefinition(text, 'x.asl.json');
    // Assess
    expect(scan.invokedByNetwork).toEqual(['drop-replication-slot']);
    expect(scan.invokedHandlers).toEqual([]);
  });

  it('rejects a function chosen by network from the ARN of a handler that has no copy per network', () => {
    // Prepare
    const text = definition({
      Plan: task('arn:aws:states:::lambda:invoke', {
        'FunctionName.$': `States.Format('${ref('PlanDatabaseFunctionArn')}{}', $.network)`,
      }),
    });
    // Act
    const act = () => scanDefinition(text, 'x.asl.json');
    // Assess
    expect(act).toThrow('x.asl.json: state "Plan" must set FunctionName.$ to States.Format(');
  });

  it('rejects an integration the stack would not grant', () => {
    // Prepare
    const text = definition({ Copy: task('arn:aws:states:::aws-sdk:s3:copyObject', {}) });
    // Act
    const act = () => scanDefinition(text, 'x.asl.json');
    // Assess
    expect(act).toThrow(
      'x.asl.json: state "Copy" calls arn:aws:states:::aws-sdk:s3:copyObject, which the stack does not grant',
    );
  });

  it('rejects a file that is not JSON', () => {
    // Act
    const act = () => scanDefinition('{ "States": ', 'x.asl.json');
    // Assess
    expect(act).toThrow(/^x\.asl\.json: not valid JSON/);
  });
});
