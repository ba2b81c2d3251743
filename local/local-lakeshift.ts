/**
 * lakeshift on the local AWS: starts the generic local AWS (`aws/index.ts`) and applies lakeshift's stack to it
 * (`stack.ts`): the registry table, event bus, state machines, rules and handlers.
 */
import { DEFAULT_STACK_NAME } from '#contracts/stack-outputs';
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from './aws/index.ts';
import { ScaledClock } from './clock.ts';
import { applyLocalStack, type LocalStackNames, localStackOutputs } from './stack.ts';

export interface StartLocalLakeshiftOptions extends StartLocalAwsOptions {
  /** Log level of the handlers' Powertools logger (default WARN: a local run's output stays readable). */
  readonly handlerLogLevel?: string;
}

export interface LocalLakeshift extends LocalAws {
  /** Names and ARNs of the applied stack. */
  readonly stack: LocalStackNames;
}

/** Applies lakeshift's stack to a running local AWS; safe to call again (existing resources are adopted). */
export const applyStackTo = async (aws: LocalAws, handlerLogLevel = 'WARN'): Promise<LocalStackNames> => {
  const names = await applyLocalStack({
    endpoint: aws.endpoint,
    functions: aws.lambda,
    clockSpeed: aws.clock instanceof ScaledClock ? aws.clock.speed : undefined,
    // Handlers run in this process: their metric lines would interleave with the run's own output.
    extraEnvironment: { POWERTOOLS_LOG_LEVEL: handlerLogLevel, POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  // Clients find the local stack as they find a deployed one: by name, through DescribeStacks.
  aws.cloudFormation.putStack(DEFAULT_STACK_NAME, localStackOutputs(names), new Date(aws.clock.now()));
  return names;
};

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
