import {
  CreateReplicationTaskCommand,
  DescribeAccountAttributesCommand,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_TABLES, type Harness, readyTask, startHarness } from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

/** A raw AWS JSON 1.1 call, for requests the SDK would never send. */
const raw = async (operation: string, body: string) => {
  const response = await fetch(harness.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonDMSv20160101.${operation}`,
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.json(),
  };
};

describe('the AWS JSON 1.1 protocol', () => {
  it('accepts an empty body for an operation without required input', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw('DescribeReplicationInstances', '');

    // Assess
    expect(answer).toEqual({
      status: 200,
      contentType: 'application/x-amz-json-1.1',
      body: { ReplicationInstances: [] },
    });
  });

  it('answers an operation DMS does not have with UnknownOperationException', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw('LaunchRocket', '{}');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation LaunchRocket',
    });
  });

  it('answers a real DMS operation the emulator leaves out with InvalidAction', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw('DescribeFleetAdvisorCollectors', '{}');

    // Assess
    expect(answer.body).toEqual({
      __type: 'InvalidAction',
      message: 'The local DMS emulator does not implement DescribeFleetAdvisorCollectors',
    });
  });

  it('rejects an unknown member and a missing required member with ValidationException', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw(
      'CreateReplicationInstance',
      JSON.stringify({ ReplicationInstanceIdentifier: 'rep-a', InstanceSize: 'large' }),
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      __type: 'ValidationException',
      message:
        "2 validation errors detected in CreateReplicationInstance: Value null at 'ReplicationInstanceClass' failed " +
        "to satisfy constraint: Member must not be null; Unknown member 'InstanceSize' is not part of " +
        'CreateReplicationInstanceMessage',
    });
    expect(harness.emulator.snapshot().instances).toEqual({});
  });

  it('rejects an unknown member inside a nested structure', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw(
      'CreateEndpoint',
      JSON.stringify({
        EndpointIdentifier: 'src',
        EndpointType: 'source',
        EngineName: 'postgres',
        PostgreSQLSettings: { HeartbeatSeconds: 5 },
      }),
    );

    // Assess
    expect(answer.body).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringContaining("Unknown member 'PostgreSQLSettings.HeartbeatSeconds'"),
    });
  });

  it('rejects a member of the wrong JSON type with SerializationException', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const answer = await raw(
      'CreateReplicationInstance',
      JSON.stringify({
        ReplicationInstanceIdentifier: 'rep-a',
        ReplicationInstanceClass: 'dms.t3.medium',
        AllocatedStorage: '50',
      }),
    );

    // Assess
    expect(answer.body).toEqual({
      __type: 'SerializationException',
      message: "Expected a number at 'AllocatedStorage', got string",
    });
  });

  it('rejects bad enum values sent through the SDK with InvalidParameterValueException', async () => {
    // Prepare
    harness = await startHarness();
    const { taskArn, task } = await readyTask(harness, 'one');

    // Act
    const badStart = harness.client.send(
      new StartReplicationTaskCommand({
        ReplicationTaskArn: taskArn,
        StartReplicationTaskType: 'restart' as never,
      }),
    );
    const badType = harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: 'two-task',
        SourceEndpointArn: task.SourceEndpointArn,
        TargetEndpointArn: task.TargetEndpointArn,
        ReplicationInstanceArn: task.ReplicationInstanceArn,
        MigrationType: 'everything' as never,
        TableMappings: ALL_TABLES,
      }),
    );

    // Assess
    await expect(badStart).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message:
        "Invalid value 'restart' for StartReplicationTaskType. Valid values: reload-target, resume-processing, start-replication",
    });
    await expect(badType).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message:
        "Invalid value 'everything' for MigrationType. Valid values: cdc, full-load, full-load-and-cdc",
    });
  });

  it('answers DescribeAccountAttributes with the live quota usage', async () => {
    // Prepare
    harness = await startHarness();
    await readyTask(harness, 'one');

    // Act
    const answer = await harness.client.send(new DescribeAccountAttributesCommand({}));

    // Assess
    const quota = (name: string) => answer.AccountQuotas?.find((item) => item.AccountQuotaName === name);
    expect(quota('ReplicationInstances')).toEqual({
      AccountQuotaName: 'ReplicationInstances',
      Used: 1,
      Max: 60,
    });
    expect(quota('AllocatedStorage')).toEqual({
      AccountQuotaName: 'AllocatedStorage',
      Used: 100,
      Max: 30000,
    });
    expect(quota('Endpoints')).toEqual({ AccountQuotaName: 'Endpoints', Used: 2, Max: 1000 });
    expect(quota('ReplicationTasks')).toEqual({ AccountQuotaName: 'ReplicationTasks', Used: 1, Max: 600 });
    expect(answer.UniqueAccountIdentifier).toMatch(/^c[0-9a-f]{11}$/);
  });
});
