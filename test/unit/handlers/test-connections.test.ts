import {
  DatabaseMigrationServiceClient,
  InvalidResourceStateFault,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import { endpointArnOf, instanceArnOf, keyOf, NOW, planFor, useHandlerWorld } from './fixtures.ts';

useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const busy = () => new InvalidResourceStateFault({ message: 'resource is busy', $metadata: {} });

beforeEach(() => {
  dms.reset();
});

describe('Handler: test-connections', () => {
  const endpoints = [endpointArnOf('src'), endpointArnOf('tgt')];
  const test = (id: string) =>
    invokeHandler('test-connections', {
      ...keyOf(planFor(id)),
      instanceArn: instanceArnOf('orders'),
      endpointArns: endpoints,
      now: NOW,
    });

  it('starts the test of each endpoint from the instance', async () => {
    // Prepare
    dms.on(TestConnectionCommand).resolves({ Connection: { Status: 'testing' } });
    // Act
    const result = await test('conn-1');
    // Assess
    expect(result).toEqual({
      instanceArn: instanceArnOf('orders'),
      connections: endpoints.map((endpointArn) => ({ endpointArn, status: 'testing' })),
    });
    expect(dms).toHaveReceivedCommandTimes(TestConnectionCommand, 2);
    expect(dms).toHaveReceivedNthCommandWith(TestConnectionCommand, 2, {
      ReplicationInstanceArn: instanceArnOf('orders'),
      EndpointArn: endpoints[1],
    });
  });

  it('reports an instance that cannot test yet as ResourceBusy', async () => {
    // Prepare
    dms.on(TestConnectionCommand).rejects(busy());
    // Act
    const attempt = test('conn-3');
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
  });
});
