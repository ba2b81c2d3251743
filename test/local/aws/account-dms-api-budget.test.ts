/**
 * The DMS API budget across Lambda containers: each simulated container has its own budget object, its own DMS and
 * DynamoDB clients and its own retry policy, as a container has its own module instances; they call the local DMS,
 * which throttles the account on its own bucket (100 at once, 4 per emulated second), all at once.
 */
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { registrySlotStore } from '#adapters/budget-slot-store';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/clients';
import { registryTableInput } from '#adapters/registry-table';
import { createRetryPolicy, DMS_API_BUDGET, type DmsApiBudget } from '#adapters/retry';
import { SharedTokenBucket } from '#adapters/shared-token-bucket';
import type { TimeSource } from '#adapters/time';
import { TokenBucket } from '#adapters/token-bucket';
import { busiestWindow } from '#local/aws/busiest-window';
import { type LocalAws, startLocalAws } from '#local/aws/index';
import { ManualClock } from '#local/clock';

const START = Date.UTC(2026, 0, 1);
const TABLE = 'lakeshift-registry';
const CONTAINERS = 6;
const CALLS_PER_CONTAINER = 20;
const WINDOW_MS = 25_000;
const THROTTLING = 'ThrottlingException';

let aws: LocalAws | undefined;

afterEach(async () => {
  await aws?.stop();
  aws = undefined;
});

/**
 * A time source on the manual clock that knows when every caller is asleep on it, so that the test moves time only
 * once all requests in flight have been answered (time never jumps under a request).
 */
class QuiescentTime implements TimeSource {
  private readonly wakes = new Set<number>();

  constructor(private readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  async sleep(ms: number): Promise<void> {
    const at = this.clock.now() + ms;
    this.wakes.add(at);
    try {
      await this.clock.sleep(ms);
    } finally {
      this.wakes.delete(at);
    }
  }

  /** Runs `work` to its end, moving the clock to the next wake-up whenever nothing but sleepers is left. */
  async drive<T>(work: readonly Promise<T>[], sleepers: () => number): Promise<T[]> {
    let finished = 0;
    const all = Promise.all(work.map((promise) => promise.finally(() => finished++)));
    while (finished < work.length) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (finished + sleepers() < work.length || this.wakes.size === 0) continue;
      await this.clock.advanceTo(Math.min(...this.wakes));
    }
    return all;
  }
}

/** One simulated container: its own clients, its own budget object, its own retry policy (throttling not retried). */
const container = (local: LocalAws, budgetFor: (documents: DynamoDBDocumentClient) => DmsApiBudget) => {
  const settings = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
    maxAttempts: 1,
  };
  const dms = new DatabaseMigrationServiceClient(settings);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(settings), DOCUMENT_CLIENT_OPTIONS);
  const budget = budgetFor(documents);
  const call = createRetryPolicy({ bucket: budget, maxAttempts: 1 });
  return {
    describe: () =>
      call('DescribeReplicationInstances', () => dms.send(new DescribeReplicationInstancesCommand({}))).then(
        () => 'ok' as const,
        (error: Error) => error.message,
      ),
    close: () => {
      dms.destroy();
      documents.destroy();
    },
  };
};

/**
 * Every container makes `callsPerContainer` calls at once; resolves with each call's outcome and DMS's request log.
 * Every caller either is in a request, asleep on the clock for its turn, or done: the clock moves only when none is
 * in a request.
 */
const runContainers = async (shared: boolean, callsPerContainer: number) => {
  const clock = new ManualClock(START);
  aws = await startLocalAws({ clock });
  const local = aws;
  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: local.credentials,
  });
  await client.send(new CreateTableCommand(registryTableInput(TABLE)));
  client.destroy();
  const time = new QuiescentTime(clock);
  let asleep = 0;
  const sleepCounting: TimeSource = {
    now: () => time.now(),
    sleep: async (ms) => {
      asleep++;
      try {
        await time.sleep(ms);
      } finally {
        asleep--;
      }
    },
  };
  const containers = Array.from({ length: CONTAINERS }, () =>
    container(local, (documents) =>
      shared
        ? new SharedTokenBucket({
            store: registrySlotStore({ tableName: TABLE, call: createRetryPolicy(), client: documents }),
            rate: DMS_API_BUDGET,
            time: sleepCounting,
            maxQueuedTurns: CONTAINERS * CALLS_PER_CONTAINER,
            name: 'DMS API budget',
          })
        : new TokenBucket(DMS_API_BUDGET.capacity, DMS_API_BUDGET.refillPerSecond, sleepCounting),
    ),
  );
  const calls = containers.flatMap((one) => Array.from({ length: callsPerContainer }, () => one.describe()));
  const outcomes = await time.drive(calls, () => asleep);
  for (const one of containers) one.close();
  return { outcomes, requests: local.counters.dmsRequests() };
};

describe('the DMS API budget across Lambda containers', () => {
  it('keeps many containers calling at once within the account’s budget when they share the bucket', async () => {
    // Act
    const { outcomes, requests } = await runContainers(true, CALLS_PER_CONTAINER);

    // Assess
    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    expect(requests).toHaveLength(CONTAINERS * CALLS_PER_CONTAINER);
    expect(requests.filter((request) => request.errorCode === THROTTLING)).toEqual([]);
    const times = requests.map((request) => request.at);
    expect(times.filter((at) => at === START)).toHaveLength(DMS_API_BUDGET.capacity);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(4 * (WINDOW_MS / 1000));
  });

  it('lets DMS throttle the account when each container keeps a budget of its own', async () => {
    // Act: each container spends exactly its own burst, so no call waits for a turn.
    const { requests } = await runContainers(false, DMS_API_BUDGET.capacity);

    // Assess: six buckets of 20 spend 120 calls at once against DMS’s 100.
    const throttled = requests.filter((request) => request.errorCode === THROTTLING);
    expect(throttled.length).toBeGreaterThan(0);
    expect(requests.filter((request) => request.at === START).length).toBe(
      CONTAINERS * DMS_API_BUDGET.capacity,
    );
  });
});
