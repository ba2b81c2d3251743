import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAG_PACK_NAMES } from '../../infra/nag/packs.ts';
import {
  ACKNOWLEDGED_FOR_OTHER_CONFIGS,
  acknowledgementsIn,
  unneededAcknowledgements,
} from './support/nag.ts';
import { allStatements, asArray, resourcesOfType, type Synthesized, synthesize } from './support/synth.ts';

const SECRET = 'arn:aws:secretsmanager:eu-central-1:210987654321:secret:orders/primary-AbCdEf';
const SECRETS_KEY = 'arn:aws:kms:eu-central-1:210987654321:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const LAKE_KEY = 'arn:aws:kms:eu-central-1:210987654321:key/11111111-2222-3333-4444-555555555555';

/** An existing VPC, an existing bucket, exact secret ARNs: what a platform team with a landing zone deploys. */
const importedConfig = {
  account: '210987654321',
  region: 'eu-central-1',
  stackName: 'lakeshift-prod',
  networks: {
    default: {
      vpc: {
        mode: 'import',
        vpcId: 'vpc-0fedcba9876543210',
        subnets: [
          {
            subnetId: 'subnet-0fedcba9876543210',
            routeTableId: 'rtb-0fedcba9876543210',
            availabilityZone: 'eu-central-1a',
          },
          {
            subnetId: 'subnet-0fedcba9876543211',
            routeTableId: 'rtb-0fedcba9876543211',
            availabilityZone: 'eu-central-1b',
          },
        ],
        s3Endpoint: 'existing',
        dynamoDbEndpoint: 'existing',
        secretsManagerEndpoint: { mode: 'existing', securityGroupId: 'sg-0aaaaaaaaaaaaaaaa' },
      },
      sources: { securityGroupIds: ['sg-0bbbbbbbbbbbbbbbb'], port: 5433 },
    },
  },
  lake: {
    bucket: { mode: 'import', bucketName: 'acme-data-lake', kmsKeyArn: LAKE_KEY },
    folder: 'dms/raw',
    catalogRefreshMinutes: 60,
  },
  sourceSecrets: { arns: [SECRET], kmsKeyArns: [SECRETS_KEY] },
  s3PrefixListId: 'pl-6ea54007',
  dynamoDbPrefixListId: 'pl-66a5400f',
};

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize(importedConfig);
});

describe('LakeshiftStack with imported network, bucket and secrets', () => {
  it('creates no VPC, no endpoints, no lake bucket, no prefix-list lookup and no account roles', () => {
    // Assess
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::VPCEndpoint', 'Custom::AWS']) {
      synthesized.template.resourceCountIs(type, 0);
    }
    // Only the access-log bucket (flow and access logs) remains.
    expect(resourcesOfType(synthesized.json, 'AWS::S3::Bucket')).toHaveLength(1);
    expect(resourcesOfType(synthesized.json, 'AWS::S3::BucketPolicy')).toHaveLength(1);
    expect(
      resourcesOfType(synthesized.json, 'AWS::IAM::Role').filter(([, role]) => role.Properties?.['RoleName']),
    ).toEqual([]);
  });

  it('lets the DMS role write only the configured folder of the imported bucket, with its key', () => {
    // Prepare
    const role = resourcesOfType(synthesized.json, 'AWS::IAM::Role').find(
      ([, resource]) =>
        resource.Properties?.['Description'] === 'Assumed by DMS to write Parquet into the lake folder',
    );
    const statements = allStatements(synthesized.json)
      .filter(({ owner, statement }) => owner === role?.[0] && statement.Sid !== undefined)
      .map(({ statement }) => statement);
    // Assess
    expect(statements.map((statement) => [statement.Sid, statement.Resource])).toEqual([
      [
        'WriteLakeFolder',
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-data-lake/dms/raw/*']] },
      ],
      ['ListLakeBucket', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-data-lake']] }],
      ['UseLakeKey', LAKE_KEY],
    ]);
  });

  it('grants the exact secrets, and their key only through Secrets Manager', () => {
    // Prepare
    const secretStatements = allStatements(synthesized.json)
      .map(({ statement }) => statement)
      .filter(
        (statement) => statement.Sid === 'ReadSourceSecrets' || statement.Sid === 'DecryptSourceSecrets',
      );
    // Assess
    // A read and a decrypt statement for each of the eight roles that read source secrets (DMS's, inspect-source,
    // inspect-toast-exposure, read-source-tables, record, inspect and drop slots, and ensure-endpoints for CA
    // certificates).
    expect(secretStatements).toHaveLength(16);
    for (const statement of secretStatements) {
      if (statement.Sid === 'ReadSourceSecrets') expect(statement.Resource).toBe(SECRET);
      else {
        expect(statement).toMatchObject({
          Action: 'kms:Decrypt',
          Resource: SECRETS_KEY,
          Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
        });
      }
    }
  });

  it('lets DMS out to the sources on their port, to the given S3 prefix list and to the existing endpoint', () => {
    // Prepare
    const dmsGroup = resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroup').find(([, group]) =>
      String(group.Properties?.['GroupDescription']).includes('DMS replication instances'),
    );
    const egress = [
      ...asArray(dmsGroup?.[1].Properties?.['SecurityGroupEgress'] as Record<string, unknown>[]),
      ...resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroupEgress')
        .map(([, rule]) => rule.Properties ?? {})
        .filter((rule) => JSON.stringify(rule['GroupId']).includes(dmsGroup?.[0] ?? '-')),
    ].map(({ Description: _description, GroupId: _group, ...rule }) => rule);
    // Assess
    expect(egress).toEqual([
      { DestinationSecurityGroupId: 'sg-0bbbbbbbbbbbbbbbb', FromPort: 5433, ToPort: 5433, IpProtocol: 'tcp' },
      { DestinationSecurityGroupId: 'sg-0aaaaaaaaaaaaaaaa', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
      { DestinationPrefixListId: 'pl-6ea54007', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' },
    ]);
    expect(resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });

  it('lets the slot dropper reach the sources, Secrets Manager and DynamoDB through the given prefix list', () => {
    // Prepare
    const dropper = resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroup').find(([, group]) =>
      String(group.Properties?.['GroupDescription']).includes('replication slot dropper'),
    );
    const separate = resourcesOfType(synthesized.json, 'AWS::EC2::SecurityGroupEgress')
      .map(([, rule]) => rule.Properties ?? {})
      .filter((rule) => JSON.stringify(rule['GroupId']).includes(dropper?.[0] ?? '-'));
    // Assess
    expect(
      separate.map((rule) => rule['DestinationPrefixListId'] ?? rule['DestinationSecurityGroupId']).sort(),
    ).toEqual(['pl-66a5400f', 'sg-0aaaaaaaaaaaaaaaa']);
  });

  it('names the subnet group after the stack and has no alarm e-mail subscription', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::DMS::ReplicationSubnetGroup', {
      ReplicationSubnetGroupIdentifier: 'lakeshift-prod-default',
      SubnetIds: ['subnet-0fedcba9876543210', 'subnet-0fedcba9876543211'],
    });
    synthesized.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('refreshes the lake catalog at the configured rate', () => {
    // Assess
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      Description: Match.stringLikeRegexp('^Scheduled refresh of the lake catalog'),
      ScheduleExpression: 'rate(60 minutes)',
    });
  });

  it.each(NAG_PACK_NAMES.map((pack) => [pack]))('passes cdk-nag %s with nothing unacknowledged', (pack) => {
    // Assess
    expect(synthesized.nagReports[pack].violations).toEqual([]);
  });

  it.each(NAG_PACK_NAMES.map((pack) => [pack]))(
    'needs every %s acknowledgement, including those the example stack does without',
    (pack) => {
      // Prepare
      const unneeded = unneededAcknowledgements(synthesized.app, pack);
      const acknowledged = acknowledgementsIn(synthesized.app).map(
        ({ construct, id }) => `${id} on ${construct.node.path}`,
      );
      // Assess
      expect(unneeded).toEqual([]);
      expect(acknowledged).toEqual(expect.arrayContaining([...ACKNOWLEDGED_FOR_OTHER_CONFIGS[pack]]));
    },
  );
});
