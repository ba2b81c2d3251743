/**
 * Small functions over the DMS API, each one call wrapped by the retry policy and the DMS API budget. Lookups by
 * identifier return `undefined` when DMS answers `ResourceNotFoundFault` (which is how DMS says "no match" to a
 * filtered Describe); deletes return `undefined` when the resource is already gone, so teardown can re-run.
 * Creates live in `dms-ensure.ts`: lakeshift only ever creates idempotently.
 */
import type {
  AccountQuota,
  Connection,
  Endpoint,
  Event,
  Filter,
  ModifyEndpointCommandInput,
  ModifyReplicationTaskCommandInput,
  ReplicationInstance,
  ReplicationTask,
  StartReplicationTaskTypeValue,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { dms } from './dms-call.ts';
import { collectPages, required, undefinedWhenNotFound } from './responses.ts';

const byFilter = (name: string, value: string): Filter[] => [{ Name: name, Values: [value] }];

// The account

/** The account's DMS quotas, each with what is used of it (DescribeAccountAttributes). */
export const describeAccountQuotas = async (): Promise<AccountQuota[]> =>
  (await dms('DescribeAccountAttributes', {})).AccountQuotas ?? [];

// Replication instances

const firstReplicationInstance = (filters: Filter[]): Promise<ReplicationInstance | undefined> =>
  undefinedWhenNotFound(
    dms('DescribeReplicationInstances', { Filters: filters }).then(
      (output) => output.ReplicationInstances?.[0],
    ),
  );

export const findReplicationInstance = (identifier: string): Promise<ReplicationInstance | undefined> =>
  firstReplicationInstance(byFilter('replication-instance-id', identifier.toLowerCase()));

/** The instance's events between two instants (DescribeEvents), every page. */
export const describeInstanceEvents = (
  instanceIdentifier: string,
  window: { readonly startTime: Date; readonly endTime: Date },
): Promise<Event[]> =>
  collectPages(async (marker: string | undefined) => {
    const output = await dms('DescribeEvents', {
      SourceIdentifier: instanceIdentifier.toLowerCase(),
      SourceType: 'replication-instance',
      StartTime: window.startTime,
      EndTime: window.endTime,
      Marker: marker,
    });
    return { items: output.Events, next: output.Marker };
  });

export const findReplicationInstanceByArn = (arn: string): Promise<ReplicationInstance | undefined> =>
  firstReplicationInstance(byFilter('replication-instance-arn', arn));

/**
 * Changes the class now (`ApplyImmediately`: otherwise DMS queues it for the maintenance window,
 * docs/dms-behaviour.md §1.2).
 */
export const modifyReplicationInstanceClass = async (
  arn: string,
  instanceClass: string,
): Promise<ReplicationInstance> => {
  const output = await dms('ModifyReplicationInstance', {
    ReplicationInstanceArn: arn,
    ReplicationInstanceClass: instanceClass,
    ApplyImmediately: true,
  });
  return required(output.ReplicationInstance, 'ModifyReplicationInstance', 'ReplicationInstance');
};

export const deleteReplicationInstance = (arn: string): Promise<ReplicationInstance | undefined> =>
  undefinedWhenNotFound(
    dms('DeleteReplicationInstance', { ReplicationInstanceArn: arn }).then(
      (output) => output.ReplicationInstance,
    ),
  );

// Endpoints

export const findEndpoint = (identifier: string): Promise<Endpoint | undefined> =>
  undefinedWhenNotFound(
    dms('DescribeEndpoints', {
      Filters: byFilter('endpoint-id', identifier.toLowerCase()),
    }).then((output) => output.Endpoints?.[0]),
  );

export const modifyEndpoint = async (input: ModifyEndpointCommandInput): Promise<Endpoint> => {
  const output = await dms('ModifyEndpoint', input);
  return required(output.Endpoint, 'ModifyEndpoint', 'Endpoint');
};

export const deleteEndpoint = (arn: string): Promise<Endpoint | undefined> =>
  undefinedWhenNotFound(dms('DeleteEndpoint', { EndpointArn: arn }).then((output) => output.Endpoint));

/** Starts a connection test; its outcome shows later in `describeConnections` (`testing` → `successful`/`failed`). */
export const testConnection = async (
  replicationInstanceArn: string,
  endpointArn: string,
): Promise<Connection> => {
  const output = await dms('TestConnection', {
    ReplicationInstanceArn: replicationInstanceArn,
    EndpointArn: endpointArn,
  });
  return required(output.Connection, 'TestConnection', 'Connection');
};

/** Every connection test of an instance (empty when none ran yet). */
export const describeConnections = async (replicationInstanceArn: string): Promise<Connection[]> => {
  const output = await undefinedWhenNotFound(
    dms('DescribeConnections', {
      Filters: byFilter('replication-instance-arn', replicationInstanceArn),
    }),
  );
  return output?.Connections ?? [];
};

// Replication tasks

const firstReplicationTask = (filters: Filter[]): Promise<ReplicationTask | undefined> =>
  undefinedWhenNotFound(
    // Without the settings documents: they are large and no caller needs them.
    dms('DescribeReplicationTasks', { Filters: filters, WithoutSettings: true }).then(
      (output) => output.ReplicationTasks?.[0],
    ),
  );

export const findReplicationTask = (identifier: string): Promise<ReplicationTask | undefined> =>
  firstReplicationTask(byFilter('replication-task-id', identifier.toLowerCase()));

export const findReplicationTaskByArn = (arn: string): Promise<ReplicationTask | undefined> =>
  firstReplicationTask(byFilter('replication-task-arn', arn));

export const modifyReplicationTask = async (
  input: ModifyReplicationTaskCommandInput,
): Promise<ReplicationTask> => {
  const output = await dms('ModifyReplicationTask', input);
  return required(output.ReplicationTask, 'ModifyReplicationTask', 'ReplicationTask');
};

/**
 * `start-replication` only for a task that never ran; `resume-processing` afterwards
 * (docs/dms-behaviour.md §2.4).
 */
export const startReplicationTask = async (
  arn: string,
  startType: StartReplicationTaskTypeValue,
): Promise<ReplicationTask> => {
  const output = await dms('StartReplicationTask', {
    ReplicationTaskArn: arn,
    StartReplicationTaskType: startType,
  });
  return required(output.ReplicationTask, 'StartReplicationTask', 'ReplicationTask');
};

export const stopReplicationTask = async (arn: string): Promise<ReplicationTask> => {
  const output = await dms('StopReplicationTask', { ReplicationTaskArn: arn });
  return required(output.ReplicationTask, 'StopReplicationTask', 'ReplicationTask');
};

export const deleteReplicationTask = (arn: string): Promise<ReplicationTask | undefined> =>
  undefinedWhenNotFound(
    dms('DeleteReplicationTask', { ReplicationTaskArn: arn }).then((output) => output.ReplicationTask),
  );

/** Loads named tables of a running task again (`data-reload`); CDC goes on meanwhile. */
export const reloadTables = async (
  taskArn: string,
  tables: readonly { readonly SchemaName: string; readonly TableName: string }[],
): Promise<void> => {
  await dms('ReloadTables', {
    ReplicationTaskArn: taskArn,
    TablesToReload: [...tables],
    ReloadOption: 'data-reload',
  });
};

/** Per-table progress of a task, every page. */
export const describeTableStatistics = (taskArn: string): Promise<TableStatistics[]> =>
  collectPages(async (marker: string | undefined) => {
    const output = await dms('DescribeTableStatistics', {
      ReplicationTaskArn: taskArn,
      MaxRecords: 500,
      Marker: marker,
    });
    return { items: output.TableStatistics, next: output.Marker };
  });

// Tags

/** A resource's tags as a plain key → value record. */
export const listTags = async (arn: string): Promise<Record<string, string>> => {
  const output = await dms('ListTagsForResource', { ResourceArn: arn });
  return Object.fromEntries(
    (output.TagList ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])),
  );
};
