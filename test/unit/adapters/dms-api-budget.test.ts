import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ConfiguredDmsApiBudget,
  configuredDmsApiBudget,
  createDmsApiBudget,
  DMS_API_BUDGET,
  readDmsApiBudget,
} from '#adapters/retry';
import { SharedTokenBucket } from '#adapters/shared-token-bucket';
import { formatTokenBucketRate, parseTokenBucketRate, TokenBucket } from '#adapters/token-bucket';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { ManualClock } from '#local/clock';

const VARIABLE = OPTIONAL_ENV.dmsApiBudget;
const FALLBACK = { capacity: 7, refillPerSecond: 0.5 };

/** The in-process bucket a budget without a registry table draws from. */
const bucketOf = (budget: ConfiguredDmsApiBudget): TokenBucket => {
  const current = budget.current();
  if (!(current instanceof TokenBucket)) throw new Error('expected an in-process bucket');
  return current;
};

describe('parseTokenBucketRate', () => {
  it.each([
    ['100:4', { capacity: 100, refillPerSecond: 4 }],
    ['100:480', { capacity: 100, refillPerSecond: 480 }],
    [' 20:0.25 ', { capacity: 20, refillPerSecond: 0.25 }],
  ])('reads "%s" as a burst and a refill per second', (raw, rate) => {
    // Act
    const parsed = parseTokenBucketRate(VARIABLE, raw, FALLBACK);

    // Assess
    expect(parsed).toEqual(rate);
  });

  it.each([undefined, '', '   '])('falls back to the default when the value is %j', (raw) => {
    // Act
    const parsed = parseTokenBucketRate(VARIABLE, raw, FALLBACK);

    // Assess
    expect(parsed).toBe(FALLBACK);
  });

  it.each([
    ['100', `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "100"`],
    ['100:4:1', `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "100:4:1"`],
    ['-1:4', `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "-1:4"`],
    ['1.5:4', `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "1.5:4"`],
    ['burst:4', `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "burst:4"`],
    ['0:4', `${VARIABLE}: the burst must be a whole number >= 1, got "0"`],
    ['100:0', `${VARIABLE}: the refill per second must be > 0, got "0"`],
    ['100:0.000', `${VARIABLE}: the refill per second must be > 0, got "0.000"`],
    [
      '99999999999999999999:4',
      `${VARIABLE}: the burst must be a whole number >= 1, got "99999999999999999999"`,
    ],
  ])('refuses "%s", naming the variable and the rule', (raw, message) => {
    // Act
    const parse = () => parseTokenBucketRate(VARIABLE, raw, FALLBACK);

    // Assess
    expect(parse).toThrow(message);
    expect(parse).toThrow(expect.objectContaining({ name: ERROR_NAMES.configuration }));
  });

  it('reads back what formatTokenBucketRate writes', () => {
    // Prepare
    const rate = { capacity: 100, refillPerSecond: 1.2000000000000002 };

    // Act
    const parsed = parseTokenBucketRate(VARIABLE, formatTokenBucketRate(rate), FALLBACK);

    // Assess
    expect(parsed).toEqual(rate);
  });
});

describe('readDmsApiBudget', () => {
  it('is lakeshift’s share of the account’s budget, 20 at once and 3.2 per second, when the variable is unset', () => {
    // Act
    const budget = readDmsApiBudget({});

    // Assess
    expect(budget).toEqual({ capacity: 20, refillPerSecond: 3.2 });
    expect(budget).toBe(DMS_API_BUDGET);
  });

  it('reads the variable when it is set', () => {
    // Act
    const budget = readDmsApiBudget({ [VARIABLE]: '100:480' });

    // Assess
    expect(budget).toEqual({ capacity: 100, refillPerSecond: 480 });
  });
});

describe('createDmsApiBudget', () => {
  it('serves the configured burst, then one call per 1/refill seconds', async () => {
    // Prepare
    const clock = new ManualClock();
    const bucket = createDmsApiBudget(clock, readDmsApiBudget({ [VARIABLE]: '3:2' }));
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    let served = 0;

    // Act
    const waiting = [1, 2].map(() => bucket.take().then(() => served++));
    await clock.advance(499);
    const beforeHalfASecond = served;
    await clock.advance(1);
    const atHalfASecond = served;
    await clock.advance(500);
    await Promise.all(waiting);

    // Assess
    expect(beforeHalfASecond).toBe(0);
    expect(atHalfASecond).toBe(1);
    expect(served).toBe(2);
  });
});

describe('configuredDmsApiBudget', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('builds its bucket from the variable at the first call, not when it is created', async () => {
    // Prepare
    const environment: NodeJS.ProcessEnv = {};
    const budget = configuredDmsApiBudget(environment, new ManualClock());
    environment[VARIABLE] = '100:480';

    // Act
    await budget.take();

    // Assess
    expect(budget.current()).toMatchObject({ capacity: 100, refillPerSecond: 480 });
    expect(bucketOf(budget).available()).toBe(99);
  });

  it('keeps one bucket while the variable stays the same', async () => {
    // Prepare
    const budget = configuredDmsApiBudget({ [VARIABLE]: '10:4' }, new ManualClock());

    // Act
    await budget.take();
    await budget.take();

    // Assess
    expect(bucketOf(budget).available()).toBe(8);
  });

  it('starts a fresh bucket at the new rate when the variable changes', async () => {
    // Prepare
    const environment: NodeJS.ProcessEnv = { [VARIABLE]: '10:4' };
    const budget = configuredDmsApiBudget(environment, new ManualClock());
    await budget.take();

    // Act
    environment[VARIABLE] = '50:600';
    await budget.take();

    // Assess
    expect(budget.current()).toMatchObject({ capacity: 50, refillPerSecond: 600 });
    expect(bucketOf(budget).available()).toBe(49);
  });

  it('refills by the time source it is given from the next call on, and not by the one it had', async () => {
    // Prepare
    const systemLike = new ManualClock();
    const emulated = new ManualClock();
    const budget = configuredDmsApiBudget({ [VARIABLE]: '1:1' }, systemLike);
    await budget.take();
    budget.useTime(emulated);
    await budget.take();
    let served = false;
    const waiting = budget.take().then(() => {
      served = true;
    });

    // Act
    await systemLike.advance(1_000);
    const afterTheOldClockMoved = served;
    await emulated.advance(1_000);
    await waiting;

    // Assess
    expect(afterTheOldClockMoved).toBe(false);
    expect(served).toBe(true);
  });

  it('draws from the bucket shared through the registry table when the handler has one', () => {
    // Prepare
    const budget = configuredDmsApiBudget(
      { [VARIABLE]: '20:3.2', [ENV.registryTableName]: 'lakeshift-registry' },
      new ManualClock(),
    );

    // Act
    const current = budget.current();

    // Assess
    expect(current).toBeInstanceOf(SharedTokenBucket);
    expect(current.rate).toEqual({ capacity: 20, refillPerSecond: 3.2 });
  });

  it('fails the call with a ConfigurationError naming the variable when the value is malformed', async () => {
    // Prepare
    const budget = configuredDmsApiBudget({ [VARIABLE]: 'fast' }, new ManualClock());

    // Act
    const attempt = budget.take();

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.configuration,
      message: expect.stringContaining(VARIABLE),
    });
  });
});

describe('retry module cold start', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails to load, naming the variable, when DMS_API_BUDGET is malformed', async () => {
    // Prepare
    vi.resetModules();
    vi.stubEnv(VARIABLE, '100 per second');

    // Act
    const load = import('#adapters/retry');

    // Assess
    await expect(load).rejects.toMatchObject({
      name: ERROR_NAMES.configuration,
      message: `${VARIABLE} must be "<burst>:<refill per second>" (e.g. "100:4"), got "100 per second"`,
    });
  });
});
