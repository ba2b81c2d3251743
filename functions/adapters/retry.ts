/**
 * The one retry policy for every AWS call lakeshift makes: throttling and 5xx are retried with full-jitter
 * exponential backoff for a bounded number of attempts, then surface as `ThrottledError`; every other fault is
 * named at once (busy, quota, access, not found, capacity, other) and never retried blindly. DMS calls also draw
 * from a per-process token bucket sized like the DMS API budget (DESIGN.md principle 7).
 */
import { classifyFault, isRetryableHere, toLakeshiftError } from './faults.ts';
import { systemTime, type TimeSource } from './time.ts';
import { TokenBucket } from './token-bucket.ts';

export interface RetryOptions {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Taken before every attempt, retries included. */
  readonly bucket?: TokenBucket;
}

/** Worst case about 8 s of backoff in total: well inside a handler's timeout. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  sleep: systemTime.sleep,
  random: Math.random,
};

/** The DMS API budget: a bucket of about 100 requests refilled at about 4 per second (dms-facts §8.2). */
export const DMS_API_BUDGET = { capacity: 100, refillPerSecond: 4 } as const;

/** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))). `attempt` is the one that just failed. */
export const backoffDelayMs = (attempt: number, options: RetryOptions): number =>
  Math.floor(options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));

export type RetryPolicy = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

export const createRetryPolicy = (overrides: Partial<RetryOptions> = {}): RetryPolicy => {
  const options: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...overrides };
  if (!(options.maxAttempts >= 1))
    throw new RangeError(`maxAttempts must be >= 1, got ${options.maxAttempts}`);
  return async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      await options.bucket?.take();
      try {
        return await call();
      } catch (error) {
        if (!isRetryableHere(classifyFault(error)) || attempt >= options.maxAttempts) {
          throw toLakeshiftError(error, operation, attempt);
        }
        await options.sleep(backoffDelayMs(attempt, options));
      }
    }
  };
};

/** Creates the per-process DMS budget; exported so a test or a local runtime can build one on its own clock. */
export const createDmsApiBudget = (time: TimeSource = systemTime): TokenBucket =>
  new TokenBucket(DMS_API_BUDGET.capacity, DMS_API_BUDGET.refillPerSecond, time);

/** Every DMS call in this process shares this bucket. */
export const dmsApiBudget = createDmsApiBudget();

/** Retry policy for DMS calls (draws from `dmsApiBudget`). */
export const dmsCall: RetryPolicy = createRetryPolicy({ bucket: dmsApiBudget });

/** Retry policy for every other AWS call (Step Functions, CloudWatch, EventBridge, DynamoDB, Secrets Manager). */
export const awsCall: RetryPolicy = createRetryPolicy();
