import {
  CreateReplicationInstanceCommand,
  DeleteReplicationInstanceCommand,
  DescribeReplicationInstancesCommand,
  InsufficientResourceCapacityFault,
  InvalidResourceStateFault,
  ModifyReplicationInstanceCommand,
  RebootReplicationInstanceCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  StorageQuotaExceededFault,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DMS_DETAIL_TYPES, DMS_EVENT_IDS } from '#contracts/events';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import {
  assertedLater,
  availableInstance,
  createInstance,
  type Harness,
  readyTask,
  START,
  startHarness,
} from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const describeOne = async (arn: string) => {
  const answer = await harness.client.send(
    new DescribeReplicationInstancesCommand({
      Filters: [{ Name: 'replication-instance-arn', Values: [arn] }],
    }),
  );
  const [instance] = answer.ReplicationInstances ?? [];
  if (!instance) throw new Error('instance missing');
  return instance;
};

describe('CreateReplicationInstance', () => {
  it('stores the identifier lower-cased under a real-form ARN and starts in creating', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const instance = await createInstance(harness, 'Fleet-A-Rep', 'dms.t3.medium');

    // Assess
    expect(instance.ReplicationInstanceIdentifier).toBe('fleet-a-rep');
    expect(instance.ReplicationInstanceArn).toMatch(/^arn:aws:dms:us-east-1:000000000000:rep:[A-Z2-7]{26}$/);
    expect(instance.ReplicationInstanceStatus).toBe('creating');
    expect(instance.AllocatedStorage).toBe(50);
    expect(instance.PendingModifiedValues).toEqual({});
    expect(instance.ReplicationSubnetGroup?.Subnets).toHaveLength(3);
  });

  it('becomes available after the creation time and announces both steps with DMS event ids', async () => {
    // Prepare
    harness = await startHarness();
    const { ReplicationInstanceArn: arn = '' } = await createInstance(harness, 'rep-a');

    // Act
    await harness.advance(DEFAULT_DURATIONS.instanceCreate - 1);
    const before = await describeOne(arn);
    await harness.advance(1);
    const after = await describeOne(arn);

    // Assess
    expect(before.ReplicationInstanceStatus).toBe('creating');
    expect(after.ReplicationInstanceStatus).toBe('available');
    expect(after.InstanceCreateTime).toEqual(new Date(START));
    expect(
      harness.events.map((event) => [event['detail-type'], event.detail.eventId, event.resources]),
    ).toEqual([
      [DMS_DETAIL_TYPES.instanceStateChange, DMS_EVENT_IDS.instanceCreating, [arn]],
      [DMS_DETAIL_TYPES.instanceStateChange, DMS_EVENT_IDS.instanceCreated, [arn]],
    ]);
  });

  it.each([
    ['1starts-with-digit'],
    ['ends-with-hyphen-'],
    ['double--hyphen'],
    ['has_underscore'],
    ['a'.repeat(64)],
  ])('rejects the identifier %s with InvalidParameterValueException', async (identifier) => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: identifier,
        ReplicationInstanceClass: 'dms.t3.medium',
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('ReplicationInstanceIdentifier is not a valid identifier'),
    });
    expect(harness.emulator.snapshot().instances).toEqual({});
  });

  it('rejects a second instance with the same identifier in any case', async () => {
    // Prepare
    harness = await startHarness();
    await createInstance(harness, 'rep-a');

    // Act
    const attempt = createInstance(harness, 'REP-A');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ResourceAlreadyExistsFault);
  });

  it('rejects an unknown instance class', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = createInstance(harness, 'rep-a', 'dms.r5.huge');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Invalid replication instance class: dms.r5.huge',
    });
  });

  it('enforces the instance quota and the total storage quota', async () => {
    // Prepare
    harness = await startHarness({ quotas: { replicationInstances: 2, allocatedStorage: 250 } });
    await createInstance(harness, 'rep-a');

    // Act
    const overStorage = assertedLater(
      harness.client.send(
        new CreateReplicationInstanceCommand({
          ReplicationInstanceIdentifier: 'rep-b',
          ReplicationInstanceClass: 'dms.r5.large',
          AllocatedStorage: 200,
        }),
      ),
    );
    await createInstance(harness, 'rep-c');
    const overCount = createInstance(harness, 'rep-d');

    // Assess
    await expect(overStorage).rejects.toBeInstanceOf(StorageQuotaExceededFault);
    await expect(overCount).rejects.toBeInstanceOf(ResourceQuotaExceededFault);
  });

  it('rejects an Availability Zone together with MultiAZ', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'rep-a',
        ReplicationInstanceClass: 'dms.r5.large',
        MultiAZ: true,
        AvailabilityZone: 'us-east-1b',
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
  });
});

describe('ModifyReplicationInstance', () => {
  it('changes the class through modifying when applied immediately, with class-change events', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a', 'dms.r5.xlarge');
    harness.events.length = 0;

    // Act
    const answer = await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      }),
    );
    await harness.advance(DEFAULT_DURATIONS.instanceClassChange - 1);
    const during = await describeOne(arn);
    await harness.advance(1);
    const after = await describeOne(arn);

    // Assess
    expect(answer.ReplicationInstance?.ReplicationInstanceStatus).toBe('modifying');
    expect(during).toMatchObject({
      ReplicationInstanceStatus: 'modifying',
      ReplicationInstanceClass: 'dms.r5.xlarge',
    });
    expect(after).toMatchObject({
      ReplicationInstanceStatus: 'available',
      ReplicationInstanceClass: 'dms.r5.large',
    });
    expect(harness.events.map((event) => [event['detail-type'], event.detail.eventId])).toEqual([
      [DMS_DETAIL_TYPES.instanceClassStateChange, DMS_EVENT_IDS.classChangeStarting],
      [DMS_DETAIL_TYPES.instanceClassStateChange, DMS_EVENT_IDS.classChangeDone],
    ]);
  });

  it('only queues the class in PendingModifiedValues without ApplyImmediately, until the maintenance window', async () => {
    // Prepare: START is Monday 12:00 UTC; the window opens on Tuesday 03:00.
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a', 'dms.r5.xlarge');
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        PreferredMaintenanceWindow: 'tue:03:00-tue:03:30',
      }),
    );

    // Act
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: 'dms.r5.large',
      }),
    );
    const queued = await describeOne(arn);
    await harness.advance(Date.UTC(2026, 0, 6, 3, 0) - harness.clock.now());
    const inWindow = await describeOne(arn);
    await harness.advance(DEFAULT_DURATIONS.instanceClassChange);
    const after = await describeOne(arn);

    // Assess
    expect(queued).toMatchObject({
      ReplicationInstanceStatus: 'available',
      ReplicationInstanceClass: 'dms.r5.xlarge',
      PendingModifiedValues: { ReplicationInstanceClass: 'dms.r5.large' },
    });
    expect(inWindow.ReplicationInstanceStatus).toBe('modifying');
    expect(after).toMatchObject({ ReplicationInstanceClass: 'dms.r5.large', PendingModifiedValues: {} });
  });

  it('applies queued changes together with the next immediate change', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a', 'dms.r5.xlarge');
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: 'dms.r5.large',
      }),
    );

    // Act
    await harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        AllocatedStorage: 200,
        ApplyImmediately: true,
      }),
    );
    await harness.advance(DEFAULT_DURATIONS.instanceClassChange);
    const after = await describeOne(arn);

    // Assess
    expect(after).toMatchObject({
      ReplicationInstanceClass: 'dms.r5.large',
      AllocatedStorage: 200,
      PendingModifiedValues: {},
      ReplicationInstanceStatus: 'available',
    });
  });

  it('refuses a modification while the instance is not available', async () => {
    // Prepare
    harness = await startHarness();
    const { ReplicationInstanceArn: arn = '' } = await createInstance(harness, 'rep-a');

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: 'dms.r5.large',
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
    await expect(attempt).rejects.toThrow(
      'Replication instance rep-a is not in available state (current state: creating)',
    );
  });

  it('refuses to shrink storage', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        AllocatedStorage: 20,
        ApplyImmediately: true,
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('answers ResourceNotFoundFault for an unknown ARN', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: 'arn:aws:dms:us-east-1:000000000000:rep:NOPE',
        ApplyImmediately: true,
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundFault);
  });

  it('fails with InsufficientResourceCapacityFault when that fault is configured, changing nothing', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a', 'dms.r5.xlarge');
    harness.emulator.configureFaults({ api: [{ fault: 'insufficient-capacity', nth: [1] }] });

    // Act
    const attempt = harness.client.send(
      new ModifyReplicationInstanceCommand({
        ReplicationInstanceArn: arn,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InsufficientResourceCapacityFault);
    await expect(attempt).rejects.toThrow(
      'Insufficient capacity for replication instance class dms.r5.large',
    );
    expect(await describeOne(arn)).toMatchObject({
      ReplicationInstanceStatus: 'available',
      PendingModifiedValues: {},
    });
  });
});

describe('RebootReplicationInstance', () => {
  it('goes through rebooting back to available', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');

    // Act
    const answer = await harness.client.send(
      new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn }),
    );
    await harness.advance(DEFAULT_DURATIONS.instanceReboot);

    // Assess
    expect(answer.ReplicationInstance?.ReplicationInstanceStatus).toBe('rebooting');
    expect((await describeOne(arn)).ReplicationInstanceStatus).toBe('available');
  });

  it('refuses a forced failover on a single-AZ instance', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');

    // Act
    const attempt = harness.client.send(
      new RebootReplicationInstanceCommand({ ReplicationInstanceArn: arn, ForceFailover: true }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterCombinationException' });
  });
});

describe('DeleteReplicationInstance', () => {
  it('deletes through deleting, after which Describe answers ResourceNotFoundFault', async () => {
    // Prepare
    harness = await startHarness();
    const arn = await availableInstance(harness, 'rep-a');
    harness.events.length = 0;

    // Act
    const answer = await harness.client.send(
      new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }),
    );
    const during = await describeOne(arn);
    await harness.advance(DEFAULT_DURATIONS.instanceDelete);
    const after = describeOne(arn);

    // Assess
    expect(answer.ReplicationInstance?.ReplicationInstanceStatus).toBe('deleting');
    expect(during.ReplicationInstanceStatus).toBe('deleting');
    await expect(after).rejects.toBeInstanceOf(ResourceNotFoundFault);
    expect(harness.events.map((event) => event.detail.eventId)).toEqual([
      DMS_EVENT_IDS.instanceDeleting,
      DMS_EVENT_IDS.instanceDeleted,
    ]);
  });

  it('refuses to delete an instance that still has tasks', async () => {
    // Prepare
    harness = await startHarness();
    const { instanceArn } = await readyTask(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: instanceArn }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
    await expect(attempt).rejects.toThrow('Delete the tasks before deleting the replication instance');
  });

  it('refuses to delete an instance that is still being created', async () => {
    // Prepare
    harness = await startHarness();
    const { ReplicationInstanceArn: arn = '' } = await createInstance(harness, 'rep-a');

    // Act
    const attempt = harness.client.send(
      new DeleteReplicationInstanceCommand({ ReplicationInstanceArn: arn }),
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });
});
