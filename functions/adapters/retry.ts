/**
 * The one retry policy for every AWS call lakeshift makes: throttling and 5xx are retried with full-jitter
 * exponential backoff for a bounded number of attempts, then surface as `ThrottledError`; every other fault is
 * named at once (busy, quota, access, not found, capacity, other) and never retried blindly. DMS calls also draw
 * from lakeshift's share of the account's DMS API budget, one bucket for every process (docs/design.md §1.7).
 */
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import { registrySlotStore } from './budget-slot-store.ts';
import { classifyFault, isRetryableHere, toLakeshiftError } from './faults.ts';
import { SharedTokenBucket } from './shared-token-bucket.ts';
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
 * lakeshift's share of the account's DMS API budget (docs/design.md §1.7): 20 calls at once, then 3.2 per second.
 * DMS gives the whole account about 100 at once and 4 per second (docs/dms-behaviour.md §8.2); this share never puts
 * more than 100 calls (4 per second) into any 25-second window, and leaves the rest to people and tools that use
 * the same account.
 */
export const DMS_API_BUDGET: TokenBucketRate = { capacity: 20, refillPerSecond: 3.2 };

/**
 * Calls that may wait for the shared budget at once; one more fails as throttled. About 30 s of turns at the default
 * rate: half the default function timeout, long enough that a handler walking many databases (the reconciler) waits
 * its turns out instead of failing the whole run.
 */
export const DMS_API_BUDGET_QUEUE = 96;

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

/** Retry policy for every AWS call other than DMS (Step Functions, CloudWatch, EventBridge, DynamoDB, Secrets Manager). */
export const awsCall: RetryPolicy = createRetryPolicy();

/** The budget the environment asks for (lakeshift's default share when the variable is unset); malformed is a ConfigurationError. */
export const readDmsApiBudget = (source: NodeJS.ProcessEnv = process.env): TokenBucketRate =>
  parseTokenBucketRate(OPTIONAL_ENV.dmsApiBudget, source[OPTIONAL_ENV.dmsApiBudget], DMS_API_BUDGET);

/** A DMS budget: a bucket the token source draws from, and the rate it was built with. */
export interface DmsApiBudget extends TokenSource {
  readonly rate: TokenBucketRate;
}

/**
 * Creates a DMS budget on `time`: shared by every process through the registry table when `tableName` is given
 * (what every handler gets), kept in this process otherwise (a runtime without a table).
 */
export const createDmsApiBudget = (
  time: TimeSource = systemTime,
  rate: TokenBucketRate = readDmsApiBudget(),
  tableName?: string,
): DmsApiBudget =>
  tableName
    ? new SharedTokenBucket({
        store: registrySlotStore({ tableName, call: awsCall }),
        rate,
        time,
        maxQueuedTurns: DMS_API_BUDGET_QUEUE,
        name: 'DMS API budget',
      })
    : new TokenBucket(rate.capacity, rate.refillPerSecond, time);

/** The process's DMS budget, as configured by the environment it runs in. */
export interface ConfiguredDmsApiBudget extends TokenSource {
  /** The budget calls draw from now. */
  current(): DmsApiBudget;
  /**
   * Refills the budget by `time` from the next call on (a new bucket). Lambda never calls it: its budget runs on the
   * system clock. A runtime that hosts the handlers in process on an emulated clock (the local AWS) gives it that
   * clock, because DMS refills the account's bucket per second of the account's time, and an emulated clock that
   * slows under load would otherwise let a wall-clock budget spend more per emulated second than DMS refills.
   */
  useTime(time: TimeSource): void;
}

/**
 * A budget that follows `DMS_API_BUDGET` and `REGISTRY_TABLE_NAME` in `source`: built at the first call, and built
 * again only if either changes, or its time source does. On Lambda the environment is fixed, so that is one budget
 * object per process, and with the registry table every process draws from the same bucket. Building it at the first
 * call rather than at import lets a runtime that hosts the handlers in process (the local AWS) import the adapters
 * first and set the variables when it applies its stack, and gives a later run in the same process its own bucket.
 */
export const configuredDmsApiBudget = (
  source: NodeJS.ProcessEnv = process.env,
  time: TimeSource = systemTime,
): ConfiguredDmsApiBudget => {
  let clock = time;
  let built:
    | { readonly raw: string | undefined; readonly table: string | undefined; readonly budget: DmsApiBudget }
    | undefined;
  const current = (): DmsApiBudget => {
    const raw = source[OPTIONAL_ENV.dmsApiBudget];
    const table = source[ENV.registryTableName] || undefined;
    if (!built || built.raw !== raw || built.table !== table)
      built = { raw, table, budget: createDmsApiBudget(clock, readDmsApiBudget(source), table) };
    return built.budget;
  };
  const useTime = (next: TimeSource): void => {
    if (next === clock) return;
    clock = next;
    built = undefined;
  };
  return { take: async () => current().take(), current, useTime };
};

// Cold start: a malformed budget stops the function before it serves.
readDmsApiBudget();

/** Every DMS call in this process draws from this budget. */
export const dmsApiBudget: ConfiguredDmsApiBudget = configuredDmsApiBudget();

/** Retry policy for DMS calls (draws from `dmsApiBudget`). */
export const dmsCall: RetryPolicy = createRetryPolicy({ bucket: dmsApiBudget });
