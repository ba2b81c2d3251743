/**
 * lakeshift on the local AWS: starts the generic local AWS (`aws/index.ts`) and applies lakeshift's stack to it
 * (`stack.ts`): the registry table, event bus, state machines, rules and handlers. IAM is enforced from the template
 * `cdk synth` produces for the local stack's config (docs/iam.md), unless turned off.
 */
import { ENV } from '#contracts/env';
import type { CloudFormationTemplate } from './aws/iam/intrinsics.ts';
import type { IamSettings } from './aws/iam/request-context.ts';
import { readStackModel, type StackModel } from './aws/iam/stack-model.ts';
import { synthesizedTemplate } from './aws/iam/synthesized-template.ts';
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from './aws/index.ts';
import { ScaledClock } from './clock.ts';
import { applyLocalStack, type LocalStackNames } from './stack.ts';

export interface StartLocalLakeshiftOptions extends Omit<StartLocalAwsOptions, 'iam'> {
  /** Log level of the handlers' Powertools logger (default WARN: a local run's output stays readable). */
  readonly handlerLogLevel?: string;
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
export const applyStackTo = (aws: LocalAws, handlerLogLevel = 'WARN'): Promise<LocalStackNames> =>
  applyLocalStack({
    endpoint: aws.endpoint,
    functions: aws.lambda,
    clockSpeed: aws.clock instanceof ScaledClock ? aws.clock.speed : undefined,
    extraEnvironment: { POWERTOOLS_LOG_LEVEL: handlerLogLevel },
    roleArns: aws.iam ? dmsRoleArnsOf(aws.iam.model) : undefined,
  });

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
    return { ...aws, stack: await applyStackTo(aws, options.handlerLogLevel) };
  } catch (error) {
    await aws.stop();
    throw error;
  }
};
