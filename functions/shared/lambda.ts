/**
 * The one way a handler is wired for Lambda: middy, Powertools structured logging with the Lambda context, the
 * database keys of the event as log keys, and exactly one log line per invocation at the boundary (errors are
 * logged here, never inside handlers, then rethrown so Step Functions sees `error.name`). Expected failures
 * (EXPECTED_FAILURES) are logged at WARN without a stack, the rest at ERROR.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { EXPECTED_FAILURES } from '#contracts/errors';
import { APP_NAME } from '#contracts/names';

export const logger = new Logger({ serviceName: APP_NAME });

const LOG_KEYS = ['migrationId', 'databaseId'] as const;

/** Correlation keys worth having on every log line: the registry key when the event carries it. */
const logKeysOf = (event: unknown): Record<string, string> => {
  if (typeof event !== 'object' || event === null) return {};
  const record = event as Record<string, unknown>;
  return Object.fromEntries(
    LOG_KEYS.flatMap((key) => (typeof record[key] === 'string' ? [[key, record[key]]] : [])),
  );
};

interface Invocation {
  readonly event: unknown;
  readonly error?: unknown;
  readonly response?: unknown;
}

const boundaryLog = {
  before: (request: Invocation): void => {
    logger.appendKeys(logKeysOf(request.event));
  },
  after: (request: Invocation): void => {
    logger.info('handled', { result: request.response });
  },
  onError: (request: Invocation): void => {
    const error = request.error;
    // A retried or caught outcome is not an incident: a stack trace per attempt would bury the real ones.
    if (error instanceof Error && (EXPECTED_FAILURES as readonly string[]).includes(error.name)) {
      logger.warn(`failed: ${error.name}`, { error: { name: error.name, message: error.message } });
    } else if (error instanceof Error) logger.error(`failed: ${error.name}`, error);
    else logger.error('failed', { error: String(error) });
  },
};

/**
 * The part of the Lambda context a handler may read: a source handler's copy finds its network in its name, and a
 * sweep stops starting work its timeout would cut short.
 */
export interface InvocationContext {
  readonly functionName: string;
  readonly getRemainingTimeInMillis?: () => number;
}

export type HandlerFunction<Result> = (event: unknown, context: InvocationContext) => Promise<Result>;

/** Wraps a handler function for Lambda. The function itself stays callable without middy (and without a context). */
export const lambdaHandler = <Result>(
  handle: HandlerFunction<Result>,
): ((event: unknown, context: Context) => Promise<Result>) =>
  middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(boundaryLog);
