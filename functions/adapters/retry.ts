/**
 * The one retry policy for every AWS call lakeshift makes: throttling and 5xx are retried with full-jitter
 * exponential backoff for a bounded number of attempts, then surface as `ThrottledError`; every other fault is
 * named at once (busy, quota, access, not found, capacity, other) and never retried blindly. DMS calls also draw
 * from a per-process token bucket sized like the DMS API budget (docs/design.md §1.7).
 */
import { OPTIONAL_ENV } from '#contracts/env';
import { classifyFault, isRetryableHere, toLakeshiftError } from './faults.ts';
import { systemTime, type TimeSource } from './time.ts';
import { parseTokenBucketRate, TokenBucket, type TokenBucketRate, type TokenSource } from './token-bucket.ts';

export interface RetryOptions {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Taken before every attempt, retries included. */
  readonly bucket?: TokenSource;
}

/** Worst case about 8 s of backoff in total: well inside a handler's timeout. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  sleep: systemTime.sleep,
  random: Math.random,
};

/**
 * The DMS API budget: a bucket of about 100 requests refilled at about 4 per second
 * (docs/dms-behaviour.md §8.2).
 */
export const DMS_API_BUDGET: TokenBucketRate = { capacity: 100, refillPerSecond: 4 };

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

/** The budget the environment asks for (DMS's own when the variable is unset); malformed is a ConfigurationError. */
export const readDmsApiBudget = (source: NodeJS.ProcessEnv = process.env): TokenBucketRate =>
  parseTokenBucketRate(OPTIONAL_ENV.dmsApiBudget, source[OPTIONAL_ENV.dmsApiBudget], DMS_API_BUDGET);

/** Creates a DMS budget; exported so a test or a local runtime can build one on its own clock. */
export const createDmsApiBudget = (
  time: TimeSource = systemTime,
  rate: TokenBucketRate = readDmsApiBudget(),
): TokenBucket => new TokenBucket(rate.capacity, rate.refillPerSecond, time);

/** The process's DMS budget, as configured by the environment it runs in. */
export interface ConfiguredDmsApiBudget extends TokenSource {
  /** The bucket calls draw from now. */
  current(): TokenBucket;
}

/**
 * A budget that follows `DMS_API_BUDGET` in `source`: the bucket is built at the first call, and built again only if
 * the value changes. On Lambda the environment is fixed, so that is one bucket per process. Building it at the first
 * call rather than at import lets a runtime that hosts the handlers in process (the local AWS) import the adapters
 * first and set the variable when it applies its stack, and gives a later run in the same process its own bucket.
 */
export const configuredDmsApiBudget = (
  source: NodeJS.ProcessEnv = process.env,
  time: TimeSource = systemTime,
): ConfiguredDmsApiBudget => {
  let built: { readonly raw: string | undefined; readonly bucket: TokenBucket } | undefined;
  const current = (): TokenBucket => {
    const raw = source[OPTIONAL_ENV.dmsApiBudget];
    if (!built || built.raw !== raw)
      built = { raw, bucket: createDmsApiBudget(time, readDmsApiBudget(source)) };
    return built.bucket;
  };
  return { take: async () => current().take(), current };
};

// Cold start: a malformed budget stops the function before it serves.
readDmsApiBudget();

/** Every DMS call in this process shares this budget. */
export const dmsApiBudget: ConfiguredDmsApiBudget = configuredDmsApiBudget();

/** Retry policy for DMS calls (draws from `dmsApiBudget`). */
export const dmsCall: RetryPolicy = createRetryPolicy({ bucket: dmsApiBudget });

/** Retry policy for every other AWS call (Step Functions, CloudWatch, EventBridge, DynamoDB, Secrets Manager). */
export const awsCall: RetryPolicy = createRetryPolicy();
