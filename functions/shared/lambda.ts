/**
 * The one way a handler is wired for Lambda: middy, Powertools structured logging with the Lambda context, the
 * database keys of the event as log keys, and exactly one log line per invocation at the boundary (errors are
 * logged here, never inside handlers, then rethrown so Step Functions sees `error.name`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
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
    if (error instanceof Error) logger.error(`failed: ${error.name}`, error);
    else logger.error('failed', { error: String(error) });
  },
};

export type HandlerFunction<Result> = (event: unknown) => Promise<Result>;

/** Wraps a handler function for Lambda. The function itself stays callable without middy (and without a context). */
export const lambdaHandler = <Result>(
  handle: HandlerFunction<Result>,
): ((event: unknown, context: Context) => Promise<Result>) =>
  middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(boundaryLog);
