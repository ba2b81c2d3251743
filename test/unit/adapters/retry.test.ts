import {
  InvalidResourceStateFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { classifyFault, toLakeshiftError } from '#adapters/faults';
import { backoffDelayMs, createRetryPolicy, DEFAULT_RETRY_OPTIONS } from '#adapters/retry';
import { TokenBucket } from '#adapters/token-bucket';
import { ResourceBusyError } from '#contracts/errors';
import { ManualClock } from '#local/clock';

/** An error shaped like the SDK's service exceptions (name, $fault, $metadata). */
class ServiceError extends Error {
  readonly $metadata: { httpStatusCode?: number };
  constructor(
    override readonly name: string,
    readonly $fault: 'client' | 'server' = 'client',
    httpStatusCode = 400,
  ) {
    super(`${name} happened`);
    this.$metadata = { httpStatusCode };
  }
}

/** A call that fails with the given errors in turn, then returns `result`. */
const failingThen = <T>(errors: readonly unknown[], result: T) => {
  let calls = 0;
  const call = async (): Promise<T> => {
    const error = errors[calls];
    calls += 1;
    if (error !== undefined) throw error;
    return result;
  };
  return { call, calls: () => calls };
};

const recordingSleep = () => {
  const delays: number[] = [];
  return { sleep: async (ms: number) => void delays.push(ms), delays };
};

describe('classifyFault', () => {
  it.each([
    ['ThrottlingException', 'throttled'],
    ['Throttling', 'throttled'],
    ['TooManyRequestsException', 'throttled'],
    ['KMSThrottlingFault', 'throttled'],
    ['ProvisionedThroughputExceededException', 'throttled'],
    ['InvalidResourceStateFault', 'busy'],
    ['ResourceQuotaExceededFault', 'quota'],
    ['StorageQuotaExceededFault', 'quota'],
    ['AccessDeniedFault', 'accessDenied'],
    ['S3AccessDeniedFault', 'accessDenied'],
    ['KMSKeyNotAccessibleFault', 'accessDenied'],
    ['KMSDisabledFault', 'accessDenied'],
    ['ResourceNotFoundFault', 'notFound'],
    ['ResourceNotFoundException', 'notFound'],
    ['InsufficientResourceCapacityFault', 'capacity'],
    ['InternalFailure', 'transient'],
    ['ResourceAlreadyExistsFault', 'fault'],
    ['InvalidParameterValueException', 'fault'],
  ])('classifies %s as %s', (name, kind) => {
    // Prepare
    const error = new ServiceError(name);

    // Act
    const classified = classifyFault(error);

    // Assess
    expect(classified).toBe(kind);
  });

  it('classifies any 5xx answer as transient and a 429 as throttled', () => {
    // Prepare
    const serverError = new ServiceError('SomethingBroke', 'server', 503);
    const tooMany = new ServiceError('Unnamed', 'client', 429);

    // Act
    const kinds = [classifyFault(serverError), classifyFault(tooMany)];

    // Assess
    expect(kinds).toEqual(['transient', 'throttled']);
  });

  it('classifies a reset connection as transient', () => {
    // Prepare
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    // Act
    const kind = classifyFault(reset);

    // Assess
    expect(kind).toBe('transient');
  });

  it('leaves programming errors and lakeshift errors alone', () => {
    // Prepare
    const bug = new TypeError('undefined is not a function');
    const named = new ResourceBusyError('already named');

    // Act
    const kinds = [classifyFault(bug), classifyFault(named), classifyFault('a string')];

    // Assess
    expect(kinds).toEqual(['foreign', 'foreign', 'foreign']);
  });

  it('recognises the SDK’s own DMS exception classes', () => {
    // Prepare
    const busy = new InvalidResourceStateFault({ message: 'task is running', $metadata: {} });

    // Act
    const kind = classifyFault(busy);

    // Assess
    expect(kind).toBe('busy');
  });
});

describe('toLakeshiftError', () => {
  it.each([
    [new InvalidResourceStateFault({ message: 'busy', $metadata: {} }), 'ResourceBusy'],
    [new ResourceQuotaExceededFault({ message: 'quota', $metadata: {} }), 'QuotaExceeded'],
    [new ResourceNotFoundFault({ message: 'gone', $metadata: {} }), 'ResourceNotFound'],
    [new ServiceError('S3AccessDeniedFault'), 'AccessDenied'],
    [new ServiceError('InsufficientResourceCapacityFault'), 'InsufficientCapacity'],
    [new ServiceError('ResourceAlreadyExistsFault'), 'AwsFault'],
    [new ServiceError('ThrottlingException'), 'Throttled'],
  ])('names %s as %s, keeping the original as cause', (original, name) => {
    // Act
    const named = toLakeshiftError(original, 'DescribeReplicationTasks');

    // Assess
    expect(named).toMatchObject({ name, cause: original });
    expect((named as Error).message).toContain('DescribeReplicationTasks');
    expect((named as Error).message).toContain(original.name);
  });
});

describe('backoffDelayMs', () => {
  it('draws full jitter below an exponential cap that stops at maxDelayMs', () => {
    // Prepare
    const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.999 };

    // Act
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, options));

    // Assess
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('can wait no time at all (full jitter starts at zero)', () => {
    // Prepare
    const options = { ...DEFAULT_RETRY_OPTIONS, random: () => 0 };

    // Act
    const delay = backoffDelayMs(4, options);

    // Assess
    expect(delay).toBe(0);
  });
});

describe('createRetryPolicy', () => {
  it('retries throttling and 5xx with backoff until the call succeeds', async () => {
    // Prepare
    const { sleep, delays } = recordingSleep();
    const retry = createRetryPolicy({ sleep, random: () => 0.5, baseDelayMs: 100, maxDelayMs: 10_000 });
    const flaky = failingThen(
      [new ServiceError('ThrottlingException'), new ServiceError('InternalFailure', 'server', 500)],
      'done',
    );

    // Act
    const result = await retry('DescribeEndpoints', flaky.call);

    // Assess
    expect(result).toBe('done');
    expect(flaky.calls()).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after the last attempt with a Throttled error that keeps the last fault as cause', async () => {
    // Prepare
    const { sleep, delays } = recordingSleep();
    const retry = createRetryPolicy({ sleep, maxAttempts: 3 });
    const last = new ServiceError('ThrottlingException');
    const throttled = failingThen(
      [new ServiceError('ThrottlingException'), new ServiceError('Throttling'), last],
      'never',
    );

    // Act
    const attempt = retry('StartReplicationTask', throttled.call);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'Throttled',
      cause: last,
      message: expect.stringContaining('StartReplicationTask still failing after 3 attempt(s)'),
    });
    expect(throttled.calls()).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it.each([
    ['InvalidResourceStateFault', 'ResourceBusy'],
    ['ResourceQuotaExceededFault', 'QuotaExceeded'],
    ['AccessDeniedFault', 'AccessDenied'],
    ['KMSKeyNotAccessibleFault', 'AccessDenied'],
    ['ResourceNotFoundFault', 'ResourceNotFound'],
    ['InsufficientResourceCapacityFault', 'InsufficientCapacity'],
    ['InvalidParameterCombinationException', 'AwsFault'],
  ])('never retries %s here and surfaces it as %s', async (fault, name) => {
    // Prepare
    const { sleep, delays } = recordingSleep();
    const retry = createRetryPolicy({ sleep });
    const failing = failingThen([new ServiceError(fault)], 'never');

    // Act
    const attempt = retry('ModifyReplicationInstance', failing.call);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name });
    expect(failing.calls()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('passes a programming error through untouched', async () => {
    // Prepare
    const retry = createRetryPolicy({ sleep: async () => undefined });
    const bug = new TypeError('cannot read properties of undefined');

    // Act
    const attempt = retry('DescribeConnections', async () => {
      throw bug;
    });

    // Assess
    await expect(attempt).rejects.toBe(bug);
  });

  it('takes a token from the bucket before every attempt, retries included', async () => {
    // Prepare
    const clock = new ManualClock();
    const bucket = new TokenBucket(5, 1, clock);
    const retry = createRetryPolicy({ sleep: async () => undefined, bucket });
    const flaky = failingThen([new ServiceError('ThrottlingException')], 'ok');

    // Act
    await retry('DescribeReplicationInstances', flaky.call);

    // Assess
    expect(bucket.available()).toBe(3);
  });
});

describe('TokenBucket', () => {
  it('serves a burst up to its capacity without waiting', async () => {
    // Prepare
    const clock = new ManualClock();
    const bucket = new TokenBucket(100, 4, clock);

    // Act
    await Promise.all(Array.from({ length: 100 }, () => bucket.take()));

    // Assess
    expect(bucket.available()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('makes callers beyond the burst wait for the refill, in arrival order', async () => {
    // Prepare
    const clock = new ManualClock();
    const bucket = new TokenBucket(2, 4, clock);
    const served: number[] = [];
    await Promise.all([bucket.take(), bucket.take()]);

    // Act
    const waiting = [1, 2, 3].map((caller) => bucket.take().then(() => served.push(caller)));
    await clock.advance(249);
    const afterAlmostOneToken = [...served];
    await clock.advance(1);
    const afterOneToken = [...served];
    await clock.advance(500);
    await Promise.all(waiting);

    // Assess
    expect(afterAlmostOneToken).toEqual([]);
    expect(afterOneToken).toEqual([1]);
    expect(served).toEqual([1, 2, 3]);
  });

  it('never holds more than its capacity however long it sits idle', async () => {
    // Prepare
    const clock = new ManualClock();
    const bucket = new TokenBucket(10, 4, clock);
    await bucket.take();

    // Act
    await clock.advance(3_600_000);

    // Assess
    expect(bucket.available()).toBe(10);
  });

  it('rejects a bucket that could never serve anyone', () => {
    // Act
    const build = () => new TokenBucket(0, 4);

    // Assess
    expect(build).toThrow(RangeError);
  });
});
