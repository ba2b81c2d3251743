/**
 * How an AWS error is handled: the fault names of DMS (docs/dms-behaviour.md §8.1) and of the other services
 * lakeshift calls, sorted into the kinds the retry policy and the state machines act on.
 */
import {
  AccessDeniedError,
  AwsFaultError,
  ERROR_NAMES,
  InsufficientCapacityError,
  QuotaExceededError,
  ResourceBusyError,
  ResourceNotFoundError,
  ThrottledError,
} from '#contracts/errors';

export type FaultKind =
  /** Throttled: retried here with backoff. */
  | 'throttled'
  /** 5xx or a dropped connection: retried here with backoff. */
  | 'transient'
  /** The resource is in a state that forbids the call now: retried by the state machine, not here. */
  | 'busy'
  | 'quota'
  | 'accessDenied'
  | 'notFound'
  | 'capacity'
  /** Any other AWS fault: never retried blindly. */
  | 'fault'
  /** Not an AWS error at all (a bug, or an error lakeshift already named): passed through untouched. */
  | 'foreign';

// SDK standard-retry throttling codes (docs/dms-behaviour.md §8.1) plus KMS's throttle as DMS reports it.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'KMSThrottlingFault',
]);

const TRANSIENT = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

const BUSY = new Set(['InvalidResourceStateFault']);

const QUOTA = new Set([
  'ResourceQuotaExceededFault',
  'StorageQuotaExceededFault',
  'LimitExceededException',
  'LimitExceeded',
  'ServiceQuotaExceededException',
  'ExecutionLimitExceeded',
]);

const ACCESS_DENIED = new Set([
  'AccessDeniedFault',
  'AccessDeniedException',
  'AccessDenied',
  'S3AccessDeniedFault',
  'KMSAccessDeniedFault',
  'KMSDisabledFault',
  'KMSFault',
  'KMSInvalidStateFault',
  'KMSKeyNotAccessibleFault',
  'KMSNotFoundFault',
  'DecryptionFailure',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

const NOT_FOUND = new Set([
  'ResourceNotFoundFault',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'ExecutionDoesNotExist',
  'StateMachineDoesNotExist',
]);

const CAPACITY = new Set(['InsufficientResourceCapacityFault']);

const LAKESHIFT_ERROR_NAMES: ReadonlySet<string> = new Set(Object.values(ERROR_NAMES));

interface AwsErrorShape {
  readonly name: string;
  readonly message: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly code?: string;
}

const asErrorShape = (error: unknown): AwsErrorShape | undefined =>
  error instanceof Error ? (error as AwsErrorShape) : undefined;

const isAwsServiceError = (error: AwsErrorShape): boolean =>
  error.$metadata !== undefined || error.$fault !== undefined;

/** The AWS error code of `error`, or undefined when it is not an error. */
export const faultName = (error: unknown): string | undefined => asErrorShape(error)?.name;

/** True when `error` is the AWS fault named `name` (matched by name: local endpoints produce the same names). */
export const isFault = (error: unknown, name: string): boolean => faultName(error) === name;

export const classifyFault = (error: unknown): FaultKind => {
  const shape = asErrorShape(error);
  if (!shape || LAKESHIFT_ERROR_NAMES.has(shape.name)) return 'foreign';
  const { name } = shape;
  if (THROTTLING.has(name)) return 'throttled';
  if (BUSY.has(name)) return 'busy';
  if (QUOTA.has(name)) return 'quota';
  if (ACCESS_DENIED.has(name)) return 'accessDenied';
  if (NOT_FOUND.has(name)) return 'notFound';
  if (CAPACITY.has(name)) return 'capacity';
  if (TRANSIENT.has(name)) return 'transient';
  if (shape.code !== undefined && TRANSIENT_NETWORK_CODES.has(shape.code)) return 'transient';
  if (!isAwsServiceError(shape)) return 'foreign';
  const status = shape.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) return 'transient';
  return 'fault';
};

export const isRetryableHere = (kind: FaultKind): boolean => kind === 'throttled' || kind === 'transient';

/**
 * The named lakeshift error for a fault that is not retried here, or no longer (`attempts` made). The original
 * error is kept as `cause`; the message names the operation and the AWS code so a Step Functions Cause reads on
 * its own. Errors that are not AWS faults come back unchanged.
 */
export const toLakeshiftError = (error: unknown, operation: string, attempts = 1): unknown => {
  const kind = classifyFault(error);
  if (kind === 'foreign') return error;
  const detail = `${faultName(error)}: ${asErrorShape(error)?.message ?? ''}`.trimEnd();
  const options = { cause: error };
  if (isRetryableHere(kind)) {
    return new ThrottledError(`${operation} still failing after ${attempts} attempt(s): ${detail}`, options);
  }
  const message = `${operation} failed: ${detail}`;
  switch (kind) {
    case 'busy':
      return new ResourceBusyError(message, options);
    case 'quota':
      return new QuotaExceededError(message, options);
    case 'accessDenied':
      return new AccessDeniedError(message, options);
    case 'notFound':
      return new ResourceNotFoundError(message, options);
    case 'capacity':
      return new InsufficientCapacityError(message, options);
    default:
      return new AwsFaultError(message, options);
  }
};
