/**
 * lakeshift on the local AWS: starts the generic local AWS (`aws/index.ts`) and applies lakeshift's stack to it
 * (`stack.ts`): the registry table, event bus, state machines, rules and handlers. IAM is enforced from the template
 * `cdk synth` produces for the local stack's config (docs/iam.md), unless turned off.
 */
import { ENV } from '#contracts/env';
import { DEFAULT_STACK_NAME } from '#contracts/stack-outputs';
import type { CloudFormationTemplate } from './aws/iam/intrinsics.ts';
import type { IamSettings } from './aws/iam/request-context.ts';
import { readStackModel, type StackModel } from './aws/iam/stack-model.ts';
import { synthesizedTemplate } from './aws/iam/synthesized-template.ts';
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from './aws/index.ts';
import { ScaledClock } from './clock.ts';
import { applyLocalStack, type LocalStackNames, localStackOutputs } from './stack.ts';

export interface StartLocalLakeshiftOptions extends Omit<StartLocalAwsOptions, 'iam'> {
  /** Log level of the handlers' Powertools logger (default WARN: a local run's output stays readable). */
  readonly handlerLogLevel?: string;
  /** Optional settings for every handler (OPTIONAL_ENV names them), as a deployment sets them on its functions. */
  readonly handlerSettings?: Readonly<Record<string, string>>;
  /**
   * IAM enforcement from the synthesized template (on by default). `false` turns it off; an object tunes the
   * readings of undocumented behaviour, or evaluates another template.
   */
  readonly iam?: false | { readonly settings?: IamSettings; readonly template?: CloudFormationTemplate };
}

export interface LocalLakeshift extends LocalAws {
  /** Names and ARNs of the applied stack. */
  readonly stack: LocalStackNames;
}

/** The DMS roles the template gives the handlers (ENV names them), so that endpoints name the template's roles. */
const dmsRoleArnsOf = (
  model: StackModel,
): { dmsS3AccessRoleArn: string; dmsSecretsAccessRoleArn: string } | undefined => {
  for (const variables of model.functionEnvironments.values()) {
    const s3 = variables[ENV.dmsS3AccessRoleArn];
    const secrets = variables[ENV.dmsSecretsAccessRoleArn];
    if (s3 && secrets) return { dmsS3AccessRoleArn: s3, dmsSecretsAccessRoleArn: secrets };
  }
  return undefined;
};

/** Applies lakeshift's stack to a running local AWS; safe to call again (existing resources are adopted). */
export const applyStackTo = async (
  aws: LocalAws,
  handlerLogLevel = 'WARN',
  handlerSettings: Readonly<Record<string, string>> = {},
): Promise<LocalStackNames> => {
  // A clock that runs by itself times the budget's waits (as the handlers see time pass); one moved by hand cannot.
  const handlerTime = aws.clock.handlerTime ?? aws.clock;
  const names = await applyLocalStack({
    endpoint: aws.endpoint,
    functions: aws.lambda,
    budgetClock: aws.clock instanceof ScaledClock ? handlerTime : undefined,
    // Handlers run in this process: their metric lines would interleave with the run's own output.
    extraEnvironment: {
      ...handlerSettings,
      POWERTOOLS_LOG_LEVEL: handlerLogLevel,
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    roleArns: aws.iam ? dmsRoleArnsOf(aws.iam.model) : undefined,
  });
  // Clients find the local stack as they find a deployed one: by name, through DescribeStacks.
  aws.cloudFormation.putStack(DEFAULT_STACK_NAME, localStackOutputs(names), new Date(aws.clock.now()));
  return names;
};

/** A local AWS with lakeshift's stack applied; stopped again when the stack cannot be applied. */
export const startLocalLakeshift = async (
  options: StartLocalLakeshiftOptions = {},
): Promise<LocalLakeshift> => {
  const iam =
    options.iam === false
      ? undefined
      : {
          model: readStackModel(options.iam?.template ?? (await synthesizedTemplate())),
          settings: options.iam?.settings,
        };
  const aws = await startLocalAws({ ...options, iam });
  try {
    return { ...aws, stack: await applyStackTo(aws, options.handlerLogLevel, options.handlerSettings) };
  } catch (error) {
    await aws.stop();
    throw error;
  }
};
