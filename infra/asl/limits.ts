/**
 * The named limits of the state machines' waits. A poll loop waits `firstWaitSeconds`, then each wait grows
 * (describe-resources computes the next one) up to `maxWaitSeconds`, and gives up after `maxAttempts` checks.
 */
export interface PollLimits {
  readonly firstWaitSeconds: number;
  readonly maxWaitSeconds: number;
  readonly maxAttempts: number;
}

export const POLL_LIMITS = {
  /** Creating a replication instance takes minutes: the first check comes after 4. */
  instanceCreation: { firstWaitSeconds: 240, maxWaitSeconds: 300, maxAttempts: 30 },
  /** A class change takes minutes: the first check comes after 3. */
  instanceClassChange: { firstWaitSeconds: 180, maxWaitSeconds: 300, maxAttempts: 30 },
  instanceDeletion: { firstWaitSeconds: 120, maxWaitSeconds: 300, maxAttempts: 30 },
  connectionTests: { firstWaitSeconds: 30, maxWaitSeconds: 60, maxAttempts: 20 },
  /** Any replication task status change: ready, running, stopped, deleted. */
  taskStatus: { firstWaitSeconds: 30, maxWaitSeconds: 60, maxAttempts: 30 },
} as const satisfies Record<string, PollLimits>;

/**
 * The full-load wait: a full load of a large database can take days, so the wait allows two weeks; the
 * reconciler sends a heartbeat on every run while the load is going, so an hour without one means the
 * reconciler is not running.
 */
export const FULL_LOAD_WAIT = { timeoutSeconds: 14 * 24 * 60 * 60, heartbeatSeconds: 60 * 60 } as const;

/** Databases teardown deletes at once. */
export const TEARDOWN_MAX_CONCURRENCY = 5;
