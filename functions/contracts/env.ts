/**
 * Environment variable names. Infra sets them, the local runtime sets them, handlers validate them at cold start.
 * Handlers read AWS endpoints only through the SDK's standard `AWS_ENDPOINT_URL`.
 */
export const ENV = {
  /** DynamoDB table holding one registry item per (migrationId, databaseId). */
  registryTableName: 'REGISTRY_TABLE_NAME',
  /** EventBridge bus for lakeshift's own events. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Role DMS assumes to write to the lake (S3 target endpoint `ServiceAccessRoleArn`). */
  dmsS3AccessRoleArn: 'DMS_S3_ACCESS_ROLE_ARN',
  /** Role DMS assumes to read source secrets (`SecretsManagerAccessRoleArn`). */
  dmsSecretsAccessRoleArn: 'DMS_SECRETS_ACCESS_ROLE_ARN',
  /**
   * JSON object of named networks: `{"default":{"replicationSubnetGroupId":"...","vpcSecurityGroupIds":["sg-..."]}}`.
   * A request's database may name one; `default` is used otherwise.
   */
  networks: 'LAKESHIFT_NETWORKS',
  /** Account id that owns the lake bucket (S3 `ExpectedBucketOwner`). */
  lakeBucketOwner: 'LAKE_BUCKET_OWNER',
} as const;

/**
 * Optional variables: unset means the documented default. Infra may leave them out; handlers validate them at cold
 * start when set.
 */
export const OPTIONAL_ENV = {
  /**
   * lakeshift's share of the account's DMS API budget, `"<burst>:<refill per second>"` (default `20:3.2`; DMS's own
   * bucket is 100 and 4), one bucket for every process, kept in the registry table. A runtime whose clock runs faster
   * than the wall clock scales the refill by its speed.
   */
  dmsApiBudget: 'DMS_API_BUDGET',
  /**
   * The folder of the lake under which the deployment's DMS role may write (the stack's `lake.folder`). When set, a
   * request whose `target.folder` is not at or below it is refused before anything is created.
   */
  lakeFolder: 'LAKE_FOLDER',
  /**
   * Minutes a running full load may go without advancing (percent loaded, tables loaded, loading or queued) before
   * the reconciler fails its wait (default 360). A full load that still advances is never failed for its length.
   */
  fullLoadStallMinutes: 'FULL_LOAD_STALL_MINUTES',
  /** Bytes of WAL a database's slot may retain before its alarm fires (default 5 GiB). */
  slotRetainedWalAlarmBytes: 'SLOT_RETAINED_WAL_ALARM_BYTES',
  /** Minutes a slot may stay inactive while its database is in CDC before the reconciler reports it (default 30). */
  slotInactiveIncidentMinutes: 'SLOT_INACTIVE_INCIDENT_MINUTES',
  /** SNS topic the per-database slot alarms notify (the stack's health topic). */
  healthTopicArn: 'HEALTH_TOPIC_ARN',
} as const;

export type EnvKey = keyof typeof ENV;
export type EnvName = (typeof ENV)[EnvKey];
