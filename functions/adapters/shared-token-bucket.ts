/**
 * A token bucket shared by every process that draws from the same store: the DMS API budget held account-wide
 * (docs/design.md §1.7). Lambda runs many containers at once, and DMS throttles the account, not the container, so
 * a bucket kept in each process's memory lets N containers spend N budgets.
 *
 * The bucket is kept as one number, the time its next token is free (the "theoretical arrival time" of the generic
 * cell rate algorithm): each call pushes it on by one refill interval, and a call may go once the bucket's burst
 * covers the distance to it. Two conditional writes decide a call without a read and without optimistic retries, so
 * containers never race each other into retry storms:
 * - an idle bucket (next free time at or before now) is claimed outright: the call goes now;
 * - otherwise the call reserves the next free time and waits until the burst covers it, unless more than
 *   `maxQueuedTurns` turns are reserved ahead of it, in which case nothing is reserved and the call fails as
 *   throttled (the state machine retries it later instead of a handler idling towards its timeout). Counting the
 *   queue in turns, not milliseconds, keeps the bound the same on a clock that runs faster than real time.
 * A reserved turn is spent whether or not the call is made: a container that dies holding one costs the account a
 * token, never more calls than the budget.
 */
import { ThrottledError } from '#contracts/errors';
import type { TimeSource } from './time.ts';
import type { TokenBucketRate, TokenSource } from './token-bucket.ts';

/** Where the bucket's next free time lives (a DynamoDB item in production, memory in tests). */
export interface BucketSlotStore {
  /** Sets the next free time to `next` when it is absent or at or before `now`; false when it lies after `now`. */
  claimIdle(now: number, next: number): Promise<boolean>;
  /**
   * Moves the next free time on by `intervalMs` when it is at or before `latest`, and returns what it was; undefined
   * (and nothing moved) when it lies after `latest`.
   */
  reserve(intervalMs: number, latest: number): Promise<number | undefined>;
}

export interface SharedTokenBucketOptions {
  readonly store: BucketSlotStore;
  readonly rate: TokenBucketRate;
  readonly time: TimeSource;
  /** Turns already reserved ahead of a call beyond which it fails as throttled instead of waiting. */
  readonly maxQueuedTurns: number;
  /** Names the budget in the throttled error. */
  readonly name: string;
}

export class SharedTokenBucket implements TokenSource {
  private readonly intervalMs: number;
  /** How far ahead of now the next free time may lie while a call still goes at once. */
  private readonly burstMs: number;
  private readonly queueMs: number;

  constructor(private readonly options: SharedTokenBucketOptions) {
    const { capacity, refillPerSecond } = options.rate;
    if (!(capacity >= 1)) throw new RangeError(`token bucket capacity must be >= 1, got ${capacity}`);
    if (!(refillPerSecond > 0))
      throw new RangeError(`token bucket refill must be > 0, got ${refillPerSecond}`);
    if (!(options.maxQueuedTurns >= 0))
      throw new RangeError(`maxQueuedTurns must be >= 0, got ${options.maxQueuedTurns}`);
    this.intervalMs = 1000 / refillPerSecond;
    this.burstMs = (capacity - 1) * this.intervalMs;
    this.queueMs = options.maxQueuedTurns * this.intervalMs;
  }

  get rate(): TokenBucketRate {
    return this.options.rate;
  }

  /** Resolves when this call's turn has come; throws ThrottledError when too many turns are queued ahead of it. */
  async take(): Promise<void> {
    const { store, time, maxQueuedTurns, name } = this.options;
    const now = time.now();
    if (await store.claimIdle(now, now + this.intervalMs)) return;
    const held = await store.reserve(this.intervalMs, now + this.burstMs + this.queueMs);
    if (held === undefined) {
      throw new ThrottledError(
        `${name}: more than ${maxQueuedTurns} calls are queued for the account's budget; try again later`,
      );
    }
    const turn = held - this.burstMs;
    if (turn > now) await time.sleep(Math.ceil(turn - now));
  }
}

/** A store in one process's memory: for tests, and for a runtime that has no table. */
export const memorySlotStore = (): BucketSlotStore => {
  let next: number | undefined;
  return {
    claimIdle: async (now, value) => {
      if (next !== undefined && next > now) return false;
      next = value;
      return true;
    },
    reserve: async (intervalMs, latest) => {
      if (next === undefined || next > latest) return undefined;
      const held = next;
      next += intervalMs;
      return held;
    },
  };
};
