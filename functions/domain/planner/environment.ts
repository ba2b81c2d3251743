import * as z from 'zod';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import { ConfigurationError } from '#contracts/errors';
import { toFieldIssues } from '#domain/request/issues';
import { accountId, iamRoleArn, replicationSubnetGroupId, securityGroupIds } from '#domain/request/rules';
import type { PlannerEnvironment } from './plan.ts';

const networksSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'network names must be 1 to 64 letters, digits, _ or -'),
  z.strictObject({ replicationSubnetGroupId, vpcSecurityGroupIds: securityGroupIds }),
);

const environmentSchema = z.strictObject({
  [ENV.dmsS3AccessRoleArn]: iamRoleArn,
  [ENV.dmsSecretsAccessRoleArn]: iamRoleArn,
  [ENV.networks]: networksSchema,
  [ENV.lakeBucketOwner]: accountId.optional(),
  [OPTIONAL_ENV.lakeFolder]: z
    .string()
    .regex(/^[^/\s]+(\/[^/\s]+)*$/, 'must be a folder path without leading, trailing or double slashes')
    .optional(),
});

/** Raw values as the handler reads them; `networks` is the JSON text of `LAKESHIFT_NETWORKS` (absent: none). */
export interface RawPlannerEnvironment {
  readonly dmsS3AccessRoleArn: string;
  readonly dmsSecretsAccessRoleArn: string;
  readonly networks?: string | undefined;
  readonly lakeBucketOwner?: string | undefined;
  readonly lakeFolder?: string | undefined;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${ENV.networks} must be a JSON object of named networks`);
  }
};

/** Validates the planner's deployment settings at cold start, naming every bad variable. */
export const parsePlannerEnvironment = (raw: RawPlannerEnvironment): PlannerEnvironment => {
  const networksText = raw.networks?.trim();
  const result = environmentSchema.safeParse({
    [ENV.dmsS3AccessRoleArn]: raw.dmsS3AccessRoleArn,
    [ENV.dmsSecretsAccessRoleArn]: raw.dmsSecretsAccessRoleArn,
    [ENV.networks]: networksText ? parseJson(networksText) : {},
    [ENV.lakeBucketOwner]: raw.lakeBucketOwner?.trim() || undefined,
    [OPTIONAL_ENV.lakeFolder]: raw.lakeFolder?.trim() || undefined,
  });
  if (!result.success) {
    const problems = result.error.issues
      .flatMap((issue) => toFieldIssues(issue))
      .map((issue) => `${issue.path}: ${issue.rule}`);
    throw new ConfigurationError(`Invalid planner configuration: ${problems.join('; ')}`);
  }
  const values = result.data;
  const owner = values[ENV.lakeBucketOwner];
  const lakeFolder = values[OPTIONAL_ENV.lakeFolder];
  return {
    dmsS3AccessRoleArn: values[ENV.dmsS3AccessRoleArn],
    dmsSecretsAccessRoleArn: values[ENV.dmsSecretsAccessRoleArn],
    networks: values[ENV.networks],
    ...(owner === undefined ? {} : { lakeBucketOwner: owner }),
    ...(lakeFolder === undefined ? {} : { lakeFolder }),
  };
};
