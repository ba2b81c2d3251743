import * as z from 'zod';
import { CA_BUNDLE_NAMES, DEFAULT_NETWORK_NAME } from '#contracts/names';
import { fidelityPlanSchema } from '#domain/fidelity/schemas';
import { databaseIdentifiersSchema } from '#domain/naming';
import { resizeSettingsSchema } from '#domain/request/resize-settings';
import { sourceEndpointPlanSchema, targetEndpointPlanSchema } from './endpoint-plans.ts';
import { instancePlanSchema } from './instance-plan.ts';
import { resourceTagSchema } from './resource-fields.ts';
import { taskPlanSchema } from './task-plan.ts';

/**
 * Where a source's CA certificate comes from: a PEM in Secrets Manager, a certificate DMS already has, or a bundle
 * lakeshift ships.
 */
export const caCertificateSourceSchema = z.union([
  z.object({ secretArn: z.string() }),
  z.object({ certificateArn: z.string() }),
  z.object({ bundle: z.enum(CA_BUNDLE_NAMES) }),
]);
export type CaCertificateSource = z.infer<typeof caCertificateSourceSchema>;

/**
 * What the planner needs from the deployment; the plan-database handler reads it from the environment
 * (see `parsePlannerEnvironment`).
 */
export interface PlannerEnvironment {
  readonly dmsS3AccessRoleArn: string;
  readonly dmsSecretsAccessRoleArn: string;
  /** Named networks; `default` applies to databases that choose none. */
  readonly networks: Readonly<Record<string, NamedNetwork>>;
  /** Account that owns the lake bucket, unless the request names one. */
  readonly lakeBucketOwner?: string;
  /** The folder the deployment's DMS role may write under; requests must target it or a folder below it. */
  readonly lakeFolder?: string;
}

export interface NamedNetwork {
  readonly replicationSubnetGroupId: string;
  readonly vpcSecurityGroupIds: string[];
}

/**
 * Everything needed to migrate one database. Plain JSON (no undefined values, no classes): it travels through
 * Step Functions and is stored in DynamoDB. Each resource section is the SDK's create input as it stands (a test
 * assigns them to the command input types); handlers validate the sections they receive with these schemas.
 */
export const databasePlanSchema = z.object({
  migrationId: z.string(),
  databaseId: z.string(),
  identifiers: databaseIdentifiersSchema,
  /**
   * The deployment's network whose copies of the source handlers reach this database (docs/source-safety.md,
   * "Networks"). Plans stored before networks had their own copies ran in `default`.
   */
  network: z.string().default(DEFAULT_NETWORK_NAME),
  tags: z.array(resourceTagSchema),
  instance: instancePlanSchema,
  sourceEndpoint: sourceEndpointPlanSchema,
  targetEndpoint: targetEndpointPlanSchema,
  task: taskPlanSchema,
  source: z.object({
    secretArn: z.string(),
    databaseName: z.string(),
    /** The CA certificate verify-ca/verify-full check the source against; absent for none and require. */
    caCertificate: caCertificateSourceSchema.optional(),
  }),
  /** Resolved: the steady class is concrete unless the request asked for 'auto'. */
  resize: resizeSettingsSchema,
  /**
   * What the source inspection found and what lakeshift does about it (docs/column-fidelity.md): adjusted
   * columns, lossy columns the request chose, plan warnings. Null when the source was not inspected.
   */
  fidelity: fidelityPlanSchema.nullable().default(null),
});
export type DatabasePlan = z.infer<typeof databasePlanSchema>;
