/**
 * Attempts of a database (docs/failure-semantics.md): every run of migrate-database for a database has a number,
 * kept in the registry and part of the execution name. A retry or a re-run after teardown is the next number (a
 * new execution); a duplicate trigger of the same attempt meets the same name and starts nothing.
 */
import * as z from 'zod';

/** The first attempt of every database. */
export const FIRST_ATTEMPT = 1;

/** What migrate-fleet reports per database, in `statuses`. */
export const FLEET_DATABASE_STATUSES = {
  /** This request started the attempt, and it reached CDC. */
  started: 'STARTED',
  /** Another trigger started the same attempt, or the database is between phases on its way to CDC. */
  alreadyRunning: 'ALREADY_RUNNING',
  /** The database already runs CDC (or is stopped by hand): nothing to do. */
  alreadyDone: 'ALREADY_DONE',
  /** The attempt this request started failed. */
  failed: 'FAILED',
  /** Teardown owns the database: nothing starts until it is DELETED. */
  tearingDown: 'TEARING_DOWN',
} as const;
export type FleetDatabaseStatus = (typeof FLEET_DATABASE_STATUSES)[keyof typeof FLEET_DATABASE_STATUSES];

const databaseIds = z
  .array(z.string().min(1, 'must be a non-empty database id'))
  .min(1, 'must name at least one database');

/**
 * The detail of `Retry Requested` (and the input of migrate-fleet started by hand to retry): the databases to run
 * again with the request each one was last planned from. `attempts` optionally names, per database, the attempt
 * being retried, so a duplicate of the event finds that attempt already retried and starts nothing.
 */
export const retryRequestSchema = z.strictObject({
  migrationId: z.string().min(1, 'must be a non-empty migration id'),
  databaseIds,
  attempts: z.record(z.string(), z.number().int().min(FIRST_ATTEMPT, 'must be 1 or more')).optional(),
});
export type RetryRequest = z.output<typeof retryRequestSchema>;
