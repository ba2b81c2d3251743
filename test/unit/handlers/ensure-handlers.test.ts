import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  ListTagsForResourceCommand,
  ResourceAlreadyExistsFault,
  ResourceQuotaExceededFault,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { TAG_KEYS } from '#contracts/tags';
import type { DatabasePlan } from '#domain/planner/plan';
import type { RegistryItem } from '#domain/registry-item';
import { invokeHandler } from '#test/lambda-context';
import { endpointArnOf, instanceArnOf, keyOf, NOW, planFor, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);

beforeEach(() => {
  dms.reset();
});

const alreadyExists = () => new ResourceAlreadyExistsFault({ message: 'already exists', $metadata: {} });
const quotaExceeded = () => new ResourceQuotaExceededFault({ message: 'quota', $metadata: {} });

/** Tags as ListTagsForResource returns them, with one value changed when `foreignMigration` is given. */
const tagsOf = (plan: DatabasePlan, foreignMigration?: string) =>
  plan.tags.map((tag) =>
    tag.Key === TAG_KEYS.migration && foreignMigration ? { ...tag, Value: foreignMigration } : tag,
  );

/** Each ensure-handler: its input, how DMS answers a create and a describe, and what the registry learns. */
const CASES = [
  {
    name: 'ensure-replication-instance' as const,
    input: (plan: DatabasePlan) => ({ ...keyOf(plan), plan, now: NOW }),
    mockCreated: (plan: DatabasePlan) =>
      dms.on(CreateReplicationInstanceCommand).resolves({
        ReplicationInstance: {
          ReplicationInstanceArn: instanceArnOf(plan.databaseId),
          ReplicationInstanceStatus: 'creating',
        },
      }),
    mockExisting: (plan: DatabasePlan, status = 'available') => {
      dms.on(CreateReplicationInstanceCommand).rejects(alreadyExists());
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [
          { ReplicationInstanceArn: instanceArnOf(plan.databaseId), ReplicationInstanceStatus: status },
        ],
      });
    },
    /** States a failed attempt can leave the instance in (a dead end such as failed is judged by the wait after). */
    leftBehind: ['creating', 'modifying', 'failed', 'storage-full'],
    assertCreated: (plan: DatabasePlan) =>
      expect(dms).toHaveReceivedCommandWith(CreateReplicationInstanceCommand, plan.instance),
    mockQuotaExceeded: () => dms.on(CreateReplicationInstanceCommand).rejects(quotaExceeded()),
    expected: (plan: DatabasePlan) => ({ instanceArn: instanceArnOf(plan.databaseId) }),
    created: (created: boolean) => ({ created }),
    recorded: (item: RegistryItem) => ({ instanceArn: item.instanceArn }),
  },
  {
    name: 'ensure-endpoints' as const,
    input: (plan: DatabasePlan) => ({ ...keyOf(plan), plan, now: NOW }),
    mockCreated: (plan: DatabasePlan) =>
      dms.on(CreateEndpointCommand).callsFake((input: { EndpointType: string }) => ({
        Endpoint: { EndpointArn: endpointArnOf(`${plan.databaseId}${input.EndpointType}`) },
      })),
    mockExisting: (plan: DatabasePlan, status = 'active') => {
      dms.on(CreateEndpointCommand).rejects(alreadyExists());
      dms.on(DescribeEndpointsCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
        Endpoints: [
          {
            EndpointArn: endpointArnOf(
              `${plan.databaseId}${input.Filters[0]?.Values[0] === plan.sourceEndpoint.EndpointIdentifier ? 'source' : 'target'}`,
            ),
            Status: status,
          },
        ],
      }));
    },
    leftBehind: ['creating', 'active'],
    assertCreated: (plan: DatabasePlan) => {
      expect(dms).toHaveReceivedCommandWith(CreateEndpointCommand, plan.sourceEndpoint);
      expect(dms).toHaveReceivedCommandWith(CreateEndpointCommand, plan.targetEndpoint);
    },
    mockQuotaExceeded: () => dms.on(CreateEndpointCommand).rejects(quotaExceeded()),
    expected: (plan: DatabasePlan) => ({
      sourceEndpointArn: endpointArnOf(`${plan.databaseId}source`),
      targetEndpointArn: endpointArnOf(`${plan.databaseId}target`),
    }),
    created: (created: boolean) => ({ created: { source: created, target: created } }),
    recorded: (item: RegistryItem) => ({
      sourceEndpointArn: item.sourceEndpointArn,
      targetEndpointArn: item.targetEndpointArn,
    }),
  },
  {
    name: 'ensure-task' as const,
    input: (plan: DatabasePlan) => ({
      ...keyOf(plan),
      plan,
      instanceArn: instanceArnOf(plan.databaseId),
      sourceEndpointArn: endpointArnOf(`${plan.databaseId}source`),
      targetEndpointArn: endpointArnOf(`${plan.databaseId}target`),
      now: NOW,
    }),
    mockCreated: (plan: DatabasePlan) =>
      dms.on(CreateReplicationTaskCommand).resolves({
        ReplicationTask: { ReplicationTaskArn: taskArnOf(plan.databaseId), Status: 'creating' },
      }),
    mockExisting: (plan: DatabasePlan, status = 'ready') => {
      dms.on(CreateReplicationTaskCommand).rejects(alreadyExists());
      dms.on(DescribeReplicationTasksCommand).resolves({
        ReplicationTasks: [{ ReplicationTaskArn: taskArnOf(plan.databaseId), Status: status }],
      });
    },
    leftBehind: ['creating', 'failed', 'stopped', 'running', 'starting'],
    assertCreated: (plan: DatabasePlan) =>
      expect(dms).toHaveReceivedCommandWith(CreateReplicationTaskCommand, {
        ...plan.task,
        ReplicationInstanceArn: instanceArnOf(plan.databaseId),
        SourceEndpointArn: endpointArnOf(`${plan.databaseId}source`),
        TargetEndpointArn: endpointArnOf(`${plan.databaseId}target`),
      }),
    mockQuotaExceeded: () => dms.on(CreateReplicationTaskCommand).rejects(quotaExceeded()),
    expected: (plan: DatabasePlan) => ({ taskArn: taskArnOf(plan.databaseId) }),
    created: (created: boolean) => ({ created }),
    recorded: (item: RegistryItem) => ({ taskArn: item.taskArn }),
  },
];

describe.each(CASES)('Handler: $name', (spec) => {
  const seeded = async (migrationId: string) => {
    const plan = planFor(migrationId);
    await world.seed(plan, 'PROVISIONING');
    return plan;
  };

  it('creates the resource from the plan and records its ARN in the registry', async () => {
    // Prepare
    const plan = await seeded(`${spec.name}-create`);
    spec.mockCreated(plan);
    // Act
    const result = await invokeHandler(spec.name, spec.input(plan));
    // Assess
    expect(result).toMatchObject({ ...spec.expected(plan), ...spec.created(true) });
    spec.assertCreated(plan);
    expect(dms).not.toHaveReceivedCommand(ListTagsForResourceCommand);
    expect(spec.recorded(await world.registry().require(plan))).toEqual(spec.expected(plan));
  });

  it('adopts the resource a previous run created when its lakeshift tags match', async () => {
    // Prepare
    const plan = await seeded(`${spec.name}-adopt`);
    spec.mockExisting(plan);
    dms.on(ListTagsForResourceCommand).resolves({ TagList: tagsOf(plan) });
    // Act
    const result = await invokeHandler(spec.name, spec.input(plan));
    // Assess
    expect(result).toMatchObject({ ...spec.expected(plan), ...spec.created(false) });
    expect(spec.recorded(await world.registry().require(plan))).toEqual(spec.expected(plan));
  });

  it.each(spec.leftBehind)(
    'adopts the resource a failed attempt left %s, for the next attempt to go on with',
    async (status) => {
      // Prepare
      const plan = await seeded(`${spec.name}-left-${status}`);
      spec.mockExisting(plan, status);
      dms.on(ListTagsForResourceCommand).resolves({ TagList: tagsOf(plan) });
      // Act
      const result = await invokeHandler(spec.name, spec.input(plan));
      // Assess
      expect(result).toMatchObject({ ...spec.expected(plan), ...spec.created(false) });
      expect(spec.recorded(await world.registry().require(plan))).toEqual(spec.expected(plan));
    },
  );

  it('waits with ResourceBusy for a resource being deleted, recording nothing', async () => {
    // Prepare
    const plan = await seeded(`${spec.name}-being-deleted`);
    spec.mockExisting(plan, 'deleting');
    dms.on(ListTagsForResourceCommand).resolves({ TagList: tagsOf(plan) });
    // Act
    const attempt = invokeHandler(spec.name, spec.input(plan));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.resourceBusy });
    await expect(attempt).rejects.toThrow(/is being deleted; it is created again once it is gone/);
    expect(Object.values(spec.recorded(await world.registry().require(plan)))).toEqual(
      Object.keys(spec.expected(plan)).map(() => undefined),
    );
  });

  it('refuses a resource with our identifier that another migration owns, and records nothing', async () => {
    // Prepare
    const plan = await seeded(`${spec.name}-foreign`);
    spec.mockExisting(plan);
    dms.on(ListTagsForResourceCommand).resolves({ TagList: tagsOf(plan, 'someone-else') });
    // Act
    const attempt = invokeHandler(spec.name, spec.input(plan));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.foreignResource });
    await expect(attempt).rejects.toThrow(/lakeshift:migration expected "[^"]+", found "someone-else"/);
    expect(Object.values(spec.recorded(await world.registry().require(plan)))).toEqual(
      Object.keys(spec.expected(plan)).map(() => undefined),
    );
  });

  it('reports an exhausted quota as QuotaExceeded', async () => {
    // Prepare
    const plan = await seeded(`${spec.name}-quota`);
    spec.mockQuotaExceeded();
    // Act
    const attempt = invokeHandler(spec.name, spec.input(plan));
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.quotaExceeded });
  });

  it.each(['TEARING_DOWN', 'DELETED'] as const)(
    'refuses to act for a database that is %s, creating nothing and recording nothing',
    async (phase) => {
      // Prepare
      const plan = planFor(`${spec.name}-${phase.toLowerCase().replace('_', '-')}`);
      const before = await world.seed(plan, phase);
      spec.mockCreated(plan);
      // Act
      const attempt = invokeHandler(spec.name, spec.input(plan));
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
      await expect(attempt).rejects.toThrow(`is ${phase}: creating the`);
      expect(dms).not.toHaveReceivedAnyCommand();
      expect((await world.registry().require(plan)).version).toBe(before.version);
    },
  );

  it('names the plan field that is missing', async () => {
    // Prepare
    const plan = planFor(`${spec.name}-bad`);
    const input = spec.input(plan);
    // Act
    const attempt = invokeHandler(spec.name, { ...input, plan: {} });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/plan\.(instance|sourceEndpoint|task): /);
  });
});
