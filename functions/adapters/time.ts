/**
 * The adapters' view of time, for waits only (backoff and the DMS API budget). Decisions never read it: their
 * `now` comes from the caller. Tests pass a manual clock; Lambda uses the system clock.
 */
export interface TimeSource {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemTime: TimeSource = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
