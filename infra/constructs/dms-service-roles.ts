import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { LakeshiftConfig, SourceSecretsConfig } from '../config/schema.ts';
import { acknowledgeWildcards } from '../nag/wildcards.ts';
import { KEY_USE_ACTIONS } from './customer-key.ts';
import type { Lake } from './lake.ts';

/**
 * Exactly the seed's S3 actions for DMS on the lake folder (docs/dms-behaviour.md §5); `s3:ListBucket` goes
 * on the bucket.
 */
export const DMS_LAKE_OBJECT_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'] as const;
export const DMS_SERVICE_PRINCIPAL = 'dms.amazonaws.com';
export const SECRET_PREFIX_REASON =
  'The config names source secrets by a name prefix; Secrets Manager ARNs end in a random suffix, so a prefix grant needs a trailing wildcard.';

export interface DmsServiceRolesProps {
  readonly lake: Lake;
  readonly sourceSecrets: SourceSecretsConfig;
  readonly accountRoles: LakeshiftConfig['accountRoles'];
}

/** The roles DMS itself assumes: to write the lake, to read source credentials, and the account singletons. */
export class DmsServiceRoles extends Construct {
  /** S3 target endpoint `ServiceAccessRoleArn`. */
  readonly s3AccessRole: iam.Role;
  /** PostgreSQL source endpoint `SecretsManagerAccessRoleArn`. */
  readonly secretsAccessRole: iam.Role;
  /** `dms-vpc-role`, when this stack creates it: subnet groups must wait for it. */
  readonly vpcRole?: iam.Role;
  /** The source secrets as IAM resources (exact ARNs, or one name-prefix pattern). */
  readonly sourceSecretResources: readonly string[];

  constructor(scope: Construct, id: string, props: DmsServiceRolesProps) {
    super(scope, id);
    const { lake } = props;

    const writeFolder = new iam.PolicyStatement({
      sid: 'WriteLakeFolder',
      actions: [...DMS_LAKE_OBJECT_ACTIONS],
      resources: [lake.folderObjectsArn],
    });
    this.s3AccessRole = new iam.Role(this, 'S3AccessRole', {
      description: 'Assumed by DMS to write Parquet into the lake folder',
      assumedBy: new iam.ServicePrincipal(DMS_SERVICE_PRINCIPAL),
      inlinePolicies: {
        lake: new iam.PolicyDocument({
          statements: [
            writeFolder,
            new iam.PolicyStatement({
              sid: 'ListLakeBucket',
              actions: ['s3:ListBucket'],
              resources: [lake.bucket.bucketArn],
            }),
            new iam.PolicyStatement({
              sid: 'UseLakeKey',
              actions: [...KEY_USE_ACTIONS],
              resources: [lake.keyArn],
            }),
          ],
        }),
      },
    });
    acknowledgeWildcards(
      this.s3AccessRole,
      writeFolder,
      'DMS writes one object per table and file under the lake folder; the grant stops at that folder.',
    );

    this.sourceSecretResources = secretResources(this, props.sourceSecrets);
    const region = Stack.of(this).region;
    const secretStatements = sourceSecretStatements(this, props.sourceSecrets, this.sourceSecretResources);
    this.secretsAccessRole = new iam.Role(this, 'SecretsAccessRole', {
      description: 'Assumed by DMS to read the source databases credentials',
      // DMS assumes Secrets Manager access roles with its regional principal.
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal(DMS_SERVICE_PRINCIPAL),
        new iam.ServicePrincipal(`dms.${region}.amazonaws.com`),
      ),
      inlinePolicies: {
        sourceSecrets: new iam.PolicyDocument({ statements: secretStatements }),
      },
    });
    for (const statement of secretStatements) {
      acknowledgeWildcards(this.secretsAccessRole, statement, SECRET_PREFIX_REASON);
    }

    if (props.accountRoles.dmsVpcRole) {
      this.vpcRole = accountSingletonRole(this, 'VpcRole', 'dms-vpc-role', 'AmazonDMSVPCManagementRole');
    }
    if (props.accountRoles.dmsCloudWatchLogsRole) {
      accountSingletonRole(
        this,
        'CloudWatchLogsRole',
        'dms-cloudwatch-logs-role',
        'AmazonDMSCloudWatchLogsRole',
      );
    }
  }
}

/** Read access to the source secrets, plus decryption through Secrets Manager with their customer-managed keys. */
export const sourceSecretStatements = (
  scope: Construct,
  config: SourceSecretsConfig,
  resources: readonly string[],
): iam.PolicyStatement[] => {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadSourceSecrets',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [...resources],
    }),
  ];
  if (config.kmsKeyArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DecryptSourceSecrets',
        actions: ['kms:Decrypt'],
        resources: [...config.kmsKeyArns],
        conditions: {
          StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(scope).region}.amazonaws.com` },
        },
      }),
    );
  }
  return statements;
};

function secretResources(scope: Construct, config: SourceSecretsConfig): string[] {
  if (config.arns) return [...config.arns];
  const pattern = Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${config.namePrefix ?? ''}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [pattern];
}

/** DMS looks these roles up by their fixed names; they exist once per account. */
function accountSingletonRole(
  scope: Construct,
  id: string,
  roleName: string,
  managedPolicy: string,
): iam.Role {
  const role = new iam.Role(scope, id, {
    roleName,
    description: `Account-wide role DMS requires (${roleName})`,
    assumedBy: new iam.ServicePrincipal(DMS_SERVICE_PRINCIPAL),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${managedPolicy}`)],
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${managedPolicy}]`,
    reason: `DMS requires the AWS-managed ${managedPolicy} on its account singleton role ${roleName}.`,
  });
  return role;
}
