/**
 * Whether a trigger (a migration request, a retry request, the console) runs a database, and as which attempt
 * (docs/failure-semantics.md). Pure: validate-request reads the registry, this decides, migrate-fleet acts.
 */
import { FIRST_ATTEMPT, FLEET_DATABASE_STATUSES, type FleetDatabaseStatus } from '#contracts/attempts';
import type { Phase } from '#contracts/phases';
import { attemptExecutionName } from './naming.ts';

/** What the registry says about the database, if it knows it. */
export interface RecordedAttempt {
  readonly phase: Phase;
  readonly attempt: number;
}

export type RunDecision =
  | {
      readonly action: 'start';
      readonly attempt: number;
      readonly executionName: string;
      /** first: never run; retry: the last attempt failed; re-run: the database was torn down. */
      readonly reason: 'first' | 'retry' | 're-run';
    }
  | {
      readonly action: 'report';
      /** The attempt the registry holds; nothing is started. */
      readonly attempt: number;
      readonly status: FleetDatabaseStatus;
    };

/** Phases on the way to CDC: the attempt's execution is still running. */
const ON_THE_WAY: readonly Phase[] = ['REQUESTED', 'PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN'];

/** What a database in `phase` is, for a trigger that starts nothing for it. */
export const statusOfPhase = (phase: Phase): FleetDatabaseStatus => {
  if (phase === 'FAILED') return FLEET_DATABASE_STATUSES.failed;
  if (phase === 'TEARING_DOWN') return FLEET_DATABASE_STATUSES.tearingDown;
  if (ON_THE_WAY.includes(phase)) return FLEET_DATABASE_STATUSES.alreadyRunning;
  // CDC, RESIZING, STOPPED: migrated. DELETED only when the retry named has happened since: done as well.
  return FLEET_DATABASE_STATUSES.alreadyDone;
};

/**
 * A database the registry does not know starts its first attempt; a FAILED one is retried and a DELETED one
 * re-run, each as the next attempt (a new execution name); any other phase belongs to the attempt that is running
 * or has reached CDC, and nothing starts. `retriedAttempt` is the attempt a retry request meant: once the registry
 * holds a later one, that retry has happened already and a duplicate of the request starts nothing.
 */
export const decideDatabaseRun = (
  key: { readonly migrationId: string; readonly databaseId: string },
  recorded: RecordedAttempt | undefined,
  retriedAttempt?: number,
): RunDecision => {
  const start = (attempt: number, reason: 'first' | 'retry' | 're-run'): RunDecision => ({
    action: 'start',
    attempt,
    executionName: attemptExecutionName(key.migrationId, key.databaseId, attempt),
    reason,
  });
  if (recorded === undefined) return start(FIRST_ATTEMPT, 'first');
  const report = { action: 'report', attempt: recorded.attempt } as const;
  if (retriedAttempt !== undefined && recorded.attempt > retriedAttempt) {
    return { ...report, status: statusOfPhase(recorded.phase) };
  }
  if (recorded.phase === 'FAILED') return start(recorded.attempt + 1, 'retry');
  if (recorded.phase === 'DELETED') return start(recorded.attempt + 1, 're-run');
  return { ...report, status: statusOfPhase(recorded.phase) };
};
