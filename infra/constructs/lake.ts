import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { LakeConfig } from '../config/schema.ts';
import { CustomerKey } from './customer-key.ts';

/** Object- and listing-level S3 actions: what reads or changes the lake's data (not its configuration). */
export const LAKE_DATA_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:DeleteObject',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersion',
  's3:GetObject',
  's3:GetObjectAttributes',
  's3:GetObjectTagging',
  's3:GetObjectVersion',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:ListBucketVersions',
  's3:ListMultipartUploadParts',
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectTagging',
  's3:RestoreObject',
] as const;

export interface LakeProps {
  readonly config: LakeConfig;
  readonly stackName: string;
  readonly accessLogs: s3.IBucket;
}

/** The S3 data lake DMS writes Parquet into: created hardened, or imported with its key. */
export class Lake extends Construct {
  readonly bucket: s3.IBucket;
  /** The SSE-KMS key DMS encrypts objects with. */
  readonly keyArn: string;
  /** Prefix DMS writes under (requests' target folders are this folder or below). */
  readonly folder: string;
  /** Present when lakeshift created the bucket (an imported bucket's policy belongs to its owner). */
  private readonly createdBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    this.folder = props.config.folder;
    const bucketConfig = props.config.bucket;
    if (bucketConfig.mode === 'import') {
      this.bucket = s3.Bucket.fromBucketAttributes(this, 'Bucket', {
        bucketName: bucketConfig.bucketName,
        encryptionKey: kms.Key.fromKeyArn(this, 'Key', bucketConfig.kmsKeyArn),
      });
      this.keyArn = bucketConfig.kmsKeyArn;
      return;
    }
    const removalPolicy = props.config.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const key = new CustomerKey(this, 'Key', {
      description: `${props.stackName}: SSE-KMS key of the data lake`,
      alias: `alias/${props.stackName}-lake`,
      removalPolicy,
    }).key;
    this.createdBucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      // One data key per bucket rather than per object: fewer KMS calls for DMS's many small CDC files.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // DMS does not support versioned buckets as S3 targets.
      versioned: false,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'lake/',
      removalPolicy,
    });
    this.bucket = this.createdBucket;
    this.keyArn = key.keyArn;
  }

  /** ARN pattern of every object under the folder DMS writes. */
  get folderObjectsArn(): string {
    return this.bucket.arnForObjects(`${this.folder}/*`);
  }

  /**
   * Denies the lake's data to every principal except the given roles.
   *
   * Only data actions are denied (LAKE_DATA_ACTIONS). Bucket management (policy, encryption, lifecycle, deletion)
   * stays governed by IAM, so the account's administrators and CloudFormation can still update or remove the
   * bucket: a Deny on `s3:*` for everyone but a few roles would lock the deploying role out of its own resource.
   * `aws:PrincipalArn` carries the role ARN for every session of a role, so the exception holds whatever the session
   * name, and it cannot be met by a principal of another account.
   */
  restrictDataAccessTo(roleArns: readonly string[]): void {
    if (!this.createdBucket) return;
    this.createdBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyDataAccessExceptLakeshiftRoles',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...LAKE_DATA_ACTIONS],
        resources: [this.createdBucket.bucketArn, this.createdBucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...roleArns] } },
      }),
    );
  }
}
