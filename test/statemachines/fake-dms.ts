/**
 * A small in-memory DMS behind aws-sdk-client-mock, for running the state machines with their real handlers. It
 * keeps instances, endpoints, connection tests and tasks, answers with the API's shapes and faults, and lets time
 * pass the simple way: every describe moves a resource one step through its lifecycle (creating → available,
 * starting → running...). A test can hold a resource in its current status, make one call fail, or finish a task's
 * full load the way DMS does with StopTaskCachedChangesApplied. The local DMS emulator is the faithful one.
 */
import {
  type Connection,
  CreateEndpointCommand,
  type CreateEndpointCommandInput,
  CreateReplicationInstanceCommand,
  type CreateReplicationInstanceCommandInput,
  CreateReplicationTaskCommand,
  type CreateReplicationTaskCommandInput,
  DatabaseMigrationServiceClient,
  DeleteEndpointCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
  DescribeAccountAttributesCommand,
  DescribeConnectionsCommand,
  DescribeEndpointsCommand,
  DescribeEventsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  type Endpoint,
  type Filter,
  InvalidResourceStateFault,
  ListTagsForResourceCommand,
  ModifyReplicationInstanceCommand,
  type ReplicationInstance,
  type ReplicationTask,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
  type Tag,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { DMS_DETAIL_TYPES, DMS_EVENT_IDS, DMS_EVENT_SOURCE, DMS_TASK_EVENT_TYPES } from '#contracts/events';

const ACCOUNT = '123456789012';
const arn = (kind: string, id: string) =>
  `arn:aws:dms:us-east-1:${ACCOUNT}:${kind}:${id.replaceAll('-', '').toUpperCase()}`;
const notFound = (what: string) => new ResourceNotFoundFault({ message: `${what} not found`, $metadata: {} });
const busy = (what: string) => new InvalidResourceStateFault({ message: `${what} is busy`, $metadata: {} });

/** The next status of a resource when time passes (a describe happens). */
const INSTANCE_NEXT: Record<string, string | undefined> = {
  creating: 'available',
  modifying: 'available',
  deleting: 'gone',
};
const TASK_NEXT: Record<string, string | undefined> = {
  creating: 'ready',
  starting: 'running',
  stopping: 'stopped',
  deleting: 'gone',
};

interface Stored<T> {
  value: T;
  tags: Tag[];
}

const valuesOf = (filters: Filter[] | undefined, name: string): string[] | undefined =>
  filters?.find((filter) => filter.Name === name)?.Values;

export class FakeDms {
  readonly mock = mockClient(DatabaseMigrationServiceClient);
  readonly instances = new Map<string, Stored<ReplicationInstance>>();
  readonly endpoints = new Map<string, Stored<Endpoint>>();
  readonly tasks = new Map<string, Stored<ReplicationTask>>();
  readonly connections: Connection[] = [];
  /** Kinds of resource whose status never moves (a resource stuck in `creating`...). */
  readonly heldKinds = new Set<'instance' | 'task'>();
  /** Which endpoints fail their connection test (none by default). */
  failsConnectionTest: (endpoint: Endpoint) => boolean = () => false;
  private clock = Date.UTC(2026, 2, 1, 10);

  constructor() {
    this.install();
  }

  /** Forgets every resource and every recorded call (one fake per test file; aws-sdk-client-mock stubs a class once). */
  reset(): void {
    this.instances.clear();
    this.endpoints.clear();
    this.tasks.clear();
    this.connections.length = 0;
    this.heldKinds.clear();
    this.failsConnectionTest = () => false;
    this.faults.clear();
    this.mock.reset();
    this.install();
  }

  /** Number of calls DMS received (the API budget the design counts). */
  calls(): number {
    return this.mock.calls().length;
  }

  /** The task stops after the full load and the cached changes (StopTaskCachedChangesApplied); returns DMS's event. */
  finishFullLoad(taskArn: string, at: string) {
    const task = this.require(this.tasks, taskArn, 'task');
    task.value = {
      ...task.value,
      Status: 'stopped',
      StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
      ReplicationTaskStats: {
        ...task.value.ReplicationTaskStats,
        FullLoadProgressPercent: 100,
        FullLoadFinishDate: new Date(Date.parse(at) - 60_000),
        StopDate: new Date(at),
      },
    };
    return {
      version: '0',
      id: `event-${taskArn}`,
      'detail-type': DMS_DETAIL_TYPES.taskStateChange,
      source: DMS_EVENT_SOURCE,
      account: ACCOUNT,
      time: at,
      region: 'us-east-1',
      resources: [taskArn],
      detail: {
        type: 'REPLICATION_TASK',
        category: 'StateChange',
        eventType: DMS_TASK_EVENT_TYPES.stopped,
        eventId: DMS_EVENT_IDS.taskStopped,
        detailMessage: 'Replication task stopped. Stop Reason STOPPED_AFTER_CACHED_EVENTS',
      },
    };
  }

  /** Puts a database's resources in place as a finished migration leaves them (task running CDC). */
  provisioned(
    identifiers: { instance: string; sourceEndpoint: string; targetEndpoint: string; task: string },
    instanceClass: string,
  ) {
    const instanceArn = arn('rep', identifiers.instance);
    this.instances.set(instanceArn, {
      value: {
        ReplicationInstanceArn: instanceArn,
        ReplicationInstanceIdentifier: identifiers.instance,
        ReplicationInstanceClass: instanceClass,
        ReplicationInstanceStatus: 'available',
        PendingModifiedValues: {},
      },
      tags: [],
    });
    const endpointArns = [identifiers.sourceEndpoint, identifiers.targetEndpoint].map((id) => {
      const endpointArn = arn('endpoint', id);
      this.endpoints.set(endpointArn, {
        value: { EndpointArn: endpointArn, EndpointIdentifier: id },
        tags: [],
      });
      return endpointArn;
    });
    const taskArn = arn('task', identifiers.task);
    this.tasks.set(taskArn, {
      value: {
        ReplicationTaskArn: taskArn,
        ReplicationTaskIdentifier: identifiers.task,
        ReplicationInstanceArn: instanceArn,
        Status: 'running',
        ReplicationTaskStartDate: new Date(this.clock),
        ReplicationTaskStats: { StartDate: new Date(this.clock), FreshStartDate: new Date(this.clock) },
      },
      tags: [],
    });
    return {
      instanceArn,
      sourceEndpointArn: endpointArns[0] ?? '',
      targetEndpointArn: endpointArns[1] ?? '',
      taskArn,
    };
  }

  private require<T>(store: Map<string, Stored<T>>, key: string, what: string): Stored<T> {
    const found = store.get(key);
    if (!found) throw notFound(`${what} ${key}`);
    return found;
  }

  private tick(): Date {
    this.clock += 60_000;
    return new Date(this.clock);
  }

  /**
   * A filtered describe: time passes for each match (it may move on, or be gone), and no match at all is
   * ResourceNotFoundFault, as DMS answers a filter that matches nothing.
   */
  private describe<T>(
    store: Map<string, Stored<T>>,
    filters: Filter[] | undefined,
    by: {
      readonly what: string;
      readonly arnFilter: string;
      readonly idFilter: string;
      readonly arnOf: (value: T) => string | undefined;
      readonly idOf: (value: T) => string | undefined;
      readonly advance: (stored: Stored<T>) => void;
    },
  ): T[] {
    const arns = valuesOf(filters, by.arnFilter);
    const ids = valuesOf(filters, by.idFilter);
    const matches = [...store.values()].filter(
      ({ value }) =>
        (!arns || arns.includes(by.arnOf(value) ?? '')) && (!ids || ids.includes(by.idOf(value) ?? '')),
    );
    for (const stored of matches) by.advance(stored);
    const found = matches.filter(({ value }) => store.has(by.arnOf(value) ?? ''));
    if (found.length === 0) throw notFound(by.what);
    return found.map(({ value }) => value);
  }

  /** Time passes for one resource: it moves one step, unless its kind is held. */
  private advanceInstance(stored: Stored<ReplicationInstance>): void {
    const current = stored.value;
    const arnOf = current.ReplicationInstanceArn ?? '';
    const next = INSTANCE_NEXT[current.ReplicationInstanceStatus ?? ''];
    if (!next || this.heldKinds.has('instance')) return;
    if (next === 'gone') {
      this.instances.delete(arnOf);
      return;
    }
    const pending = current.PendingModifiedValues?.ReplicationInstanceClass;
    stored.value = {
      ...current,
      ReplicationInstanceStatus: next,
      ReplicationInstanceClass: pending ?? current.ReplicationInstanceClass,
      PendingModifiedValues: {},
    };
  }

  private advanceTask(stored: Stored<ReplicationTask>): void {
    const current = stored.value;
    const arnOf = current.ReplicationTaskArn ?? '';
    const next = TASK_NEXT[current.Status ?? ''];
    if (!next || this.heldKinds.has('task')) return;
    if (next === 'gone') {
      this.tasks.delete(arnOf);
      return;
    }
    stored.value = {
      ...current,
      Status: next,
      ...(next === 'stopped'
        ? {
            StopReason: 'Stop Reason NORMAL',
            ReplicationTaskStats: { ...current.ReplicationTaskStats, StopDate: this.tick() },
          }
        : {}),
    };
  }

  /** The next call of `command` fails with `error` (then DMS behaves again). */
  failOnce(command: { readonly name: string }, error: Error): void {
    this.faults.set(command.name, [...(this.faults.get(command.name) ?? []), error]);
  }

  private readonly faults = new Map<string, Error[]>();

  /** Registers a command's behaviour behind the fault queue. */
  private handle<Input>(command: { readonly name: string }, behaviour: (input: Input) => unknown): void {
    this.mock.on(command as Parameters<typeof this.mock.on>[0]).callsFake((input: Input) => {
      const [fault, ...rest] = this.faults.get(command.name) ?? [];
      if (fault) {
        this.faults.set(command.name, rest);
        throw fault;
      }
      return behaviour(input);
    });
  }

  private install(): void {
    this.handle(CreateReplicationInstanceCommand, (input: CreateReplicationInstanceCommandInput) => {
      const identifier = input.ReplicationInstanceIdentifier ?? '';
      const instanceArn = arn('rep', identifier);
      if (this.instances.has(instanceArn))
        throw new ResourceAlreadyExistsFault({ message: 'exists', $metadata: {} });
      const value: ReplicationInstance = {
        ReplicationInstanceArn: instanceArn,
        ReplicationInstanceIdentifier: identifier.toLowerCase(),
        ReplicationInstanceClass: input.ReplicationInstanceClass,
        ReplicationInstanceStatus: 'creating',
        PendingModifiedValues: {},
      };
      this.instances.set(instanceArn, { value, tags: input.Tags ?? [] });
      return { ReplicationInstance: value };
    });
    // The fake keeps no event history: a class change is timed by the resize's end (docs/design.md §3.3).
    this.handle(DescribeEventsCommand, () => ({ Events: [] }));
    // DMS's default quotas (docs/dms-behaviour.md §8.2), with what the fake holds as used.
    this.handle(DescribeAccountAttributesCommand, () => ({
      AccountQuotas: [
        { AccountQuotaName: 'ReplicationInstances', Used: this.instances.size, Max: 60 },
        { AccountQuotaName: 'Endpoints', Used: this.endpoints.size, Max: 1000 },
        { AccountQuotaName: 'ReplicationTasks', Used: this.tasks.size, Max: 600 },
      ],
    }));
    this.handle(DescribeReplicationInstancesCommand, (input: { Filters?: Filter[] }) => ({
      ReplicationInstances: this.describe(this.instances, input.Filters, {
        what: 'replication instance',
        arnFilter: 'replication-instance-arn',
        idFilter: 'replication-instance-id',
        arnOf: (value) => value.ReplicationInstanceArn,
        idOf: (value) => value.ReplicationInstanceIdentifier,
        advance: (stored) => this.advanceInstance(stored),
      }),
    }));
    this.handle(
      ModifyReplicationInstanceCommand,
      (input: { ReplicationInstanceArn: string; ReplicationInstanceClass?: string }) => {
        const stored = this.require(this.instances, input.ReplicationInstanceArn, 'replication instance');
        if (stored.value.ReplicationInstanceStatus !== 'available') throw busy('replication instance');
        stored.value = {
          ...stored.value,
          ReplicationInstanceStatus: 'modifying',
          PendingModifiedValues: { ReplicationInstanceClass: input.ReplicationInstanceClass },
        };
        return { ReplicationInstance: stored.value };
      },
    );
    this.handle(DeleteReplicationInstanceCommand, (input: { ReplicationInstanceArn: string }) => {
      const stored = this.require(this.instances, input.ReplicationInstanceArn, 'replication instance');
      stored.value = { ...stored.value, ReplicationInstanceStatus: 'deleting' };
      return { ReplicationInstance: stored.value };
    });
    this.handle(CreateEndpointCommand, (input: CreateEndpointCommandInput) => {
      const identifier = input.EndpointIdentifier ?? '';
      const endpointArn = arn('endpoint', identifier);
      if (this.endpoints.has(endpointArn))
        throw new ResourceAlreadyExistsFault({ message: 'exists', $metadata: {} });
      const value: Endpoint = {
        EndpointArn: endpointArn,
        EndpointIdentifier: identifier.toLowerCase(),
        EndpointType: input.EndpointType,
        EngineName: input.EngineName,
        Status: 'active',
      };
      this.endpoints.set(endpointArn, { value, tags: input.Tags ?? [] });
      return { Endpoint: value };
    });
    this.handle(DescribeEndpointsCommand, (input: { Filters?: Filter[] }) => {
      const ids = valuesOf(input.Filters, 'endpoint-id') ?? [];
      const found = [...this.endpoints.values()].filter(({ value }) =>
        ids.includes(value.EndpointIdentifier ?? ''),
      );
      if (found.length === 0) throw notFound('endpoint');
      return { Endpoints: found.map(({ value }) => value) };
    });
    this.handle(DeleteEndpointCommand, (input: { EndpointArn: string }) => {
      const stored = this.require(this.endpoints, input.EndpointArn, 'endpoint');
      this.endpoints.delete(input.EndpointArn);
      return { Endpoint: stored.value };
    });
    this.handle(TestConnectionCommand, (input: { ReplicationInstanceArn: string; EndpointArn: string }) => {
      const connection: Connection = {
        ReplicationInstanceArn: input.ReplicationInstanceArn,
        EndpointArn: input.EndpointArn,
        EndpointIdentifier: this.endpoints.get(input.EndpointArn)?.value.EndpointIdentifier,
        Status: 'testing',
      };
      // DMS keeps one connection per instance and endpoint: a new test replaces the last one's result.
      const previous = this.connections.findIndex(
        (candidate) =>
          candidate.ReplicationInstanceArn === input.ReplicationInstanceArn &&
          candidate.EndpointArn === input.EndpointArn,
      );
      if (previous >= 0) this.connections.splice(previous, 1);
      this.connections.push(connection);
      return { Connection: connection };
    });
    this.handle(DescribeConnectionsCommand, () => {
      for (const connection of this.connections) {
        if (connection.Status !== 'testing') continue;
        const endpoint = this.endpoints.get(connection.EndpointArn ?? '')?.value;
        const failing = endpoint !== undefined && this.failsConnectionTest(endpoint);
        connection.Status = failing ? 'failed' : 'successful';
        if (failing) connection.LastFailureMessage = 'FATAL: password authentication failed for user "dms"';
      }
      return { Connections: this.connections };
    });
    this.handle(CreateReplicationTaskCommand, (input: CreateReplicationTaskCommandInput) => {
      const identifier = input.ReplicationTaskIdentifier ?? '';
      const taskArn = arn('task', identifier);
      if (this.tasks.has(taskArn)) throw new ResourceAlreadyExistsFault({ message: 'exists', $metadata: {} });
      const value: ReplicationTask = {
        ReplicationTaskArn: taskArn,
        ReplicationTaskIdentifier: identifier.toLowerCase(),
        ReplicationInstanceArn: input.ReplicationInstanceArn,
        SourceEndpointArn: input.SourceEndpointArn,
        TargetEndpointArn: input.TargetEndpointArn,
        MigrationType: input.MigrationType,
        Status: 'creating',
      };
      this.tasks.set(taskArn, { value, tags: input.Tags ?? [] });
      return { ReplicationTask: value };
    });
    this.handle(DescribeReplicationTasksCommand, (input: { Filters?: Filter[] }) => ({
      ReplicationTasks: this.describe(this.tasks, input.Filters, {
        what: 'replication task',
        arnFilter: 'replication-task-arn',
        idFilter: 'replication-task-id',
        arnOf: (value) => value.ReplicationTaskArn,
        idOf: (value) => value.ReplicationTaskIdentifier,
        advance: (stored) => this.advanceTask(stored),
      }),
    }));
    this.handle(
      StartReplicationTaskCommand,
      (input: { ReplicationTaskArn: string; StartReplicationTaskType: string }) => {
        const stored = this.require(this.tasks, input.ReplicationTaskArn, 'replication task');
        const { Status, ReplicationTaskStartDate } = stored.value;
        if (!['ready', 'stopped', 'failed'].includes(Status ?? '')) throw busy('replication task');
        const fresh = input.StartReplicationTaskType === 'start-replication';
        if (fresh === (ReplicationTaskStartDate !== undefined)) {
          throw busy(
            `replication task (${input.StartReplicationTaskType} on a task that ${fresh ? 'ran' : 'never ran'})`,
          );
        }
        const at = this.tick();
        stored.value = {
          ...stored.value,
          Status: 'starting',
          StopReason: undefined,
          ReplicationTaskStartDate: ReplicationTaskStartDate ?? at,
          ReplicationTaskStats: {
            ...stored.value.ReplicationTaskStats,
            StartDate: at,
            ...(fresh ? { FreshStartDate: at } : {}),
          },
        };
        return { ReplicationTask: stored.value };
      },
    );
    this.handle(StopReplicationTaskCommand, (input: { ReplicationTaskArn: string }) => {
      const stored = this.require(this.tasks, input.ReplicationTaskArn, 'replication task');
      if (stored.value.Status !== 'running') throw busy('replication task');
      stored.value = { ...stored.value, Status: 'stopping' };
      return { ReplicationTask: stored.value };
    });
    this.handle(DeleteReplicationTaskCommand, (input: { ReplicationTaskArn: string }) => {
      const stored = this.require(this.tasks, input.ReplicationTaskArn, 'replication task');
      if (['running', 'starting'].includes(stored.value.Status ?? '')) throw busy('replication task');
      stored.value = { ...stored.value, Status: 'deleting' };
      return { ReplicationTask: stored.value };
    });
    this.handle(ListTagsForResourceCommand, (input: { ResourceArn: string }) => {
      const stored =
        this.instances.get(input.ResourceArn) ??
        this.endpoints.get(input.ResourceArn) ??
        this.tasks.get(input.ResourceArn);
      if (!stored) throw notFound(input.ResourceArn);
      return { TagList: stored.tags };
    });
  }
}
