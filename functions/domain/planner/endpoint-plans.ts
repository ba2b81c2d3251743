import * as z from 'zod';
import { s3SettingsOverridesSchema } from '#domain/request/s3-settings';
import { databaseSslModeSchema, pluginNameSchema } from '#domain/request/source-settings';
import { dmsIdentifier, resourceTags } from './resource-fields.ts';

/** `CreateEndpoint` input for the PostgreSQL source. Credentials come from the secret; there is never a password. */
export const sourceEndpointPlanSchema = z.object({
  EndpointIdentifier: dmsIdentifier,
  EndpointType: z.literal('source', { message: "must be 'source'" }),
  EngineName: z.literal('postgres', { message: "must be 'postgres'" }),
  DatabaseName: z.string(),
  SslMode: databaseSslModeSchema,
  /** Set by ensure-endpoints once the CA certificate is imported (verify-ca/verify-full only). */
  CertificateArn: z.string().optional(),
  PostgreSQLSettings: z.object({
    SecretsManagerSecretId: z.string(),
    SecretsManagerAccessRoleArn: z.string(),
    DatabaseName: z.string(),
    MapBooleanAsBoolean: z.literal(true, { message: 'must be true' }),
    HeartbeatEnable: z.boolean(),
    HeartbeatFrequency: z.number().int().optional(),
    HeartbeatSchema: z.string().optional(),
    PluginName: pluginNameSchema,
    FailTasksOnLobTruncation: z.boolean(),
  }),
  Tags: resourceTags,
});
export type SourceEndpointPlan = z.infer<typeof sourceEndpointPlanSchema>;

/** The request's tunable settings plus what lakeshift derives: bucket, folder, role, encryption, owner. */
export const s3TargetSettingsSchema = s3SettingsOverridesSchema
  .omit({
    BucketName: true,
    BucketFolder: true,
    ServiceAccessRoleArn: true,
    EncryptionMode: true,
    ServerSideEncryptionKmsKeyId: true,
    ExpectedBucketOwner: true,
  })
  .extend({
    ServiceAccessRoleArn: z.string(),
    BucketName: z.string(),
    BucketFolder: z.string(),
    EncryptionMode: z.literal('sse-kms', { message: "must be 'sse-kms'" }),
    ServerSideEncryptionKmsKeyId: z.string(),
    ExpectedBucketOwner: z.string().optional(),
  });
export type S3TargetSettings = z.infer<typeof s3TargetSettingsSchema>;

/** `CreateEndpoint` input for the S3 (Parquet) target. */
export const targetEndpointPlanSchema = z.object({
  EndpointIdentifier: dmsIdentifier,
  EndpointType: z.literal('target', { message: "must be 'target'" }),
  EngineName: z.literal('s3', { message: "must be 's3'" }),
  S3Settings: s3TargetSettingsSchema,
  Tags: resourceTags,
});
export type TargetEndpointPlan = z.infer<typeof targetEndpointPlanSchema>;
