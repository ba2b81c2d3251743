/**
 * lakeshift on the local AWS: starts the generic local AWS (`aws/index.ts`) and applies lakeshift's stack to it
 * (`stack.ts`): the registry table, event bus, state machines, rules and handlers.
 */
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from './aws/index.ts';
import { ScaledClock } from './clock.ts';
import { applyLocalStack, type LocalStackNames } from './stack.ts';

export interface StartLocalLakeshiftOptions extends StartLocalAwsOptions {
  /** Log level of the handlers' Powertools logger (default WARN: a local run's output stays readable). */
  readonly handlerLogLevel?: string;
}

export interface LocalLakeshift extends LocalAws {
  /** Names and ARNs of the applied stack. */
  readonly stack: LocalStackNames;
}

/** Applies lakeshift's stack to a running local AWS; safe to call again (existing resources are adopted). */
export const applyStackTo = (aws: LocalAws, handlerLogLevel = 'WARN'): Promise<LocalStackNames> =>
  applyLocalStack({
    endpoint: aws.endpoint,
    functions: aws.lambda,
    clockSpeed: aws.clock instanceof ScaledClock ? aws.clock.speed : undefined,
    extraEnvironment: { POWERTOOLS_LOG_LEVEL: handlerLogLevel },
  });

/** A local AWS with lakeshift's stack applied; stopped again when the stack cannot be applied. */
export const startLocalLakeshift = async (
  options: StartLocalLakeshiftOptions = {},
): Promise<LocalLakeshift> => {
  const aws = await startLocalAws(options);
  try {
    return { ...aws, stack: await applyStackTo(aws, options.handlerLogLevel) };
  } catch (error) {
    await aws.stop();
    throw error;
  }
};
