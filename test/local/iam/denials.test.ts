import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '#local/clock';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';

let aws: LocalLakeshift;

beforeAll(async () => {
  aws = await startLocalLakeshift({ clock: new ManualClock(Date.UTC(2026, 0, 1)) });
});

afterAll(async () => {
  await aws?.stop();
});

/** SDK settings for the local endpoint with the given credentials. */
const as = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
  endpoint: aws.endpoint,
  region: aws.region,
  credentials,
  maxAttempts: 1,
});

const sessionOf = (handler: string) => {
  const session = aws.iam?.functionSession(`lakeshift-${handler}`);
  if (!aws.iam || !session) throw new Error(`no IAM session for ${handler}`);
  return { session, credentials: aws.iam.principals.credentials(session) };
};

describe('IAM denials over the wire, as AWS answers them', () => {
  it('answers a JSON protocol call with AccessDeniedException naming principal, action and resource', async () => {
    // Prepare
    const { session, credentials } = sessionOf('plan-database');
    const dms = new DatabaseMigrationServiceClient(as(credentials));

    // Act
    const attempt = dms.send(new DescribeReplicationInstancesCommand({}));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${session.arn} is not authorized to perform: dms:DescribeReplicationInstances on resource: * because no identity-based policy allows the dms:DescribeReplicationInstances action`,
    });
    expect(aws.iam?.record.denied().at(-1)).toMatchObject({
      principal: session.arn,
      action: 'dms:DescribeReplicationInstances',
      resource: '*',
      decision: 'implicitDeny',
    });
  });

  it('answers CloudWatch (query-compatible JSON) with AccessDenied', async () => {
    // Prepare
    const { credentials } = sessionOf('plan-database');
    const cloudWatch = new CloudWatchClient(as(credentials));

    // Act
    const attempt = cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['lakeshift-x'] }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('lets the same call through for the role the template grants it', async () => {
    // Prepare
    const { credentials } = sessionOf('describe-resources');
    const dms = new DatabaseMigrationServiceClient(as(credentials));

    // Act
    const output = await dms.send(new DescribeReplicationInstancesCommand({}));

    // Assess
    expect(output.ReplicationInstances).toEqual([]);
  });

  it('refuses an access key it did not issue with UnrecognizedClientException', async () => {
    // Prepare
    const dms = new DatabaseMigrationServiceClient(
      as({ accessKeyId: 'AKIANOTISSUEDHERE', secretAccessKey: 'x' }),
    );

    // Act
    const attempt = dms.send(new DescribeReplicationInstancesCommand({}));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });
});
