import type { InstanceClass } from '#domain/instance-classes';
import type { DatabaseIdentifiers } from '#domain/naming';
import type { EffectiveDatabaseSettings } from '#domain/request/effective';
import type { ResizeSettings } from '#domain/request/resize-settings';
import type { TunableS3Settings } from '#domain/request/s3-settings';
import type { MigrationRequestDefaults } from '#domain/request/schema';

/** Where a source's CA certificate comes from: a PEM in Secrets Manager, or a certificate DMS already has. */
export type CaCertificateSource = { secretArn: string } | { certificateArn: string };

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

/** DMS tag shape, as the SDK takes it. */
export interface ResourceTag {
  Key: string;
  Value: string;
}

/** `CreateReplicationInstance` input. */
export interface InstancePlan {
  ReplicationInstanceIdentifier: string;
  /** The full-load class; the resize policy steps it down afterwards. */
  ReplicationInstanceClass: InstanceClass;
  AllocatedStorage: number;
  MultiAZ: boolean;
  PubliclyAccessible: false;
  ReplicationSubnetGroupIdentifier?: string;
  VpcSecurityGroupIds?: string[];
  EngineVersion?: string;
  Tags: ResourceTag[];
}

/** `CreateEndpoint` input for the PostgreSQL source. Credentials come from the secret; there is never a password. */
export interface SourceEndpointPlan {
  EndpointIdentifier: string;
  EndpointType: 'source';
  EngineName: 'postgres';
  DatabaseName: string;
  SslMode: EffectiveDatabaseSettings['sslMode'];
  /** Set by ensure-endpoints once the CA certificate is imported (verify-ca/verify-full only). */
  CertificateArn?: string;
  PostgreSQLSettings: {
    SecretsManagerSecretId: string;
    SecretsManagerAccessRoleArn: string;
    DatabaseName: string;
    MapBooleanAsBoolean: true;
    HeartbeatEnable: boolean;
    HeartbeatFrequency?: number;
    HeartbeatSchema?: string;
    PluginName: MigrationRequestDefaults['pluginName'];
    FailTasksOnLobTruncation: boolean;
  };
  Tags: ResourceTag[];
}

export type S3TargetSettings = TunableS3Settings & {
  ServiceAccessRoleArn: string;
  BucketName: string;
  BucketFolder: string;
  EncryptionMode: 'sse-kms';
  ServerSideEncryptionKmsKeyId: string;
  ExpectedBucketOwner?: string;
};

/** `CreateEndpoint` input for the S3 (Parquet) target. */
export interface TargetEndpointPlan {
  EndpointIdentifier: string;
  EndpointType: 'target';
  EngineName: 's3';
  S3Settings: S3TargetSettings;
  Tags: ResourceTag[];
}

/** `CreateReplicationTask` input without the ARNs, which exist only once the resources do. */
export interface TaskPlan {
  ReplicationTaskIdentifier: string;
  MigrationType: 'full-load-and-cdc';
  /** JSON string, as DMS takes it. */
  TableMappings: string;
  /** JSON string, as DMS takes it. */
  ReplicationTaskSettings: string;
  Tags: ResourceTag[];
}

/**
 * Everything needed to migrate one database. Plain JSON (no undefined values, no classes): it travels through
 * Step Functions and is stored in DynamoDB.
 */
export interface DatabasePlan {
  migrationId: string;
  databaseId: string;
  identifiers: DatabaseIdentifiers;
  tags: ResourceTag[];
  instance: InstancePlan;
  sourceEndpoint: SourceEndpointPlan;
  targetEndpoint: TargetEndpointPlan;
  task: TaskPlan;
  source: {
    secretArn: string;
    databaseName: string;
    /** The CA certificate verify-ca/verify-full check the source against; absent for none and require. */
    caCertificate?: CaCertificateSource;
  };
  /** Resolved: the steady class is concrete unless the request asked for 'auto'. */
  resize: ResizeSettings;
}
