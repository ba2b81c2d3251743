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
  /** After a failed class change: the instance settles on some class, often at once (a refused modification). */
  instanceSettling: { firstWaitSeconds: 10, maxWaitSeconds: 300, maxAttempts: 30 },
  /** An instance teardown found `creating` or `modifying` becomes deletable when that ends. */
  instanceDeletable: { firstWaitSeconds: 30, maxWaitSeconds: 300, maxAttempts: 30 },
  /** Any replication task status change: ready, running, stopped, deleted. */
  taskStatus: { firstWaitSeconds: 30, maxWaitSeconds: 60, maxAttempts: 30 },
  /**
   * One table loaded again while CDC goes on (a resync): as long as that table's full load took, up to 10 hours.
   * The table's resync lock outlives it (TABLE_RESYNC_LOCK_TTL_SECONDS, functions/domain/lake/resync-lock.ts).
   */
  tableReload: { firstWaitSeconds: 30, maxWaitSeconds: 300, maxAttempts: 120 },
} as const satisfies Record<string, PollLimits>;

/**
 * The full-load wait ends by progress, not by date: no overall timeout. The reconciler sends a heartbeat on every
 * run while the load advances and fails the wait once it has stopped advancing for FULL_LOAD_STALL_MINUTES, so an
 * hour without a heartbeat means the reconciler is not running.
 */
export const FULL_LOAD_WAIT = { heartbeatSeconds: 60 * 60 } as const;

/**
 * Teardown deletes what DMS holds for a database, then looks again: a step that was in flight when its execution
 * stopped may have created one more resource. It deletes at most this many times before it fails.
 */
export const TEARDOWN_MAX_SWEEPS = 3;

/** Databases teardown deletes at once. */
export const TEARDOWN_MAX_CONCURRENCY = 5;

/**
 * migrate-fleet's failure cause names this many failed databases at most, and counts them all: 20 database ids of
 * 63 characters and validate-request's warnings (validate-request bounds them) stay well inside
 * FAILURE_DETAIL_LIMITS.causeCharacters.
 */
export const FLEET_FAILURE_DATABASES_NAMED = 20;
