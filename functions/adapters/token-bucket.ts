import { ConfigurationError } from '#contracts/errors';
import { systemTime, type TimeSource } from './time.ts';

/** What a bucket is configured with: `capacity` calls at once, then `refillPerSecond`. */
export interface TokenBucketRate {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Anything callers can wait on for a turn (a bucket, or a stand-in in tests). */
export interface TokenSource {
  take(): Promise<void>;
}

const RATE_FORMAT = /^(\d+):(\d+(?:\.\d+)?)$/;

/**
 * Reads a rate written `"<burst>:<refill per second>"` (e.g. `100:4`) from the variable `variable`; unset or blank
 * means `fallback`. A malformed value fails naming the variable and the rule it breaks.
 */
export const parseTokenBucketRate = (
  variable: string,
  raw: string | undefined,
  fallback: TokenBucketRate,
): TokenBucketRate => {
  const value = raw?.trim() ?? '';
  if (value === '') return fallback;
  const match = RATE_FORMAT.exec(value);
  if (!match) {
    throw new ConfigurationError(
      `${variable} must be "<burst>:<refill per second>" (e.g. "100:4"), got "${value}"`,
    );
  }
  const capacity = Number(match[1]);
  const refillPerSecond = Number(match[2]);
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new ConfigurationError(`${variable}: the burst must be a whole number >= 1, got "${match[1]}"`);
  }
  if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
    throw new ConfigurationError(`${variable}: the refill per second must be > 0, got "${match[2]}"`);
  }
  return { capacity, refillPerSecond };
};

/** The `"<burst>:<refill per second>"` form `parseTokenBucketRate` reads. */
export const formatTokenBucketRate = (rate: TokenBucketRate): string =>
  `${rate.capacity}:${rate.refillPerSecond}`;

/**
 * A client-side token bucket: `capacity` calls at once, then `refillPerSecond`. Callers wait their turn in
 * arrival order instead of spending the account's shared API budget on throttled calls.
 */
export class TokenBucket implements TokenSource {
  private tokens: number;
  private refilledAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly time: TimeSource = systemTime,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`token bucket capacity must be >= 1, got ${capacity}`);
    if (!(refillPerSecond > 0))
      throw new RangeError(`token bucket refill must be > 0, got ${refillPerSecond}`);
    this.tokens = capacity;
    this.refilledAt = time.now();
  }

  get rate(): TokenBucketRate {
    return { capacity: this.capacity, refillPerSecond: this.refillPerSecond };
  }

  /** Resolves once a token is taken; waits (on the bucket's time source) when the bucket is empty. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeWhenAvailable());
    // A failed wait (a rejected sleep) must not block the callers queued behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private async takeWhenAvailable(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.time.sleep(Math.ceil(((1 - this.tokens) / this.refillPerSecond) * 1000));
    }
  }

  private refill(): void {
    const now = this.time.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSeconds * this.refillPerSecond);
    this.refilledAt = now;
  }
}
