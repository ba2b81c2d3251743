import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#contracts/errors';
import { parsePlannerEnvironment } from '#domain/planner/environment';

const roles = {
  dmsS3AccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-s3',
  dmsSecretsAccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-secrets',
};

describe('parsePlannerEnvironment', () => {
  it('reads the roles, the named networks and the bucket owner', () => {
    // Prepare
    const networks = JSON.stringify({
      default: { replicationSubnetGroupId: 'lake-private', vpcSecurityGroupIds: ['sg-0123abcd'] },
    });

    // Act
    const environment = parsePlannerEnvironment({ ...roles, networks, lakeBucketOwner: ' 123456789012 ' });

    // Assess
    expect(environment).toEqual({
      ...roles,
      networks: {
        default: { replicationSubnetGroupId: 'lake-private', vpcSecurityGroupIds: ['sg-0123abcd'] },
      },
      lakeBucketOwner: '123456789012',
    });
  });

  it('reads the lake folder the deployment allows, and refuses a malformed one naming the variable', () => {
    // Act
    const environment = parsePlannerEnvironment({ ...roles, lakeFolder: ' raw/postgres ' });
    const malformed = () => parsePlannerEnvironment({ ...roles, lakeFolder: '/raw/' });

    // Assess
    expect(environment).toEqual({ ...roles, networks: {}, lakeFolder: 'raw/postgres' });
    expect(malformed).toThrow(
      'Invalid planner configuration: LAKE_FOLDER: must be a folder path without leading, trailing or double slashes',
    );
  });

  it('treats absent networks and owner as none', () => {
    // Act
    const environment = parsePlannerEnvironment({ ...roles, networks: '', lakeBucketOwner: undefined });

    // Assess
    expect(environment).toEqual({ ...roles, networks: {} });
  });

  it('names the variable when the networks are not JSON', () => {
    // Act
    const run = () => parsePlannerEnvironment({ ...roles, networks: '{default:' });

    // Assess
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow('LAKESHIFT_NETWORKS must be a JSON object of named networks');
  });

  it('names every bad variable and network field in one error', () => {
    // Prepare
    const networks = JSON.stringify({
      corp: { replicationSubnetGroupId: 'corp', vpcSecurityGroupIds: ['sg-1'] },
    });

    // Act
    const run = () =>
      parsePlannerEnvironment({
        ...roles,
        dmsS3AccessRoleArn: 'lakeshift-dms-s3',
        networks,
        lakeBucketOwner: 'me',
      });

    // Assess
    expect(run).toThrow(
      'Invalid planner configuration: DMS_S3_ACCESS_ROLE_ARN: must be an IAM role ARN: arn:aws:iam::<account>:role/<name>; ' +
        'LAKESHIFT_NETWORKS.corp.vpcSecurityGroupIds[0]: must be a security group id: sg- followed by 8 or 17 hex digits; ' +
        'LAKE_BUCKET_OWNER: must be a 12-digit AWS account id',
    );
  });
});
