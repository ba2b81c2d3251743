import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  type CreateReplicationInstanceCommandInput,
  CreateReplicationTaskCommand,
  type CreateReplicationTaskCommandInput,
  DatabaseMigrationServiceClient,
  DeleteReplicationTaskCommand,
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyReplicationInstanceCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  deleteReplicationTask,
  describeConnections,
  describeTableStatistics,
  findReplicationInstance,
  findReplicationTaskByArn,
  listTags,
  modifyReplicationInstanceClass,
  startReplicationTask,
  stopReplicationTask,
} from '#adapters/dms';
import { dms as callDms, sendDms } from '#adapters/dms-call';
import {
  ensureEndpoint,
  ensureReplicationInstance,
  ensureReplicationTask,
  ownershipTagMismatches,
} from '#adapters/dms-ensure';
import { TAG_KEYS } from '#contracts/tags';

const dms = mockClient(DatabaseMigrationServiceClient);

const INSTANCE_ARN = 'arn:aws:dms:us-east-1:123456789012:rep:T3OM7OUB5NM2LCVZF7JPGJRNUE';
const TASK_ARN = 'arn:aws:dms:us-east-1:123456789012:task:UPIIRRYFTHAI7AAEHCM6X5CAFXH2ODSHQ7M3WUA';
const ENDPOINT_ARN = 'arn:aws:dms:us-east-1:123456789012:endpoint:ENDPOINTSOURCE1';

const OUR_TAGS = [
  { Key: TAG_KEYS.migration, Value: 'mig-1' },
  { Key: TAG_KEYS.database, Value: 'orders' },
  { Key: TAG_KEYS.managed, Value: 'true' },
];

const instanceInput: CreateReplicationInstanceCommandInput = {
  ReplicationInstanceIdentifier: 'ls-mig-1-orders-ri',
  ReplicationInstanceClass: 'dms.r5.xlarge',
  Tags: OUR_TAGS,
};

const taskInput: CreateReplicationTaskCommandInput = {
  ReplicationTaskIdentifier: 'ls-mig-1-orders-task',
  MigrationType: 'full-load-and-cdc',
  ReplicationInstanceArn: INSTANCE_ARN,
  SourceEndpointArn: ENDPOINT_ARN,
  TargetEndpointArn: ENDPOINT_ARN,
  TableMappings: '{"rules":[]}',
  Tags: OUR_TAGS,
};

const fault = <T>(Fault: new (options: { message: string; $metadata: object }) => T, message = 'fault'): T =>
  new Fault({ message, $metadata: {} });

beforeEach(() => {
  dms.reset();
});

describe('dms adapter', () => {
  describe('findReplicationInstance', () => {
    it('looks the instance up by its lower-case identifier', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).resolves({
        ReplicationInstances: [
          { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'available' },
        ],
      });

      // Act
      const instance = await findReplicationInstance('LS-Mig-1-Orders-RI');

      // Assess
      expect(instance?.ReplicationInstanceStatus).toBe('available');
      expect(dms).toHaveReceivedCommandWith(DescribeReplicationInstancesCommand, {
        Filters: [{ Name: 'replication-instance-id', Values: ['ls-mig-1-orders-ri'] }],
      });
    });

    it('returns undefined when DMS answers ResourceNotFoundFault', async () => {
      // Prepare
      dms.on(DescribeReplicationInstancesCommand).rejects(fault(ResourceNotFoundFault));

      // Act
      const instance = await findReplicationInstance('ls-mig-1-orders-ri');

      // Assess
      expect(instance).toBeUndefined();
    });
  });

  describe('modifyReplicationInstanceClass', () => {
    it('applies the class change immediately', async () => {
      // Prepare
      dms.on(ModifyReplicationInstanceCommand).resolves({
        ReplicationInstance: { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'modifying' },
      });

      // Act
      const instance = await modifyReplicationInstanceClass(INSTANCE_ARN, 'dms.r5.large');

      // Assess
      expect(instance.ReplicationInstanceStatus).toBe('modifying');
      expect(dms).toHaveReceivedCommandWith(ModifyReplicationInstanceCommand, {
        ReplicationInstanceArn: INSTANCE_ARN,
        ReplicationInstanceClass: 'dms.r5.large',
        ApplyImmediately: true,
      });
    });

    it('reports a busy instance as ResourceBusy without retrying it', async () => {
      // Prepare
      dms
        .on(ModifyReplicationInstanceCommand)
        .rejects(fault(InvalidResourceStateFault, 'instance is modifying'));

      // Act
      const attempt = modifyReplicationInstanceClass(INSTANCE_ARN, 'dms.r5.large');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: 'ResourceBusy',
        message: 'ModifyReplicationInstance failed: InvalidResourceStateFault: instance is modifying',
      });
      expect(dms).toHaveReceivedCommandTimes(ModifyReplicationInstanceCommand, 1);
    });
  });

  describe('replication task calls', () => {
    it('starts a task with the requested start type', async () => {
      // Prepare
      dms
        .on(StartReplicationTaskCommand)
        .resolves({ ReplicationTask: { ReplicationTaskArn: TASK_ARN, Status: 'starting' } });

      // Act
      const task = await startReplicationTask(TASK_ARN, 'resume-processing');

      // Assess
      expect(task.Status).toBe('starting');
      expect(dms).toHaveReceivedCommandWith(StartReplicationTaskCommand, {
        ReplicationTaskArn: TASK_ARN,
        StartReplicationTaskType: 'resume-processing',
      });
    });

    it('stops a task', async () => {
      // Prepare
      dms
        .on(StopReplicationTaskCommand)
        .resolves({ ReplicationTask: { ReplicationTaskArn: TASK_ARN, Status: 'stopping' } });

      // Act
      const task = await stopReplicationTask(TASK_ARN);

      // Assess
      expect(task.Status).toBe('stopping');
    });

    it('treats deleting a task that is already gone as done', async () => {
      // Prepare
      dms.on(DeleteReplicationTaskCommand).rejects(fault(ResourceNotFoundFault));

      // Act
      const deleted = await deleteReplicationTask(TASK_ARN);

      // Assess
      expect(deleted).toBeUndefined();
    });

    it('reads every page of table statistics', async () => {
      // Prepare
      dms
        .on(DescribeTableStatisticsCommand, { Marker: undefined })
        .resolves({ TableStatistics: [{ TableName: 'a', TableState: 'Table completed' }], Marker: 'page-2' })
        .on(DescribeTableStatisticsCommand, { Marker: 'page-2' })
        .resolves({ TableStatistics: [{ TableName: 'b', TableState: 'Full load' }] });

      // Act
      const tables = await describeTableStatistics(TASK_ARN);

      // Assess
      expect(tables.map((table) => table.TableName)).toEqual(['a', 'b']);
      expect(dms).toHaveReceivedCommandTimes(DescribeTableStatisticsCommand, 2);
    });
  });

  describe('describeConnections', () => {
    it('returns no connections when none were tested yet', async () => {
      // Prepare
      dms.on(DescribeConnectionsCommand).rejects(fault(ResourceNotFoundFault));

      // Act
      const connections = await describeConnections(INSTANCE_ARN);

      // Assess
      expect(connections).toEqual([]);
    });
  });

  describe('listTags', () => {
    it('returns the tags as a key → value record', async () => {
      // Prepare
      dms.on(ListTagsForResourceCommand).resolves({ TagList: [...OUR_TAGS, { Key: 'team', Value: 'data' }] });

      // Act
      const tags = await listTags(INSTANCE_ARN);

      // Assess
      expect(tags).toEqual({
        'lakeshift:migration': 'mig-1',
        'lakeshift:database': 'orders',
        'lakeshift:managed': 'true',
        team: 'data',
      });
    });
  });

  describe('throttling', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('retries a throttled call with backoff and returns its answer', async () => {
      // Prepare
      vi.useFakeTimers();
      const throttle = Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: {},
      });
      dms
        .on(DescribeReplicationTasksCommand)
        .rejectsOnce(throttle)
        .resolves({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, Status: 'running' }] });

      // Act
      const pending = findReplicationTaskByArn(TASK_ARN);
      await vi.runAllTimersAsync();
      const task = await pending;

      // Assess
      expect(task?.Status).toBe('running');
      expect(dms).toHaveReceivedCommandTimes(DescribeReplicationTasksCommand, 2);
    });
  });
});

describe('ownershipTagMismatches', () => {
  it('finds nothing when every lakeshift tag matches, whatever other tags say', () => {
    // Act
    const mismatches = ownershipTagMismatches(OUR_TAGS, {
      'lakeshift:migration': 'mig-1',
      'lakeshift:database': 'orders',
      'lakeshift:managed': 'true',
      owner: 'someone',
    });

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('names a different value, a missing tag and an unexpected lakeshift tag', () => {
    // Act
    const mismatches = ownershipTagMismatches(OUR_TAGS, {
      'lakeshift:migration': 'mig-2',
      'lakeshift:managed': 'true',
      'lakeshift:extra': 'x',
    });

    // Assess
    expect(mismatches).toEqual([
      'lakeshift:migration expected "mig-1", found "mig-2"',
      'lakeshift:database expected "orders", missing',
      'lakeshift:extra not expected, found "x"',
    ]);
  });
});

describe('ensureReplicationInstance', () => {
  it('creates the instance and reports it as created', async () => {
    // Prepare
    dms.on(CreateReplicationInstanceCommand).resolves({
      ReplicationInstance: { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'creating' },
    });

    // Act
    const ensured = await ensureReplicationInstance(instanceInput);

    // Assess
    expect(ensured).toEqual({
      resource: { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'creating' },
      created: true,
    });
    expect(dms).toHaveReceivedCommandWith(CreateReplicationInstanceCommand, instanceInput);
  });

  it('adopts an existing instance whose lakeshift tags match', async () => {
    // Prepare
    dms.on(CreateReplicationInstanceCommand).rejects(fault(ResourceAlreadyExistsFault, 'already exists'));
    dms.on(DescribeReplicationInstancesCommand).resolves({
      ReplicationInstances: [
        { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'available' },
      ],
    });
    dms.on(ListTagsForResourceCommand, { ResourceArn: INSTANCE_ARN }).resolves({ TagList: OUR_TAGS });

    // Act
    const ensured = await ensureReplicationInstance(instanceInput);

    // Assess
    expect(ensured).toEqual({
      resource: { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceStatus: 'available' },
      created: false,
    });
    expect(dms).toHaveReceivedCommandTimes(CreateReplicationInstanceCommand, 1);
  });

  it('refuses an existing instance that belongs to another database, naming it and the tags', async () => {
    // Prepare
    dms.on(CreateReplicationInstanceCommand).rejects(fault(ResourceAlreadyExistsFault));
    dms.on(DescribeReplicationInstancesCommand).resolves({
      ReplicationInstances: [{ ReplicationInstanceArn: INSTANCE_ARN }],
    });
    dms.on(ListTagsForResourceCommand).resolves({
      TagList: [
        { Key: TAG_KEYS.migration, Value: 'mig-1' },
        { Key: TAG_KEYS.database, Value: 'invoices' },
        { Key: TAG_KEYS.managed, Value: 'true' },
      ],
    });

    // Act
    const attempt = ensureReplicationInstance(instanceInput);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ForeignResourceConflict',
      message: `replication instance "ls-mig-1-orders-ri" (${INSTANCE_ARN}) already exists and is not this database's: lakeshift:database expected "orders", found "invoices"`,
    });
  });

  it('refuses an untagged instance someone else created under the same name', async () => {
    // Prepare
    dms.on(CreateReplicationInstanceCommand).rejects(fault(ResourceAlreadyExistsFault));
    dms
      .on(DescribeReplicationInstancesCommand)
      .resolves({ ReplicationInstances: [{ ReplicationInstanceArn: INSTANCE_ARN }] });
    dms.on(ListTagsForResourceCommand).resolves({ TagList: [] });

    // Act
    const attempt = ensureReplicationInstance(instanceInput);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ForeignResourceConflict',
      message: expect.stringContaining('lakeshift:managed expected "true", missing'),
    });
  });

  it('asks to retry later when the existing instance vanished before it could be described', async () => {
    // Prepare
    dms.on(CreateReplicationInstanceCommand).rejects(fault(ResourceAlreadyExistsFault));
    dms.on(DescribeReplicationInstancesCommand).rejects(fault(ResourceNotFoundFault));

    // Act
    const attempt = ensureReplicationInstance(instanceInput);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ResourceBusy' });
  });

  it('surfaces an exhausted quota as QuotaExceeded without retrying', async () => {
    // Prepare
    dms
      .on(CreateReplicationInstanceCommand)
      .rejects(fault(ResourceQuotaExceededFault, 'instance quota reached'));

    // Act
    const attempt = ensureReplicationInstance(instanceInput);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'QuotaExceeded' });
    expect(dms).toHaveReceivedCommandTimes(CreateReplicationInstanceCommand, 1);
  });

  it('refuses an input without an identifier before calling DMS', async () => {
    // Act
    const attempt = ensureReplicationInstance({
      ReplicationInstanceClass: 'dms.r5.large',
    } as CreateReplicationInstanceCommandInput);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidHandlerInput',
      message: expect.stringContaining('ReplicationInstanceIdentifier is required'),
    });
    expect(dms).toHaveReceivedCommandTimes(CreateReplicationInstanceCommand, 0);
  });
});

describe('ensureEndpoint', () => {
  it('adopts an existing endpoint with matching tags, found by its identifier', async () => {
    // Prepare
    dms.on(CreateEndpointCommand).rejects(fault(ResourceAlreadyExistsFault));
    dms
      .on(DescribeEndpointsCommand)
      .resolves({ Endpoints: [{ EndpointArn: ENDPOINT_ARN, Status: 'active' }] });
    dms.on(ListTagsForResourceCommand, { ResourceArn: ENDPOINT_ARN }).resolves({ TagList: OUR_TAGS });

    // Act
    const ensured = await ensureEndpoint({
      EndpointIdentifier: 'ls-mig-1-orders-src',
      EndpointType: 'source',
      EngineName: 'postgres',
      Tags: OUR_TAGS,
    });

    // Assess
    expect(ensured).toEqual({ resource: { EndpointArn: ENDPOINT_ARN, Status: 'active' }, created: false });
    expect(dms).toHaveReceivedCommandWith(DescribeEndpointsCommand, {
      Filters: [{ Name: 'endpoint-id', Values: ['ls-mig-1-orders-src'] }],
    });
  });
});

describe('ensureReplicationTask', () => {
  it('creates the task', async () => {
    // Prepare
    dms
      .on(CreateReplicationTaskCommand)
      .resolves({ ReplicationTask: { ReplicationTaskArn: TASK_ARN, Status: 'creating' } });

    // Act
    const ensured = await ensureReplicationTask(taskInput);

    // Assess
    expect(ensured.created).toBe(true);
    expect(ensured.resource.ReplicationTaskArn).toBe(TASK_ARN);
  });

  it('adopts an existing task with matching tags', async () => {
    // Prepare
    dms.on(CreateReplicationTaskCommand).rejects(fault(ResourceAlreadyExistsFault));
    dms
      .on(DescribeReplicationTasksCommand)
      .resolves({ ReplicationTasks: [{ ReplicationTaskArn: TASK_ARN, Status: 'ready' }] });
    dms.on(ListTagsForResourceCommand).resolves({ TagList: OUR_TAGS });

    // Act
    const ensured = await ensureReplicationTask(taskInput);

    // Assess
    expect(ensured).toEqual({ resource: { ReplicationTaskArn: TASK_ARN, Status: 'ready' }, created: false });
    expect(dms).toHaveReceivedCommandWith(DescribeReplicationTasksCommand, {
      Filters: [{ Name: 'replication-task-id', Values: ['ls-mig-1-orders-task'] }],
      WithoutSettings: true,
    });
  });
});

describe('dms-call', () => {
  it('sends the command its operation names, with the input as given, and returns its output', async () => {
    // Prepare
    dms
      .on(ModifyReplicationInstanceCommand)
      .resolves({ ReplicationInstance: { ReplicationInstanceArn: INSTANCE_ARN } });
    const input = { ReplicationInstanceArn: INSTANCE_ARN, ReplicationInstanceClass: 'dms.t3.large' };

    // Act
    const output = await callDms('ModifyReplicationInstance', input);

    // Assess
    expect(output.ReplicationInstance?.ReplicationInstanceArn).toBe(INSTANCE_ARN);
    expect(dms).toHaveReceivedCommandWith(ModifyReplicationInstanceCommand, input);
  });

  it('makes one attempt with sendDms, leaving a throttled call to its caller', async () => {
    // Prepare
    const throttle = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: {},
    });
    dms.on(DescribeEndpointsCommand).rejects(throttle);

    // Act
    const attempt = sendDms('DescribeEndpoints', {});

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(dms).toHaveReceivedCommandTimes(DescribeEndpointsCommand, 1);
  });
});
