import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dmsApiBudget } from '#adapters/retry';
import { SharedTokenBucket } from '#adapters/shared-token-bucket';
import { systemTime } from '#adapters/time';
import { OPTIONAL_ENV } from '#contracts/env';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { ManualClock, ScaledClock } from '#local/clock';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { IdlePacedClock } from '#test/idle-paced-clock';

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

const budgetNextFreeAt = async (local: LocalLakeshift): Promise<unknown> => {
  const item = await documents(local).send(
    new GetCommand({
      TableName: local.stack.registryTableName,
      Key: {
        [REGISTRY_TABLE.partitionKey]: REGISTRY_TABLE.dmsApiBudgetKey.pk,
        [REGISTRY_TABLE.sortKey]: REGISTRY_TABLE.dmsApiBudgetKey.sk,
      },
    }),
  );
  return item.Item?.['nextFreeAt'];
};

const describeMissingTask = (local: LocalLakeshift) =>
  local.lambda.invoke(local.stack.functionNames['describe-resources'] ?? '', {
    kind: 'task-deleted',
    taskArn: MISSING_TASK_ARN,
    attempt: 1,
    waitSeconds: 30,
    maxWaitSeconds: 300,
    now: new Date(local.clock.now()).toISOString(),
  });

describe('startLocalLakeshift: the DMS API budget of the handlers', () => {
  it('gives the handlers the shared budget as written, refilled by the emulated clock when it runs by itself', async () => {
    // Prepare: an emulated clock months behind the system clock, so the two cannot be mistaken for each other.
    aws = await startLocalLakeshift({ clock: new ScaledClock(600, START) });
    const bucket = dmsApiBudget.current();
    const take = vi.spyOn(bucket, 'take');

    // Act
    const result = await describeMissingTask(aws);

    // Assess
    expect(result.FunctionError).toBeUndefined();
    expect(process.env[OPTIONAL_ENV.dmsApiBudget]).toBe('20:3.2');
    expect(bucket).toBeInstanceOf(SharedTokenBucket);
    expect(bucket.rate).toEqual({ capacity: 20, refillPerSecond: 3.2 });
    expect(dmsApiBudget.current()).toBe(bucket);
    expect(take).toHaveBeenCalledTimes(1);
    const nextFreeAt = await budgetNextFreeAt(aws);
    expect(nextFreeAt).toBeGreaterThan(START);
    expect(nextFreeAt).toBeLessThanOrEqual(aws.clock.now() + 1_000 / 3.2);
    // One subnet group per network of the local stack, then the handler's call.
    expect(aws.counters.dmsRequests().map((call) => call.operation)).toEqual([
      'CreateReplicationSubnetGroup',
      'CreateReplicationSubnetGroup',
      'DescribeReplicationTasks',
    ]);
  });

  it("times the budget by the clock's handler time when the clock stands still while handlers run", async () => {
    // Prepare
    const clock = new IdlePacedClock(600, START);
    const useTime = vi.spyOn(dmsApiBudget, 'useTime');

    // Act
    aws = await startLocalLakeshift({ clock });

    // Assess: a wait for the budget inside a handler would otherwise never end.
    expect(useTime).toHaveBeenLastCalledWith(clock.handlerTime);
    expect(clock.handlerTime).not.toBe(clock);
  });

  it('gives the handlers the budget as written on the system clock when time moves only by hand', async () => {
    // Prepare: a run on a scaled clock first, as a later stack in the same process would follow one.
    aws = await startLocalLakeshift({ clock: new ScaledClock(600, START) });
    await aws.stop();
    const useTime = vi.spyOn(dmsApiBudget, 'useTime');

    // Act
    aws = await startLocalLakeshift({ clock: new ManualClock(START) });

    // Assess
    expect(useTime).toHaveBeenLastCalledWith(systemTime);
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
