import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationSubnetGroupCommand,
  DeleteEndpointCommand,
  DeleteReplicationSubnetGroupCommand,
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  DescribeReplicationSubnetGroupsCommand,
  InvalidResourceStateFault,
  ModifyEndpointCommand,
  ReplicationSubnetGroupDoesNotCoverEnoughAZs,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  assertedLater,
  availableInstance,
  createSourceAndTarget,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

describe('CreateEndpoint', () => {
  it('answers the type in upper case, fills settings defaults and never returns the password', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const { source, target } = await createSourceAndTarget(harness, 'One');

    // Assess
    expect(source).toMatchObject({
      EndpointIdentifier: 'one-source',
      EndpointType: 'SOURCE',
      EngineName: 'postgres',
      EngineDisplayName: 'PostgreSQL',
      Status: 'active',
      SslMode: 'none',
      ServerName: 'db.synthetic',
      PostgreSQLSettings: { HeartbeatFrequency: 5, CaptureDdls: true, MapBooleanAsBoolean: false },
    });
    expect(source).not.toHaveProperty('Password');
    expect(source.KmsKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    expect(source.EndpointArn).toMatch(/^arn:aws:dms:us-east-1:000000000000:endpoint:[A-Z2-7]{26}$/);
    expect(target).toMatchObject({
      EndpointType: 'TARGET',
      S3Settings: {
        BucketName: 'lake',
        DataFormat: 'parquet',
        EnableStatistics: true,
        CdcMaxBatchInterval: 60,
      },
    });
    expect(target.KmsKeyId).toBeUndefined();
  });

  it('echoes S3 enum values in the spelling the caller used', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const created = await harness.client.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'lake',
        EndpointType: 'target',
        EngineName: 's3',
        // The user guide's spellings; the API model's enums are lower-case with hyphens.
        S3Settings: {
          BucketName: 'lake',
          CompressionType: 'GZIP' as 'gzip',
          EncryptionMode: 'SSE_KMS' as 'sse-kms',
        },
      }),
    );

    // Assess
    expect(created.Endpoint?.S3Settings).toMatchObject({
      CompressionType: 'GZIP',
      EncryptionMode: 'SSE_KMS',
    });
  });

  it('rejects an unknown S3 enum value naming the member', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'lake',
        EndpointType: 'target',
        EngineName: 's3',
        S3Settings: { BucketName: 'lake', DataFormat: 'avro' as never },
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: "Invalid value 'avro' for S3Settings.DataFormat. Valid values: csv, parquet",
    });
  });

  it('rejects a secret together with a password', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'src',
        EndpointType: 'source',
        EngineName: 'postgres',
        Password: 'secret',
        PostgreSQLSettings: {
          SecretsManagerSecretId: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf',
          SecretsManagerAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-secrets',
        },
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
    expect(harness.emulator.snapshot().endpoints).toEqual({});
  });

  it('enforces the endpoint quota', async () => {
    // Prepare
    harness = await startHarness({ quotas: { endpoints: 2 } });
    await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'third',
        EndpointType: 'source',
        EngineName: 'postgres',
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ResourceQuotaExceededFault);
  });

  it('rejects an unknown engine', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateEndpointCommand({
        EndpointIdentifier: 'src',
        EndpointType: 'source',
        EngineName: 'cassandra',
      }),
    );

    // Assess
    await expect(attempt).rejects.toThrow('Invalid EngineName cassandra');
  });
});

describe('DescribeEndpoints, ModifyEndpoint and DeleteEndpoint', () => {
  it('filters by type in either case and by engine', async () => {
    // Prepare
    harness = await startHarness();
    await createSourceAndTarget(harness, 'one');

    // Act
    const sources = await harness.client.send(
      new DescribeEndpointsCommand({ Filters: [{ Name: 'endpoint-type', Values: ['source'] }] }),
    );
    const s3 = await harness.client.send(
      new DescribeEndpointsCommand({ Filters: [{ Name: 'engine-name', Values: ['s3'] }] }),
    );

    // Assess
    expect(sources.Endpoints?.map((endpoint) => endpoint.EndpointIdentifier)).toEqual(['one-source']);
    expect(s3.Endpoints?.map((endpoint) => endpoint.EndpointIdentifier)).toEqual(['one-target']);
  });

  it('merges modified settings into the stored ones', async () => {
    // Prepare
    harness = await startHarness();
    const { target } = await createSourceAndTarget(harness, 'one');

    // Act
    const modified = await harness.client.send(
      new ModifyEndpointCommand({ EndpointArn: target.EndpointArn, S3Settings: { CdcMaxBatchInterval: 30 } }),
    );

    // Assess
    expect(modified.Endpoint?.S3Settings).toMatchObject({
      BucketName: 'lake',
      DataFormat: 'parquet',
      CdcMaxBatchInterval: 30,
    });
  });

  it('refuses to modify an endpoint under a running task', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { task, taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);

    // Act
    const attempt = harness.client.send(
      new ModifyEndpointCommand({ EndpointArn: task.SourceEndpointArn, DatabaseName: 'other' }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });

  it('deletes through deleting, and refuses while a task uses the endpoint', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { task } = await readyTask(harness, 'one');
    const { source: spare } = await createSourceAndTarget(harness, 'two');

    // Act
    const inUse = assertedLater(
      harness.client.send(new DeleteEndpointCommand({ EndpointArn: task.SourceEndpointArn })),
    );
    const deleting = await harness.client.send(new DeleteEndpointCommand({ EndpointArn: spare.EndpointArn }));
    await harness.advance(DEFAULT_DURATIONS.endpointDelete);
    const gone = harness.client.send(
      new DescribeEndpointsCommand({
        Filters: [{ Name: 'endpoint-arn', Values: [spare.EndpointArn ?? ''] }],
      }),
    );

    // Assess
    await expect(inUse).rejects.toBeInstanceOf(InvalidResourceStateFault);
    expect(deleting.Endpoint?.Status).toBe('deleting');
    await expect(gone).rejects.toBeInstanceOf(ResourceNotFoundFault);
  });
});

describe('TestConnection and DescribeConnections', () => {
  it('tests a connection through testing to successful', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const instanceArn = await availableInstance(harness, 'one-rep');
    const { source } = await createSourceAndTarget(harness, 'one');

    // Act
    const answer = await harness.client.send(
      new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: source.EndpointArn }),
    );
    await harness.advance(DEFAULT_DURATIONS.connectionTest);
    const listed = await harness.client.send(
      new DescribeConnectionsCommand({
        Filters: [{ Name: 'endpoint-arn', Values: [source.EndpointArn ?? ''] }],
      }),
    );

    // Assess
    expect(answer.Connection).toMatchObject({ Status: 'testing', EndpointIdentifier: 'one-source' });
    expect(listed.Connections).toEqual([
      {
        ReplicationInstanceArn: instanceArn,
        EndpointArn: source.EndpointArn,
        Status: 'successful',
        EndpointIdentifier: 'one-source',
        ReplicationInstanceIdentifier: 'one-rep',
      },
    ]);
  });

  it('reports the workload failure text when the connection fails', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const instanceArn = await availableInstance(harness, 'one-rep');
    const { source } = await createSourceAndTarget(harness, 'one', 'broken');

    // Act
    await harness.client.send(
      new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: source.EndpointArn }),
    );
    await harness.advance(DEFAULT_DURATIONS.connectionTest);
    const listed = await harness.client.send(new DescribeConnectionsCommand({}));

    // Assess
    expect(listed.Connections?.[0]).toMatchObject({
      Status: 'failed',
      LastFailureMessage: 'FATAL: password authentication failed for user "dms"',
    });
  });

  it('refuses a test from an instance that is not available', async () => {
    // Prepare
    harness = await startHarness();
    const created = await harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'one-rep',
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );
    const { source } = await createSourceAndTarget(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new TestConnectionCommand({
        ReplicationInstanceArn: created.ReplicationInstance?.ReplicationInstanceArn,
        EndpointArn: source.EndpointArn,
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });
});

describe('replication subnet groups', () => {
  it('creates, describes and deletes a group, placing subnets in distinct zones', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const created = await harness.client.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: 'Lake-Net',
        ReplicationSubnetGroupDescription: 'lake network',
        SubnetIds: ['subnet-0a1b2c3d', 'subnet-0e1f2a3b'],
      }),
    );
    const described = await harness.client.send(
      new DescribeReplicationSubnetGroupsCommand({
        Filters: [{ Name: 'replication-subnet-group-id', Values: ['lake-net'] }],
      }),
    );
    await harness.client.send(
      new DeleteReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'lake-net' }),
    );
    const gone = harness.client.send(
      new DescribeReplicationSubnetGroupsCommand({
        Filters: [{ Name: 'replication-subnet-group-id', Values: ['lake-net'] }],
      }),
    );

    // Assess
    expect(created.ReplicationSubnetGroup).toMatchObject({
      ReplicationSubnetGroupIdentifier: 'lake-net',
      SubnetGroupStatus: 'Complete',
      Subnets: [
        {
          SubnetIdentifier: 'subnet-0a1b2c3d',
          SubnetAvailabilityZone: { Name: 'us-east-1a' },
          SubnetStatus: 'Active',
        },
        {
          SubnetIdentifier: 'subnet-0e1f2a3b',
          SubnetAvailabilityZone: { Name: 'us-east-1b' },
          SubnetStatus: 'Active',
        },
      ],
    });
    expect(described.ReplicationSubnetGroups).toHaveLength(1);
    await expect(gone).rejects.toBeInstanceOf(ResourceNotFoundFault);
  });

  it('refuses a group that covers a single Availability Zone', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: 'one-zone',
        ReplicationSubnetGroupDescription: 'too small',
        SubnetIds: ['subnet-0a1b2c3d'],
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ReplicationSubnetGroupDoesNotCoverEnoughAZs);
  });

  it('refuses to delete a group an instance uses', async () => {
    // Prepare
    harness = await startHarness();
    await harness.client.send(
      new CreateReplicationSubnetGroupCommand({
        ReplicationSubnetGroupIdentifier: 'lake-net',
        ReplicationSubnetGroupDescription: 'lake network',
        SubnetIds: ['subnet-0a1b2c3d', 'subnet-0e1f2a3b'],
      }),
    );
    await harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'one-rep',
        ReplicationInstanceClass: 'dms.t3.medium',
        ReplicationSubnetGroupIdentifier: 'lake-net',
      }),
    );

    // Act
    const attempt = harness.client.send(
      new DeleteReplicationSubnetGroupCommand({ ReplicationSubnetGroupIdentifier: 'lake-net' }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });
});
