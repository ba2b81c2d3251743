import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dmsApiBudget } from '#adapters/retry';
import { SharedTokenBucket } from '#adapters/shared-token-bucket';
import { OPTIONAL_ENV } from '#contracts/env';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { ManualClock } from '#local/clock';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { localDmsApiBudget } from '#local/stack';

const START = Date.UTC(2026, 0, 1);
const MISSING_TASK_ARN = 'arn:aws:dms:us-east-1:000000000000:task:NOSUCHTASK000000000000000A';

let aws: LocalLakeshift | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await aws?.stop();
  aws = undefined;
});

const documents = (local: LocalLakeshift) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: local.credentials }),
  );

const dmsClient = (local: LocalLakeshift) =>
  new DatabaseMigrationServiceClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
    maxAttempts: 1,
  });

describe('localDmsApiBudget', () => {
  it('scales the refill by the clock speed and keeps the burst', () => {
    // Act
    const budgets = [localDmsApiBudget(120), localDmsApiBudget(2.5), localDmsApiBudget(undefined)];

    // Assess
    expect(budgets).toEqual(['20:384', '20:8', '20:3.2']);
  });
});

describe('startLocalLakeshift: the DMS API budget of the handlers', () => {
  it('gives the handlers the shared budget, refilled at 3.2 per emulated second on a scaled clock', async () => {
    // Prepare
    aws = await startLocalLakeshift({ clockSpeed: 600 });
    const functionName = aws.stack.functionNames['describe-resources'] ?? '';
    const bucket = dmsApiBudget.current();
    const take = vi.spyOn(bucket, 'take');

    // Act
    const result = await aws.lambda.invoke(functionName, {
      kind: 'task-deleted',
      taskArn: MISSING_TASK_ARN,
      attempt: 1,
      waitSeconds: 30,
      maxWaitSeconds: 300,
      now: new Date(aws.clock.now()).toISOString(),
    });

    // Assess
    expect(result.FunctionError).toBeUndefined();
    expect(process.env[OPTIONAL_ENV.dmsApiBudget]).toBe('20:1920');
    expect(bucket).toBeInstanceOf(SharedTokenBucket);
    expect(bucket.rate).toEqual({ capacity: 20, refillPerSecond: 1920 });
    expect(dmsApiBudget.current()).toBe(bucket);
    expect(take).toHaveBeenCalledTimes(1);
    const budgetItem = await documents(aws).send(
      new GetCommand({
        TableName: aws.stack.registryTableName,
        Key: {
          [REGISTRY_TABLE.partitionKey]: REGISTRY_TABLE.dmsApiBudgetKey.pk,
          [REGISTRY_TABLE.sortKey]: REGISTRY_TABLE.dmsApiBudgetKey.sk,
        },
      }),
    );
    expect(budgetItem.Item?.['nextFreeAt']).toEqual(expect.any(Number));
    // One subnet group per network of the local stack, then the handler's call.
    expect(aws.counters.dmsRequests().map((call) => call.operation)).toEqual([
      'CreateReplicationSubnetGroup',
      'CreateReplicationSubnetGroup',
      'DescribeReplicationTasks',
    ]);
  });

  it('gives the handlers the budget as written when time moves only by hand', async () => {
    // Act
    aws = await startLocalLakeshift({ clock: new ManualClock(START) });

    // Assess
    expect(process.env[OPTIONAL_ENV.dmsApiBudget]).toBe('20:3.2');
    expect(dmsApiBudget.current().rate).toEqual({ capacity: 20, refillPerSecond: 3.2 });
  });
});

describe('LocalCounters: the DMS request log', () => {
  it('stamps every DMS request with the emulated time it arrived and the error code it failed with', async () => {
    // Prepare
    const clock = new ManualClock(START);
    // Three tokens: one for each of the stack's two subnet groups (two networks), one for the first call below.
    aws = await startLocalLakeshift({
      clock,
      dmsFaults: { throttleBucket: { capacity: 3, refillPerSecond: 0.01 } },
    });
    const before = aws.counters.dmsRequests().length;
    const dms = dmsClient(aws);

    // Act
    await dms.send(new DescribeReplicationInstancesCommand({}));
    await clock.advance(5_000);
    const throttled = await dms
      .send(new DescribeReplicationInstancesCommand({}))
      .catch((error: Error) => error);
    dms.destroy();

    // Assess
    expect(throttled).toMatchObject({ name: 'ThrottlingException' });
    expect(aws.counters.dmsRequests().slice(before)).toEqual([
      { at: START, operation: 'DescribeReplicationInstances' },
      { at: START + 5_000, operation: 'DescribeReplicationInstances', errorCode: 'ThrottlingException' },
    ]);
  });
});
