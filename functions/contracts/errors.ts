/**
 * Error names are part of the state machine contract: Lambda reports `errorType = error.name`, and ASL
 * `Retry`/`Catch` match on it. Every class sets `this.name` from this table.
 */
export const ERROR_NAMES = {
  /** A DMS resource is busy (creating, modifying, stopping...): wait and try again. Retryable. */
  resourceBusy: 'ResourceBusy',
  /** The API was throttled or answered 5xx and our own retries ran out. Retryable with backoff. */
  throttled: 'Throttled',
  /** The request document is invalid. Never retried. */
  invalidRequest: 'InvalidMigrationRequest',
  /** A handler's input (from ASL or an event) does not match its schema. Never retried. */
  invalidInput: 'InvalidHandlerInput',
  /** A resource with our deterministic identifier exists but its tags say someone else owns it. Never retried. */
  foreignResource: 'ForeignResourceConflict',
  /** A quota (instances, tasks, endpoints, storage) is exhausted. Never retried. */
  quotaExceeded: 'QuotaExceeded',
  /** Access to DMS, KMS, S3 or Secrets Manager was denied. Never retried. */
  accessDenied: 'AccessDenied',
  /** A resource we expected is gone. */
  resourceNotFound: 'ResourceNotFound',
  /** DMS has no capacity for the class in this AZ right now. Retry later or with another class. */
  insufficientCapacity: 'InsufficientCapacity',
  /** A registry phase change that the legal moves (docs/design.md §2.1) do not include. */
  illegalPhaseTransition: 'IllegalPhaseTransition',
  /** Optimistic concurrency lost on the registry item: re-read and retry. Retryable. */
  registryConflict: 'RegistryConflict',
  /** Another resize holds the instance's lock. */
  resizeInProgress: 'ResizeInProgress',
  /** An endpoint connection test ended in `failed`. */
  connectionTestFailed: 'ConnectionTestFailed',
  /** The full load stopped advancing for longer than the configured stall time. */
  fullLoadStalled: 'FullLoadStalled',
  /** The replication task failed (DMS event or describe). */
  replicationTaskFailed: 'ReplicationTaskFailed',
  /** A resource reached a state it cannot leave on its own (e.g. instance `failed`, `incompatible-network`). */
  resourceFailed: 'ResourceFailed',
  /** The database is being torn down or was deleted: create, start and resize steps refuse to act for it. */
  teardownInProgress: 'TeardownInProgress',
  /** A later attempt of the database has begun: this older one does nothing more. Never retried. */
  attemptSuperseded: 'AttemptSuperseded',
  /** A required environment variable is missing or malformed at cold start. */
  configuration: 'ConfigurationError',
  /** Any other DMS/AWS fault we do not classify. Not retried blindly. */
  awsFault: 'AwsFault',
  /** The source refused the TLS the endpoint asks for, or its certificate did not verify. Never retried. */
  sourceTls: 'SourceTlsRefused',
  /** The source refused the login or the privilege (pg_hba, password, role). Never retried. */
  sourceAccessDenied: 'SourceAccessDenied',
  /** Which replication slot the task uses could not be told apart (several new slots appeared). Never retried. */
  slotAmbiguous: 'ReplicationSlotAmbiguous',
  /** The task's replication slot has not appeared on the source yet: look again. Retryable. */
  slotNotYetCreated: 'ReplicationSlotNotYetCreated',
  /**
   * The source database did not answer (refused, timed out, no such host) from where the handler runs. Retried only
   * where waiting can help (teardown's slot drop); a slot lookup that meets it records nothing.
   */
  sourceUnreachable: 'SourceUnreachable',
  /** Another resync of the same table holds its lock. Never retried: the caller waits for it to end. */
  tableResyncInProgress: 'TableResyncInProgress',
  /** DMS reports the reloaded table in error (`Table error`), or the task no longer migrates it. */
  tableReloadFailed: 'TableReloadFailed',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** Names of Fail states at the end of bounded waits and catches; tests and dashboards refer to them. */
export const FAIL_STATE_ERRORS = {
  waitTimedOut: 'WaitTimedOut',
  migrationFailed: 'MigrationFailed',
  resizeFailed: 'ResizeFailed',
  teardownFailed: 'TeardownFailed',
  fleetFailed: 'FleetFailed',
  catalogRefreshFailed: 'CatalogRefreshFailed',
  resyncFailed: 'ResyncFailed',
} as const;

/** Errors ASL retries with backoff. */
export const RETRYABLE_ERRORS: readonly ErrorName[] = [
  ERROR_NAMES.resourceBusy,
  ERROR_NAMES.throttled,
  ERROR_NAMES.registryConflict,
];

/**
 * Failures a state machine handles as an ordinary outcome (it retries them, or catches them onto a documented
 * path): the handler boundary logs them at WARN as one structured line without a stack trace.
 */
export const EXPECTED_FAILURES: readonly ErrorName[] = [
  ...RETRYABLE_ERRORS,
  ERROR_NAMES.slotNotYetCreated,
  ERROR_NAMES.slotAmbiguous,
  ERROR_NAMES.sourceUnreachable,
  // A resync refused because another holds the table: resync-table ends it as a documented failure.
  ERROR_NAMES.tableResyncInProgress,
];

abstract class LakeshiftError extends Error {
  abstract override readonly name: ErrorName;
}

export class ResourceBusyError extends LakeshiftError {
  override readonly name = ERROR_NAMES.resourceBusy;
}
export class ThrottledError extends LakeshiftError {
  override readonly name = ERROR_NAMES.throttled;
}
export class InvalidInputError extends LakeshiftError {
  override readonly name = ERROR_NAMES.invalidInput;
}
export class ForeignResourceError extends LakeshiftError {
  override readonly name = ERROR_NAMES.foreignResource;
}
export class QuotaExceededError extends LakeshiftError {
  override readonly name = ERROR_NAMES.quotaExceeded;
}
export class AccessDeniedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.accessDenied;
}
export class ResourceNotFoundError extends LakeshiftError {
  override readonly name = ERROR_NAMES.resourceNotFound;
}
export class InsufficientCapacityError extends LakeshiftError {
  override readonly name = ERROR_NAMES.insufficientCapacity;
}
export class IllegalPhaseTransitionError extends LakeshiftError {
  override readonly name = ERROR_NAMES.illegalPhaseTransition;
}
export class RegistryConflictError extends LakeshiftError {
  override readonly name = ERROR_NAMES.registryConflict;
}
export class ResizeInProgressError extends LakeshiftError {
  override readonly name = ERROR_NAMES.resizeInProgress;
}
export class ConnectionTestFailedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.connectionTestFailed;
}
export class ReplicationTaskFailedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.replicationTaskFailed;
}
export class ResourceFailedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.resourceFailed;
}
export class TeardownInProgressError extends LakeshiftError {
  override readonly name = ERROR_NAMES.teardownInProgress;
}
export class AttemptSupersededError extends LakeshiftError {
  override readonly name = ERROR_NAMES.attemptSuperseded;
}
export class ConfigurationError extends LakeshiftError {
  override readonly name = ERROR_NAMES.configuration;
}
export class SourceTlsError extends LakeshiftError {
  override readonly name = ERROR_NAMES.sourceTls;
}
export class SourceAccessDeniedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.sourceAccessDenied;
}
export class ReplicationSlotAmbiguousError extends LakeshiftError {
  override readonly name = ERROR_NAMES.slotAmbiguous;
}
export class ReplicationSlotNotYetCreatedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.slotNotYetCreated;
}
export class SourceUnreachableError extends LakeshiftError {
  override readonly name = ERROR_NAMES.sourceUnreachable;
}
export class TableResyncInProgressError extends LakeshiftError {
  override readonly name = ERROR_NAMES.tableResyncInProgress;
}
export class TableReloadFailedError extends LakeshiftError {
  override readonly name = ERROR_NAMES.tableReloadFailed;
}
export class AwsFaultError extends LakeshiftError {
  override readonly name = ERROR_NAMES.awsFault;
}

/**
 * Step Functions keeps a failure's error to 256 characters and its cause to 32,768 (the API reference's
 * ExecutionFailedEventDetails; docs/failure-semantics.md, "Fleet size"): what lakeshift sends or builds stays within.
 */
export const FAILURE_DETAIL_LIMITS = { errorCharacters: 256, causeCharacters: 32_768 } as const;

/** One invalid field of a request: its path (e.g. `databases[2].secretArn`) and the rule it broke. */
export interface FieldIssue {
  readonly path: string;
  readonly rule: string;
}

/**
 * Problems an invalid request's message lists; it counts the rest. The message becomes migrate-fleet's failure cause,
 * which Step Functions bounds (docs/failure-semantics.md, "Fleet size"), and a fleet of hundreds can break one rule
 * hundreds of times.
 */
export const INVALID_REQUEST_PROBLEMS_LISTED = 20;

/** A bad migration request. The message lists the first invalid fields; `issues` carries every one, structured. */
export class InvalidRequestError extends LakeshiftError {
  override readonly name = ERROR_NAMES.invalidRequest;
  constructor(readonly issues: readonly FieldIssue[]) {
    const listed = issues
      .slice(0, INVALID_REQUEST_PROBLEMS_LISTED)
      .map((issue) => `${issue.path || '(root)'}: ${issue.rule}`)
      .join('; ');
    const more = issues.length - INVALID_REQUEST_PROBLEMS_LISTED;
    super(
      `Invalid migration request (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${listed}${more > 0 ? `; and ${more} more` : ''}`,
    );
  }
}

/** An error as one line for a result or a warning: `Name: message`, or the value as text when it is not an Error. */
export const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
