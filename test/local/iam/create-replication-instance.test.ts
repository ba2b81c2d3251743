import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '#local/aws/iam/authority';
import { readStackModel, type StackModel } from '#local/aws/iam/stack-model';
import { synthesizedTemplate } from '#local/aws/iam/synthesized-template';
import { authorityFor } from './template-authority.ts';

const SUBNET_GROUP_ARN = 'arn:aws:dms:us-east-1:000000000000:subgrp:lakeshift-default';
const CREATE_INPUT = {
  ReplicationInstanceIdentifier: 'orders-db',
  ReplicationInstanceClass: 'dms.r5.xlarge',
  ReplicationSubnetGroupIdentifier: 'lakeshift-default',
  Tags: [
    { Key: 'lakeshift:managed', Value: 'true' },
    { Key: 'lakeshift:migration', Value: 'm' },
    { Key: 'lakeshift:database', Value: 'orders' },
  ],
};

let model: StackModel;

beforeAll(async () => {
  model = readStackModel(await synthesizedTemplate());
}, 120_000);

/** The template with the subnet-group ARN taken out of every statement's resources. */
const withoutSubnetGroupGrant = (stack: StackModel): StackModel => ({
  ...stack,
  roles: new Map(
    [...stack.roles].map(([arn, role]) => [
      arn,
      {
        ...role,
        policies: role.policies.map((policy) => ({
          ...policy,
          statements: policy.statements.map((statement) => ({
            ...statement,
            resource: statement.resource?.filter((resource) => !resource.includes(':subgrp:')),
          })),
        })),
      },
    ]),
  ),
});

describe('CreateReplicationInstance under the synthesized template', () => {
  it('is allowed for ensure-replication-instance, the instance and the subnet group both granted', () => {
    // Prepare
    const authority = authorityFor(model);
    const session = authority.functionSession('lakeshift-ensure-replication-instance');
    if (!session) throw new Error('no role for ensure-replication-instance');

    // Act
    authority.authorizeAs(session, 'dms', 'CreateReplicationInstance', CREATE_INPUT);

    // Assess
    expect(authority.record.all().map((entry) => [entry.resource, entry.decision])).toEqual([
      ['arn:aws:dms:us-east-1:000000000000:rep:orders-db', 'allow'],
      [SUBNET_GROUP_ARN, 'allow'],
    ]);
  });

  it('is denied on the subnet group, as AWS words it, when the grant leaves the subnet group out', () => {
    // Prepare
    const authority = authorityFor(withoutSubnetGroupGrant(model));
    const session = authority.functionSession('lakeshift-ensure-replication-instance');
    if (!session) throw new Error('no role for ensure-replication-instance');

    // Act
    const act = () => authority.authorizeAs(session, 'dms', 'CreateReplicationInstance', CREATE_INPUT);

    // Assess
    expect(act).toThrow(AccessDeniedError);
    expect(act).toThrow(
      `User: ${session.arn} is not authorized to perform: dms:CreateReplicationInstance on resource: ${SUBNET_GROUP_ARN} because no identity-based policy allows the dms:CreateReplicationInstance action`,
    );
  });

  it('is denied on a subnet group the stack did not create', () => {
    // Prepare
    const authority = authorityFor(model);
    const session = authority.functionSession('lakeshift-ensure-replication-instance');
    if (!session) throw new Error('no role for ensure-replication-instance');
    const input = { ...CREATE_INPUT, ReplicationSubnetGroupIdentifier: 'another-teams-group' };

    // Act
    const act = () => authority.authorizeAs(session, 'dms', 'CreateReplicationInstance', input);

    // Assess
    expect(act).toThrow(
      `not authorized to perform: dms:CreateReplicationInstance on resource: arn:aws:dms:us-east-1:000000000000:subgrp:another-teams-group`,
    );
  });

  it('needs iam:PassRole towards DMS and iam:GetRole on the role an endpoint names', () => {
    // Prepare
    const authority = authorityFor(model);
    const session = authority.functionSession('lakeshift-ensure-endpoints');
    const other = authority.functionSession('lakeshift-ensure-task');
    const s3Role = model.functionEnvironments.get('ensure-endpoints')?.['DMS_S3_ACCESS_ROLE_ARN'];
    if (!session || !other || !s3Role) throw new Error('template lacks the endpoint handler or the DMS role');
    const input = {
      EndpointIdentifier: 'orders-target',
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: { ServiceAccessRoleArn: s3Role, BucketName: 'lakeshift-local-lake' },
      Tags: CREATE_INPUT.Tags,
    };

    // Act
    authority.authorizeAs(session, 'dms', 'CreateEndpoint', input);
    const byOther = () => authority.authorizeAs(other, 'dms', 'CreateEndpoint', input);

    // Assess
    expect(authority.record.all().map((entry) => entry.action)).toEqual([
      'dms:CreateEndpoint',
      'iam:PassRole',
      'iam:GetRole',
    ]);
    expect(byOther).toThrow(/not authorized to perform: dms:CreateEndpoint/);
  });
});
