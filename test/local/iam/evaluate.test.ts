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
