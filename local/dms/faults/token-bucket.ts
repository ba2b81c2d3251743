/**
 * The DMS API budget: a bucket of `capacity` tokens refilled at `refillPerSecond` on the emulated clock; a call that
 * finds it empty is throttled (docs/dms-behaviour.md §8.2: about 100 tokens, 4 per second).
 */
import type { Clock } from '../../clock.ts';

export interface TokenBucketConfig {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export const DMS_TOKEN_BUCKET: TokenBucketConfig = { capacity: 100, refillPerSecond: 4 };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly config: TokenBucketConfig,
    private readonly clock: Clock,
  ) {
    this.tokens = config.capacity;
    this.updatedAt = clock.now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.now();
    const refilled = ((now - this.updatedAt) / 1000) * this.config.refillPerSecond;
    this.tokens = Math.min(this.config.capacity, this.tokens + refilled);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
