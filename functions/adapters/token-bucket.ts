import { systemTime, type TimeSource } from './time.ts';

/**
 * A client-side token bucket: `capacity` calls at once, then `refillPerSecond`. Callers wait their turn in
 * arrival order instead of spending the account's shared API budget on throttled calls.
 */
export class TokenBucket {
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
