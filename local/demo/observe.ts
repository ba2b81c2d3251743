/**
 * What the demo sees of a migration, read as a user would through the AWS APIs of the local endpoint: the registry
 * (DynamoDB) for phases, classes and decisions; DMS for full-load progress and rows; CloudWatch for CDC latency and,
 * at the end, the metric series the report draws.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/clients';
import { createRegistry, type Registry } from '#adapters/registry';
import { absentWhenGone, sumRows } from '#cli/fleet';
import { instanceDimensions, taskDimensions } from '#domain/alarms/alarm-specs';
import { DMS_METRIC_NAMESPACE } from '#domain/alarms/signals';
import type { RegistryItem } from '#domain/registry-item';
import type { MetricSeries, TimePoint } from '../report/model.ts';
import type { DatabaseObservation } from './recorder.ts';

export interface AwsConnection {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Metrics are read at one-minute resolution, the period DMS publishes at. */
const PERIOD_SECONDS = 60;

const taskResourceId = (item: RegistryItem): string | undefined =>
  item.taskResourceId ?? item.taskArn?.split(':').pop();

export interface MigrationObserver {
  /** One observation per registered database of the migration; `now` is emulated time. */
  observe(now: number): Promise<DatabaseObservation[]>;
  /** Why the fleet execution ended badly (its error and cause), or undefined while it runs or succeeded. */
  fleetFailure(): Promise<string | undefined>;
  /** CPU, freeable memory and CDC latency of a database's instance and task between two instants. */
  metricSeries(databaseId: string, from: number, to: number): Promise<MetricSeries>;
  close(): void;
}

export const createMigrationObserver = (options: {
  readonly aws: AwsConnection;
  readonly registryTableName: string;
  readonly migrationId: string;
  /** The migrate-fleet state machine the request starts. */
  readonly fleetStateMachineArn: string;
}): MigrationObserver => {
  const config = {
    endpoint: options.aws.endpoint,
    region: options.aws.region,
    credentials: options.aws.credentials,
  };
  const dynamo = new DynamoDBClient(config);
  const registry: Registry = createRegistry({
    tableName: options.registryTableName,
    client: DynamoDBDocumentClient.from(dynamo, DOCUMENT_CLIENT_OPTIONS),
  });
  const dms = new DatabaseMigrationServiceClient(config);
  const cloudWatch = new CloudWatchClient(config);
  const stepFunctions = new SFNClient(config);
  const items = new Map<string, RegistryItem>();

  const taskStats = async (taskArns: readonly string[]) => {
    if (taskArns.length === 0) return new Map<string, number>();
    try {
      const output = await dms.send(
        new DescribeReplicationTasksCommand({
          Filters: [{ Name: 'replication-task-arn', Values: [...taskArns] }],
          WithoutSettings: true,
        }),
      );
      return new Map(
        (output.ReplicationTasks ?? []).map((task) => [
          task.ReplicationTaskArn ?? '',
          task.ReplicationTaskStats?.FullLoadProgressPercent ?? 0,
        ]),
      );
    } catch (error) {
      // A task not created yet, or deleted meanwhile.
      if (error instanceof ResourceNotFoundFault) return new Map<string, number>();
      throw error;
    }
  };

  const rowsOf = async (taskArn: string): Promise<number | undefined> => {
    const output = await absentWhenGone(() =>
      dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn })),
    );
    return output ? sumRows(output.TableStatistics ?? []) : undefined;
  };

  const latestLatency = async (item: RegistryItem, now: number): Promise<number | undefined> => {
    const task = taskResourceId(item);
    if (task === undefined) return undefined;
    const series = await fetchSeries(
      [latencyQuery(item.instanceIdentifier, task)],
      now - 10 * PERIOD_SECONDS * 1000,
      now,
    );
    return series.get('latency')?.at(-1)?.value;
  };

  const fetchSeries = async (queries: MetricDataQuery[], from: number, to: number) => {
    const series = new Map<string, TimePoint[]>();
    let nextToken: string | undefined;
    do {
      const output = await cloudWatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(from),
          EndTime: new Date(to),
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      );
      for (const result of output.MetricDataResults ?? []) {
        const points = series.get(result.Id ?? '') ?? [];
        (result.Timestamps ?? []).forEach((timestamp, index) => {
          const value = result.Values?.[index];
          if (value !== undefined) points.push({ at: timestamp.getTime(), value });
        });
        series.set(result.Id ?? '', points);
      }
      nextToken = output.NextToken;
    } while (nextToken);
    for (const points of series.values()) points.sort((a, b) => a.at - b.at);
    return series;
  };

  return {
    observe: async (now) => {
      const listed = await registry.listByMigration(options.migrationId);
      for (const item of listed) items.set(item.databaseId, item);
      const arns = listed.flatMap((item) => (item.taskArn ? [item.taskArn] : []));
      const progress = await taskStats(arns);
      return Promise.all(
        listed.map(async (item): Promise<DatabaseObservation> => {
          const percent = item.taskArn ? progress.get(item.taskArn) : undefined;
          const rows = item.taskArn ? await rowsOf(item.taskArn) : undefined;
          const inCdc = item.phase === 'CDC' || item.phase === 'RESIZING';
          const latency = inCdc ? await latestLatency(item, now) : undefined;
          return {
            databaseId: item.databaseId,
            phase: item.phase,
            phaseChangedAt: Date.parse(item.phaseChangedAt),
            currentClass: item.currentClass,
            createdAt: Date.parse(item.createdAt),
            ...(item.lastResizeAt ? { lastResizeAt: Date.parse(item.lastResizeAt) } : {}),
            history: item.history,
            ...(item.failure
              ? {
                  failure: {
                    error: item.failure.error,
                    cause: item.failure.cause,
                    at: Date.parse(item.failure.at),
                  },
                }
              : {}),
            ...(percent === undefined ? {} : { fullLoadPercent: percent }),
            ...(rows === undefined ? {} : { rows }),
            ...(latency === undefined ? {} : { cdcLatencySeconds: latency }),
          };
        }),
      );
    },
    fleetFailure: async () => {
      for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED'] as const) {
        const listed = await stepFunctions.send(
          new ListExecutionsCommand({ stateMachineArn: options.fleetStateMachineArn, statusFilter: status }),
        );
        const execution = listed.executions?.[0];
        if (execution?.executionArn) {
          const described = await stepFunctions.send(
            new DescribeExecutionCommand({ executionArn: execution.executionArn }),
          );
          return `${execution.name ?? 'migrate-fleet'} ${status}: ${described.error ?? ''} ${described.cause ?? ''}`.trim();
        }
      }
      return undefined;
    },
    metricSeries: async (databaseId, from, to) => {
      const item = items.get(databaseId);
      if (!item) return { cpuPercent: [], freeableMemoryBytes: [], cdcLatencySeconds: [] };
      const task = taskResourceId(item);
      const instance = instanceDimensions(item.instanceIdentifier);
      const queries: MetricDataQuery[] = [
        metricQuery('cpu', 'CPUUtilization', instance, 'Average'),
        metricQuery('memory', 'FreeableMemory', instance, 'Average'),
        ...(task ? [latencyQuery(item.instanceIdentifier, task)] : []),
      ];
      const series = await fetchSeries(queries, from, to);
      return {
        cpuPercent: series.get('cpu') ?? [],
        freeableMemoryBytes: series.get('memory') ?? [],
        cdcLatencySeconds: series.get('latency') ?? [],
      };
    },
    close: () => {
      dynamo.destroy();
      dms.destroy();
      cloudWatch.destroy();
      stepFunctions.destroy();
    },
  };
};

const metricQuery = (
  id: string,
  metricName: string,
  dimensions: ReturnType<typeof instanceDimensions>,
  stat: string,
): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: DMS_METRIC_NAMESPACE, MetricName: metricName, Dimensions: dimensions },
    Period: PERIOD_SECONDS,
    Stat: stat,
  },
  ReturnData: true,
});

const latencyQuery = (instanceIdentifier: string, taskResourceId: string): MetricDataQuery =>
  metricQuery('latency', 'CDCLatencyTarget', taskDimensions(instanceIdentifier, taskResourceId), 'Average');
