import { ENV, OPTIONAL_ENV } from '#contracts/env';
import { type PlannerEnvironment, parsePlannerEnvironment } from '#domain/planner/index';
import { requireEnv } from './env.ts';

/**
 * The planner's deployment settings from the environment, validated at cold start: the two DMS roles are required,
 * the named networks, the lake bucket owner and the lake folder optional.
 */
export const plannerEnvironmentFromEnv = (source: NodeJS.ProcessEnv = process.env): PlannerEnvironment => {
  const env = requireEnv([ENV.dmsS3AccessRoleArn, ENV.dmsSecretsAccessRoleArn], source);
  return parsePlannerEnvironment({
    dmsS3AccessRoleArn: env[ENV.dmsS3AccessRoleArn],
    dmsSecretsAccessRoleArn: env[ENV.dmsSecretsAccessRoleArn],
    networks: source[ENV.networks],
    lakeBucketOwner: source[ENV.lakeBucketOwner],
    lakeFolder: source[OPTIONAL_ENV.lakeFolder],
  });
};
