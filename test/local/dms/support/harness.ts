/**
 * Starts the DMS emulator on a loopback port with a ManualClock, and the real AWS SDK client pointed at it. Tests move
 * time with `advance`; nothing sleeps.
 */

import type { Server } from 'node:http';
import {
  CreateEndpointCommand,
  CreateReplicationInstanceCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  type Endpoint,
  type ReplicationInstance,
  type ReplicationTask,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { ManualClock } from '#local/clock';
import {
  createDmsEmulator,
  DEFAULT_DURATIONS,
  type DmsEmulator,
  type DmsEmulatorOptions,
  type DmsEventBridgeEvent,
  includeAllTables,
  type MetricBatch,
} from '#local/dms/index';
import { createAwsServer, listen } from '#local/http/server';
import type { AwsJsonService } from '#local/http/service';

export interface Harness {
  readonly clock: ManualClock;
  readonly emulator: DmsEmulator;
  readonly client: DatabaseMigrationServiceClient;
  readonly endpoint: string;
  readonly events: DmsEventBridgeEvent[];
  readonly metrics: MetricBatch[];
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const START = Date.UTC(2026, 0, 5, 12, 0, 0);

export interface HarnessOptions extends Partial<DmsEmulatorOptions> {
  /**
   * Emulated time that passes after each Describe call is answered, so that an SDK waiter's polls land that far
   * apart in emulated time (as their 15 s / 60 s delays do against DMS) while the test itself never waits.
   */
  readonly advancePerDescribeMs?: number;
}

export const startHarness = async (options: HarnessOptions = {}): Promise<Harness> => {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(START);
  const events: DmsEventBridgeEvent[] = [];
  const metrics: MetricBatch[] = [];
  const emulator = createDmsEmulator({
    eventSink: (event) => events.push(event),
    metricSink: (batch) => metrics.push(batch),
    ...options,
    clock,
  });
  const step = options.advancePerDescribeMs;
  const service: AwsJsonService =
    step === undefined
      ? emulator
      : {
          name: emulator.name,
          targetPrefix: emulator.targetPrefix,
          protocol: emulator.protocol,
          async handle(operation, input) {
            try {
              return await emulator.handle(operation, input);
            } finally {
              if (operation.startsWith('Describe')) await clock.advance(step);
            }
          },
        };
  const server: Server = createAwsServer({ services: [service] });
  const endpoint = await listen(server);
  const client = new DatabaseMigrationServiceClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    clock,
    emulator,
    client,
    endpoint,
    events,
    metrics,
    advance: (ms) => clock.advance(ms),
    async close() {
      client.destroy();
      emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export const createInstance = async (
  harness: Harness,
  identifier: string,
  instanceClass = 'dms.r5.xlarge',
): Promise<ReplicationInstance> => {
  const created = await harness.client.send(
    new CreateReplicationInstanceCommand({
      ReplicationInstanceIdentifier: identifier,
      ReplicationInstanceClass: instanceClass,
    }),
  );
  if (!created.ReplicationInstance) throw new Error('no instance in response');
  return created.ReplicationInstance;
};

/** Creates an instance and lets it become available. */
export const availableInstance = async (
  harness: Harness,
  identifier: string,
  instanceClass = 'dms.r5.xlarge',
): Promise<string> => {
  const instance = await createInstance(harness, identifier, instanceClass);
  await harness.advance(DEFAULT_DURATIONS.instanceCreate);
  return instance.ReplicationInstanceArn ?? '';
};

export const createSourceAndTarget = async (
  harness: Harness,
  prefix: string,
  databaseName = 'sales',
): Promise<{ source: Endpoint; target: Endpoint }> => {
  const source = await harness.client.send(
    new CreateEndpointCommand({
      EndpointIdentifier: `${prefix}-source`,
      EndpointType: 'source',
      EngineName: 'postgres',
      ServerName: 'db.synthetic',
      Port: 5432,
      DatabaseName: databaseName,
      Username: 'dms',
      Password: 'secret',
    }),
  );
  if (!source.Endpoint) throw new Error('no endpoint in response');
  return { source: source.Endpoint, target: await createS3Target(harness, prefix) };
};

/** An S3 target writing Parquet under `lake/<prefix>`. */
export const createS3Target = async (harness: Harness, prefix: string): Promise<Endpoint> => {
  const target = await harness.client.send(
    new CreateEndpointCommand({
      EndpointIdentifier: `${prefix}-target`,
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: {
        BucketName: 'lake',
        BucketFolder: prefix,
        DataFormat: 'parquet',
        ServiceAccessRoleArn: 'arn:aws:iam::000000000000:role/dms-s3',
      },
    }),
  );
  if (!target.Endpoint) throw new Error('no endpoint in response');
  return target.Endpoint;
};

export const ALL_TABLES = includeAllTables();

export interface TaskSetup {
  readonly instanceArn: string;
  readonly taskArn: string;
  readonly task: ReplicationTask;
}

/** An available instance, a synthetic source, an S3 target and a task in `ready`. */
export const readyTask = async (
  harness: Harness,
  prefix: string,
  options: {
    migrationType?: 'full-load' | 'cdc' | 'full-load-and-cdc';
    settings?: object;
    instanceClass?: string;
    databaseName?: string;
  } = {},
): Promise<TaskSetup> => {
  const instanceArn = await availableInstance(harness, `${prefix}-rep`, options.instanceClass);
  const { source, target } = await createSourceAndTarget(harness, prefix, options.databaseName);
  const created = await harness.client.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: `${prefix}-task`,
      SourceEndpointArn: source.EndpointArn,
      TargetEndpointArn: target.EndpointArn,
      ReplicationInstanceArn: instanceArn,
      MigrationType: options.migrationType ?? 'full-load-and-cdc',
      TableMappings: ALL_TABLES,
      ...(options.settings ? { ReplicationTaskSettings: JSON.stringify(options.settings) } : {}),
    }),
  );
  await harness.advance(DEFAULT_DURATIONS.taskCreate);
  const task = created.ReplicationTask;
  if (!task?.ReplicationTaskArn) throw new Error('no task in response');
  return { instanceArn, taskArn: task.ReplicationTaskArn, task };
};

/** StartReplicationTask with the given start type (the first run's by default). */
export const startTask = (
  harness: Harness,
  taskArn: string,
  type: 'start-replication' | 'resume-processing' | 'reload-target' = 'start-replication',
) =>
  harness.client.send(
    new StartReplicationTaskCommand({ ReplicationTaskArn: taskArn, StartReplicationTaskType: type }),
  );

/**
 * Marks a promise whose rejection is asserted later (after other awaits) as handled, so the runner does not report
 * it as an unhandled rejection in the meantime. The promise itself still rejects for `expect(...).rejects`.
 */
export const assertedLater = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};
