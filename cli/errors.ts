/** Errors the command line reports as one line saying what to do, and exits non-zero on. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export class StackNotFoundError extends Error {
  override readonly name = 'StackNotFoundError';
}

export class MissingCredentialsError extends Error {
  override readonly name = 'MissingCredentialsError';
}

export class UnknownMigrationError extends Error {
  override readonly name = 'UnknownMigrationError';
}

export class RequestFileError extends Error {
  override readonly name = 'RequestFileError';
}

export class SendEventError extends Error {
  override readonly name = 'SendEventError';
}

export class NothingToRetryError extends Error {
  override readonly name = 'NothingToRetryError';
}
