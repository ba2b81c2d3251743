import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrySlotStore } from '#adapters/budget-slot-store';
import { createRegistry } from '#adapters/registry';
import { createRetryPolicy } from '#adapters/retry';
import { type BucketSlotStore, memorySlotStore, SharedTokenBucket } from '#adapters/shared-token-bucket';
import { ERROR_NAMES } from '#contracts/errors';
import { busiestWindow } from '#local/aws/busiest-window';
import { ManualClock } from '#local/clock';
import { type RunningDynalite, startDynalite } from '#test/dynalite';

const RATE = { capacity: 5, refillPerSecond: 2 };

const bucketOn = (store: BucketSlotStore, clock: ManualClock, maxQueuedTurns = 100) =>
  new SharedTokenBucket({ store, rate: RATE, time: clock, maxQueuedTurns, name: 'test budget' });

/** Takes `count` tokens at once from `buckets` in turn and records the clock time each one was granted. */
const takeAll = (buckets: readonly SharedTokenBucket[], clock: ManualClock, count: number) => {
  const granted: number[] = [];
  const takes = Array.from({ length: count }, (_, index) =>
    buckets[index % buckets.length]?.take().then(() => granted.push(clock.now())),
  );
  return { granted, done: Promise.all(takes) };
};

describe('SharedTokenBucket', () => {
  it('grants the burst at once, then one turn per refill interval', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const bucket = bucketOn(memorySlotStore(), clock);

    // Act
    const { granted, done } = takeAll([bucket], clock, 8);
    await clock.advance(2_000);
    await done;

    // Assess
    expect(granted).toEqual([0, 0, 0, 0, 0, 500, 1000, 1500]);
  });

  it('holds one budget across many processes that share its store', async () => {
    // Prepare: six "containers", each with a bucket object of its own over one store.
    const clock = new ManualClock(0);
    const store = memorySlotStore();
    const containers = Array.from({ length: 6 }, () => bucketOn(store, clock));

    // Act
    const { granted, done } = takeAll(containers, clock, 60);
    await clock.advance(30_000);
    await done;

    // Assess: a bucket per process would have granted 6 × 5 at once.
    expect(granted.filter((at) => at === 0)).toHaveLength(RATE.capacity);
    expect(busiestWindow(granted, 10_000)).toBeLessThanOrEqual(RATE.capacity + 10 * RATE.refillPerSecond);
  });

  it('refills while idle, never beyond the burst', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const bucket = bucketOn(memorySlotStore(), clock);
    await takeAll([bucket], clock, 5).done;

    // Act
    await clock.advance(60_000);
    const { granted, done } = takeAll([bucket], clock, 6);
    await clock.advance(500);
    await done;

    // Assess
    expect(granted).toEqual([60_000, 60_000, 60_000, 60_000, 60_000, 60_500]);
  });

  it('fails as Throttled, reserving nothing, when more turns are queued than it may wait for', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const store = memorySlotStore();
    const bucket = bucketOn(store, clock, 2);
    const queued = takeAll([bucket], clock, 7);

    // Act
    const refused = await bucket.take().catch((error: Error) => error);
    await clock.advance(1_000);
    await queued.done;

    // Assess
    expect(refused).toMatchObject({
      name: ERROR_NAMES.throttled,
      message: expect.stringContaining('more than 2 calls are queued'),
    });
    expect(queued.granted).toEqual([0, 0, 0, 0, 0, 500, 1000]);
  });
});

describe('registrySlotStore', () => {
  let dynamo: RunningDynalite;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  const storeOn = (tableName: string): BucketSlotStore =>
    registrySlotStore({
      tableName,
      call: createRetryPolicy({ maxAttempts: 1 }),
      client: dynamo.documentClient,
    });

  it('claims an idle bucket, then reserves turns in order, and refuses one beyond the limit', async () => {
    // Prepare
    const table = await dynamo.createRegistryTable();
    const store = storeOn(table);

    // Act
    const claimed = await store.claimIdle(1_000, 1_250);
    const claimedAgain = await store.claimIdle(1_100, 1_350);
    const first = await store.reserve(250, 2_000);
    const second = await store.reserve(250, 2_000);
    const refused = await store.reserve(250, 1_400);

    // Assess
    expect([claimed, claimedAgain]).toEqual([true, false]);
    expect([first, second, refused]).toEqual([1_250, 1_500, undefined]);
  });

  it('gives concurrent containers distinct turns, one interval apart, from one item', async () => {
    // Prepare
    const table = await dynamo.createRegistryTable();
    const containers = [storeOn(table), storeOn(table), storeOn(table)];
    await containers[0]?.claimIdle(0, 250);

    // Act
    const held = await Promise.all(
      Array.from({ length: 9 }, (_, index) => containers[index % containers.length]?.reserve(250, 10_000)),
    );

    // Assess
    expect(held.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250,
    ]);
  });

  it('keeps the budget item out of what the registry lists', async () => {
    // Prepare
    const table = await dynamo.createRegistryTable();
    await storeOn(table).claimIdle(0, 250);
    const registry = createRegistry({ tableName: table, client: dynamo.documentClient });

    // Act
    const active = await registry.listActive();

    // Assess
    expect(active).toEqual([]);
  });
});
