import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * What the account may do with a key through IAM. The usual default is `kms:*`; the list spells the key-scoped KMS
 * actions out instead, so that no Allow statement in the template carries a wildcard action. It keeps
 * `kms:PutKeyPolicy` (CloudFormation must be able to update the policy) and the usage actions (IAM policies in the
 * account can then grant use of the key, as they grant the DMS access role below).
 */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** Symmetric encryption use of a key, without wildcards (`kms:ReEncrypt*` and `kms:GenerateDataKey*` expanded). */
export const KEY_USE_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
] as const;

export interface CustomerKeyProps {
  readonly description: string;
  readonly alias: string;
  readonly removalPolicy: RemovalPolicy;
  /** Service principals (e.g. CloudWatch Logs) that encrypt with the key, as extra key policy statements. */
  readonly serviceStatements?: readonly iam.PolicyStatement[];
}

/** A customer-managed symmetric key with rotation on and an explicit policy. */
export class CustomerKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: CustomerKeyProps) {
    super(scope, id);
    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AccountAdministersAndDelegatesThroughIam',
          principals: [new iam.AccountRootPrincipal()],
          actions: [...KEY_ACCOUNT_ACTIONS],
          resources: ['*'],
        }),
        ...(props.serviceStatements ?? []),
      ],
    });
    this.key = new kms.Key(this, 'Key', {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      policy,
      removalPolicy: props.removalPolicy,
    });
  }

  /** Key policy statement letting a service principal use the key, optionally only in a given context. */
  static serviceUse(
    sid: string,
    servicePrincipal: string,
    conditions?: Record<string, Record<string, unknown>>,
  ): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(servicePrincipal)],
      actions: [...KEY_USE_ACTIONS],
      resources: ['*'],
      ...(conditions ? { conditions } : {}),
    });
  }
}
