import { describe, expect, it } from 'vitest';
import { contextOf } from '#local/aws/iam/conditions';
import { evaluate } from '#local/aws/iam/evaluate';
import { parsePolicy } from '#local/aws/iam/policy';

const ROLE = 'arn:aws:iam::000000000000:role/worker';
const request = (action: string, resource: string, context: Record<string, string | string[]> = {}) => ({
  principalArn: ROLE,
  action,
  resource,
  context: contextOf(context),
});

const createTagged = parsePolicy('identity', {
  Statement: [
    {
      Sid: 'CreateTagged',
      Effect: 'Allow',
      Action: 'dms:Create*',
      Resource: 'arn:aws:dms:us-east-1:000000000000:rep:*',
      Condition: {
        StringEquals: { 'aws:RequestTag/lakeshift:managed': 'true' },
        Null: { 'aws:RequestTag/lakeshift:database': 'false' },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['lakeshift:managed'] },
      },
    },
  ],
});

describe('the IAM policy evaluator', () => {
  it('allows a request that matches action, resource and every condition', () => {
    // Act
    const result = evaluate(
      request('dms:CreateReplicationInstance', 'arn:aws:dms:us-east-1:000000000000:rep:ABC', {
        'aws:RequestTag/lakeshift:managed': 'true',
        'aws:RequestTag/lakeshift:database': 'orders',
        'aws:TagKeys': ['lakeshift:managed', 'lakeshift:database'],
      }),
      [createTagged],
    );

    // Assess
    expect(result.decision).toBe('allow');
    expect(result.matched.map((ref) => ref.statement.sid)).toEqual(['CreateTagged']);
  });

  it('denies implicitly when a condition key is missing or a value differs', () => {
    // Act
    const missing = evaluate(
      request('dms:CreateReplicationInstance', 'arn:aws:dms:us-east-1:000000000000:rep:ABC', {
        'aws:RequestTag/lakeshift:managed': 'true',
        'aws:TagKeys': ['lakeshift:managed'],
      }),
      [createTagged],
    );
    const differs = evaluate(
      request('dms:CreateReplicationInstance', 'arn:aws:dms:us-east-1:000000000000:rep:ABC', {
        'aws:RequestTag/lakeshift:managed': 'false',
        'aws:RequestTag/lakeshift:database': 'orders',
        'aws:TagKeys': ['lakeshift:managed'],
      }),
      [createTagged],
    );

    // Assess
    expect(missing.decision).toBe('implicitDeny');
    expect(differs.decision).toBe('implicitDeny');
  });

  it('does not match a resource of another type or an action outside the pattern', () => {
    // Act
    const otherType = evaluate(
      request('dms:CreateReplicationInstance', 'arn:aws:dms:us-east-1:000000000000:subgrp:net'),
      [createTagged],
    );
    const otherAction = evaluate(
      request('dms:DeleteReplicationInstance', 'arn:aws:dms:us-east-1:000000000000:rep:ABC'),
      [createTagged],
    );

    // Assess
    expect(otherType.decision).toBe('implicitDeny');
    expect(otherAction.decision).toBe('implicitDeny');
  });

  it('lets an explicit deny win over an allow, from identity or resource policies', () => {
    // Prepare
    const allowAll = parsePolicy('identity', {
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    });
    const bucketPolicy = parsePolicy('bucket', {
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: 'arn:aws:s3:::lake/*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    });

    // Act
    const plain = evaluate(
      request('s3:PutObject', 'arn:aws:s3:::lake/a', { 'aws:SecureTransport': 'false' }),
      [allowAll],
      [bucketPolicy],
    );
    const tls = evaluate(
      request('s3:PutObject', 'arn:aws:s3:::lake/a', { 'aws:SecureTransport': 'true' }),
      [allowAll],
      [bucketPolicy],
    );

    // Assess
    expect(plain).toMatchObject({ decision: 'explicitDeny', deniedBy: 'resource' });
    expect(tls.decision).toBe('allow');
  });

  it('reads NotAction, NotResource, ArnLike, StringLike, ForAllValues and IfExists as the grammar defines them', () => {
    // Prepare
    const policy = parsePolicy('identity', {
      Statement: [
        {
          Effect: 'Allow',
          NotAction: 'iam:*',
          NotResource: 'arn:aws:s3:::secret*',
          Condition: { StringLikeIfExists: { 'aws:RequestTag/team': 'data-*' } },
        },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: {
            ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/work*' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] },
          },
        },
      ],
    });

    // Act
    const decisions = [
      evaluate(request('s3:GetObject', 'arn:aws:s3:::lake/x'), [policy]).decision,
      evaluate(request('s3:GetObject', 'arn:aws:s3:::secrets/x'), [policy]).decision,
      evaluate(request('s3:GetObject', 'arn:aws:s3:::lake/x', { 'aws:RequestTag/team': 'ops' }), [policy])
        .decision,
      evaluate(
        request('iam:PassRole', 'arn:aws:iam::000000000000:role/x', {
          'aws:PrincipalArn': ROLE,
          'aws:TagKeys': ['a'],
        }),
        [policy],
      ).decision,
      evaluate(
        request('iam:PassRole', 'arn:aws:iam::000000000000:role/x', {
          'aws:PrincipalArn': ROLE,
          'aws:TagKeys': ['a', 'c'],
        }),
        [policy],
      ).decision,
    ];

    // Assess
    expect(decisions).toEqual(['allow', 'implicitDeny', 'implicitDeny', 'allow', 'implicitDeny']);
  });
});

const ACCOUNT_ROOT = 'arn:aws:iam::000000000000:root';
const LAKE_OBJECT = 'arn:aws:s3:::lake/raw/orders/public/items/LOAD00000001.parquet';
const LAKE_KEY = 'arn:aws:kms:us-east-1:000000000000:key/6f1c2a8e-4b7d-4c1e-9a3f-2d5e8b9c0a17';
const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lakeshift/orders-AbCdEf';

const allow = (name: string, action: string, resource: string, principal?: unknown) =>
  parsePolicy(name, {
    Statement: [
      { Effect: 'Allow', Action: action, Resource: resource, ...(principal ? { Principal: principal } : {}) },
    ],
  });
const deny = (name: string, action: string, resource: string, principal: unknown) =>
  parsePolicy(name, {
    Statement: [{ Effect: 'Deny', Action: action, Resource: resource, Principal: principal }],
  });

describe('the IAM policy evaluator with resource policies', () => {
  it('allows a lake write when either the role policy or a bucket policy naming the role allows it', () => {
    // Prepare
    const identity = allow('identity', 's3:PutObject', 'arn:aws:s3:::lake/raw/*');
    const bucketPolicy = allow('bucket', 's3:PutObject', 'arn:aws:s3:::lake/*', { AWS: ROLE });

    // Act
    const byIdentity = evaluate(request('s3:PutObject', LAKE_OBJECT), [identity], []);
    const byBucketPolicy = evaluate(request('s3:PutObject', LAKE_OBJECT), [], [bucketPolicy]);
    const byNeither = evaluate(request('s3:PutObject', LAKE_OBJECT), [], []);

    // Assess
    expect([byIdentity.decision, byBucketPolicy.decision, byNeither.decision]).toEqual([
      'allow',
      'allow',
      'implicitDeny',
    ]);
  });

  it('takes a bucket policy naming the account as a delegation: the role policy must allow too', () => {
    // Prepare
    const bucketPolicy = allow('bucket', 's3:PutObject', 'arn:aws:s3:::lake/*', { AWS: ACCOUNT_ROOT });
    const identity = allow('identity', 's3:PutObject', 'arn:aws:s3:::lake/raw/*');

    // Act
    const alone = evaluate(request('s3:PutObject', LAKE_OBJECT), [], [bucketPolicy]);
    const withIdentity = evaluate(request('s3:PutObject', LAKE_OBJECT), [identity], [bucketPolicy]);

    // Assess
    expect(alone.decision).toBe('implicitDeny');
    expect(withIdentity.decision).toBe('allow');
  });

  it('denies a lake write the bucket policy denies, whatever the role policy allows', () => {
    // Prepare
    const identity = allow('identity', 's3:*', '*');
    const bucketPolicy = deny('bucket', 's3:PutObject', 'arn:aws:s3:::lake/*', { AWS: ACCOUNT_ROOT });

    // Act
    const result = evaluate(request('s3:PutObject', LAKE_OBJECT), [identity], [bucketPolicy]);

    // Assess
    expect(result).toMatchObject({ decision: 'explicitDeny', deniedBy: 'resource' });
  });

  it('uses a KMS key only when its key policy allows, by name or by delegating to the account', () => {
    // Prepare
    const identity = allow('identity', 'kms:GenerateDataKey', LAKE_KEY);
    const naming = allow('key', 'kms:GenerateDataKey', '*', { AWS: ROLE });
    const delegating = allow('key', 'kms:*', '*', { AWS: ACCOUNT_ROOT });
    const otherRole = allow('key', 'kms:*', '*', { AWS: 'arn:aws:iam::000000000000:role/other' });

    // Act
    const decide = (identities: ReturnType<typeof parsePolicy>[], key: ReturnType<typeof parsePolicy>[]) =>
      evaluate(request('kms:GenerateDataKey', LAKE_KEY), identities, key).decision;

    // Assess
    expect(decide([identity], [otherRole])).toBe('implicitDeny');
    expect(decide([identity], [])).toBe('implicitDeny');
    expect(decide([], [naming])).toBe('allow');
    expect(decide([], [delegating])).toBe('implicitDeny');
    expect(decide([identity], [delegating])).toBe('allow');
  });

  it("judges a secret's resource policy as a bucket policy: it may allow alone, and its deny wins", () => {
    // Prepare
    const identity = allow('identity', 'secretsmanager:GetSecretValue', SECRET);
    const grants = allow('secret', 'secretsmanager:GetSecretValue', '*', { AWS: ROLE });
    const refuses = deny('secret', 'secretsmanager:GetSecretValue', '*', { AWS: ROLE });

    // Act
    const byPolicy = evaluate(request('secretsmanager:GetSecretValue', SECRET), [], [grants]);
    const refused = evaluate(request('secretsmanager:GetSecretValue', SECRET), [identity], [refuses]);

    // Assess
    expect(byPolicy.decision).toBe('allow');
    expect(refused).toMatchObject({ decision: 'explicitDeny', deniedBy: 'resource' });
  });
});
