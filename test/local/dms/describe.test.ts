import {
  AddTagsToResourceCommand,
  CreateReplicationInstanceCommand,
  DescribeEventsCommand,
  DescribeOrderableReplicationInstancesCommand,
  DescribeReplicationInstancesCommand,
  ListTagsForResourceCommand,
  paginateDescribeReplicationInstances,
  RemoveTagsFromResourceCommand,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { INSTANCE_CLASS_NAMES } from '#domain/instance-classes';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { availableInstance, createInstance, type Harness, startHarness } from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const createMany = async (count: number) => {
  for (let index = 0; index < count; index++)
    await createInstance(harness, `rep-${String(index).padStart(2, '0')}`, 'dms.t3.medium');
};

describe('pagination', () => {
  it('pages with MaxRecords and Marker, and ends without a Marker', async () => {
    // Prepare
    harness = await startHarness();
    await createMany(25);

    // Act
    const first = await harness.client.send(new DescribeReplicationInstancesCommand({ MaxRecords: 20 }));
    const second = await harness.client.send(
      new DescribeReplicationInstancesCommand({ MaxRecords: 20, Marker: first.Marker }),
    );

    // Assess
    expect(first.ReplicationInstances).toHaveLength(20);
    expect(first.Marker).toEqual(expect.any(String));
    expect(second.ReplicationInstances?.map((instance) => instance.ReplicationInstanceIdentifier)).toEqual([
      'rep-20',
      'rep-21',
      'rep-22',
      'rep-23',
      'rep-24',
    ]);
    expect(second.Marker).toBeUndefined();
  });

  it('works with the SDK paginator', async () => {
    // Prepare
    harness = await startHarness();
    await createMany(45);

    // Act
    const identifiers: string[] = [];
    for await (const page of paginateDescribeReplicationInstances(
      { client: harness.client, pageSize: 20 },
      {},
    ))
      identifiers.push(
        ...(page.ReplicationInstances ?? []).map((instance) => instance.ReplicationInstanceIdentifier ?? ''),
      );

    // Assess
    expect(identifiers).toHaveLength(45);
    expect(new Set(identifiers).size).toBe(45);
  });

  it.each([10, 101])('rejects MaxRecords %i', async (maxRecords) => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(new DescribeReplicationInstancesCommand({ MaxRecords: maxRecords }));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: `MaxRecords must be an integer between 20 and 100, got ${maxRecords}`,
    });
  });

  it('rejects a marker it did not issue', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(new DescribeReplicationInstancesCommand({ Marker: 'not-a-marker' }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('pages the orderable classes from the class catalogue', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const first = await harness.client.send(
      new DescribeOrderableReplicationInstancesCommand({ MaxRecords: 20 }),
    );

    // Assess
    expect(first.OrderableReplicationInstances).toHaveLength(20);
    expect(first.OrderableReplicationInstances?.[0]).toMatchObject({
      ReplicationInstanceClass: INSTANCE_CLASS_NAMES[0],
      StorageType: 'gp2',
      IncludedAllocatedStorage: 50,
      EngineVersion: '3.5.4',
    });
    expect(first.Marker).toEqual(expect.any(String));
  });
});

describe('filters', () => {
  it('matches identifiers regardless of case and classes exactly', async () => {
    // Prepare
    harness = await startHarness();
    await createInstance(harness, 'rep-a', 'dms.t3.medium');
    await createInstance(harness, 'rep-b', 'dms.r5.large');

    // Act
    const byId = await harness.client.send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: 'replication-instance-id', Values: ['REP-A'] }],
      }),
    );
    const byClass = await harness.client.send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: 'replication-instance-class', Values: ['dms.r5.large'] }],
      }),
    );

    // Assess
    expect(byId.ReplicationInstances?.map((instance) => instance.ReplicationInstanceIdentifier)).toEqual([
      'rep-a',
    ]);
    expect(byClass.ReplicationInstances?.map((instance) => instance.ReplicationInstanceIdentifier)).toEqual([
      'rep-b',
    ]);
  });

  it('answers ResourceNotFoundFault when a filter matches nothing, and an empty list without filters', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const unfiltered = await harness.client.send(new DescribeReplicationInstancesCommand({}));
    const filtered = harness.client.send(
      new DescribeReplicationInstancesCommand({
        Filters: [{ Name: 'replication-instance-id', Values: ['nope'] }],
      }),
    );

    // Assess
    expect(unfiltered.ReplicationInstances).toEqual([]);
    await expect(filtered).rejects.toBeInstanceOf(ResourceNotFoundFault);
  });

  it('rejects a filter name the operation does not know', async () => {
    // Prepare
    harness = await startHarness();

    // Act
    const attempt = harness.client.send(
      new DescribeReplicationInstancesCommand({ Filters: [{ Name: 'instance-name', Values: ['x'] }] }),
    );

    // Assess
    await expect(attempt).rejects.toThrow(
      'Invalid filter name: instance-name. Valid filters: replication-instance-arn, replication-instance-id, ' +
        'replication-instance-class, engine-version',
    );
  });
});

describe('tags', () => {
  it('adds, replaces, lists and removes tags', async () => {
    // Prepare
    harness = await startHarness();
    const created = await harness.client.send(
      new CreateReplicationInstanceCommand({
        ReplicationInstanceIdentifier: 'rep-a',
        ReplicationInstanceClass: 'dms.t3.medium',
        Tags: [{ Key: 'lakeshift:migration', Value: 'm1' }],
      }),
    );
    const arn = created.ReplicationInstance?.ReplicationInstanceArn ?? '';

    // Act
    await harness.client.send(
      new AddTagsToResourceCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'lakeshift:migration', Value: 'm2' },
          { Key: 'team', Value: 'data' },
        ],
      }),
    );
    const listed = await harness.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    await harness.client.send(new RemoveTagsFromResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
    const afterRemoval = await harness.client.send(
      new ListTagsForResourceCommand({ ResourceArnList: [arn] }),
    );

    // Assess
    expect(listed.TagList).toEqual([
      { Key: 'lakeshift:migration', Value: 'm2' },
      { Key: 'team', Value: 'data' },
    ]);
    expect(afterRemoval.TagList).toEqual([{ Key: 'lakeshift:migration', Value: 'm2', ResourceArn: arn }]);
  });

  it('refuses reserved prefixes and unknown resources', async () => {
    // Prepare
    harness = await startHarness();
    const { ReplicationInstanceArn: arn } = await createInstance(harness, 'rep-a');

    // Act
    const reserved = harness.client.send(
      new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'aws:owner', Value: 'x' }] }),
    );
    const unknown = harness.client.send(
      new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:dms:us-east-1:000000000000:rep:NOPE' }),
    );

    // Assess
    await expect(reserved).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundFault);
  });
});

describe('DescribeEvents', () => {
  it('lists the past hour of events by default, filtered by source and category', async () => {
    // Prepare
    harness = await startHarness();
    await availableInstance(harness, 'rep-a');
    await harness.advance(50 * 60_000);
    await availableInstance(harness, 'rep-b');

    // Act
    const recent = await harness.client.send(new DescribeEventsCommand({}));
    const creations = await harness.client.send(
      new DescribeEventsCommand({
        SourceIdentifier: 'rep-a',
        SourceType: 'replication-instance',
        Duration: 24 * 60,
      }),
    );

    // Assess
    expect(recent.Events?.map((event) => [event.SourceIdentifier, event.Message])).toEqual([
      ['rep-b', 'Replication instance is being created.'],
      ['rep-b', 'Replication instance created.'],
    ]);
    expect(creations.Events).toEqual([
      {
        SourceIdentifier: 'rep-a',
        SourceType: 'replication-instance',
        Message: 'Replication instance is being created.',
        EventCategories: ['creation'],
        Date: new Date(Date.UTC(2026, 0, 5, 12, 0)),
      },
      {
        SourceIdentifier: 'rep-a',
        SourceType: 'replication-instance',
        Message: 'Replication instance created.',
        EventCategories: ['creation'],
        Date: new Date(Date.UTC(2026, 0, 5, 12, 0) + DEFAULT_DURATIONS.instanceCreate),
      },
    ]);
  });
});
