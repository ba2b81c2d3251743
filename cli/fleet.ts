/**
 * One row per database of a migration, read as an operator would: the registry for phase, class, resizes and
 * failures; DMS for full-load progress and rows; CloudWatch for the latest CDC source latency and, when published,
 * the WAL the replication slot retains.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  InvalidResourceStateFault,
  ResourceNotFoundFault,
} from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/clients';
import { createRegistry, type Registry } from '#adapters/registry';
import { taskDimensions } from '#domain/alarms/alarm-specs';
import { DMS_METRIC_NAMESPACE } from '#domain/alarms/signals';
import type { RegistryItem } from '#domain/registry-item';
import type { PriceTable } from '#local/report/prices';
import type { StackConnection } from './connection.ts';
import { UnknownMigrationError } from './errors.ts';
import { type DatabaseStatus, type StatusRow, statusRow } from './status-model.ts';

/** DMS publishes at one-minute resolution; the latest value is looked for in the last ten minutes. */
const PERIOD_SECONDS = 60;
const LOOKBACK_MS = 10 * PERIOD_SECONDS * 1000;

export interface FleetReader {
  readonly registry: Registry;
  /** Every database of a migration, or of every migration when none is named. */
  items(migrationId?: string): Promise<RegistryItem[]>;
  /** The registry item and what DMS and CloudWatch say about it now. */
  status(item: RegistryItem, now: number): Promise<DatabaseStatus>;
  close(): void;
}

/** The rows `status` and `watch` show (and the demo's live view): one per database, as of `now`. */
export const fleetStatusRows = async (
  fleet: FleetReader,
  migrationId: string | undefined,
  now: number,
  prices: PriceTable,
): Promise<StatusRow[]> =>
  Promise.all(
    (await fleet.items(migrationId)).map(async (item) =>
      statusRow(await fleet.status(item, now), now, prices),
    ),
  );

/** Rows moved by a task: full-load rows plus the changes applied since. */
export const sumRows = (
  tables: readonly { FullLoadRows?: number; Inserts?: number; Updates?: number; Deletes?: number }[],
) =>
  tables.reduce(
    (sum, table) =>
      sum + (table.FullLoadRows ?? 0) + (table.Inserts ?? 0) + (table.Updates ?? 0) + (table.Deletes ?? 0),
    0,
  );

/** A task not created yet, or deleted meanwhile, has no statistics: not an error for a status view. */
export const absentWhenGone = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ResourceNotFoundFault || error instanceof InvalidResourceStateFault)
      return undefined;
    throw error;
  }
};

export const createFleetReader = (connection: StackConnection): FleetReader => {
  const dynamo = new DynamoDBClient(connection.config);
  const registry = createRegistry({
    tableName: connection.registryTableName,
    client: DynamoDBDocumentClient.from(dynamo, DOCUMENT_CLIENT_OPTIONS),
  });
  const dms = new DatabaseMigrationServiceClient(connection.config);
  const cloudWatch = new CloudWatchClient(connection.config);

  const latest = async (query: MetricDataQuery, now: number): Promise<number | undefined> => {
    const output = await cloudWatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [query],
        StartTime: new Date(now - LOOKBACK_MS),
        EndTime: new Date(now),
        ScanBy: 'TimestampDescending',
      }),
    );
    return output.MetricDataResults?.[0]?.Values?.[0];
  };

  const taskQuery = (item: RegistryItem, metricName: string): MetricDataQuery | undefined => {
    const task = item.taskResourceId ?? item.taskArn?.split(':').pop();
    if (task === undefined) return undefined;
    return {
      Id: 'm',
      MetricStat: {
        Metric: {
          Namespace: DMS_METRIC_NAMESPACE,
          MetricName: metricName,
          Dimensions: taskDimensions(item.instanceIdentifier, task),
        },
        Period: PERIOD_SECONDS,
        Stat: 'Average',
      },
      ReturnData: true,
    };
  };

  return {
    registry,
    items: async (migrationId) => {
      const items = migrationId ? await registry.listByMigration(migrationId) : await registry.listActive();
      if (migrationId && items.length === 0) {
        throw new UnknownMigrationError(
          `no migration ${migrationId} in registry ${connection.registryTableName}: \`lakeshift status\` lists the migrations in flight`,
        );
      }
      return items.sort(
        (a, b) => a.migrationId.localeCompare(b.migrationId) || a.databaseId.localeCompare(b.databaseId),
      );
    },
    status: async (item, now) => {
      const taskArn = item.taskArn;
      const task = taskArn
        ? await absentWhenGone(() =>
            dms.send(
              new DescribeReplicationTasksCommand({
                Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
                WithoutSettings: true,
              }),
            ),
          )
        : undefined;
      const statistics = taskArn
        ? await absentWhenGone(() =>
            dms.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn })),
          )
        : undefined;
      const inCdc = item.phase === 'CDC' || item.phase === 'RESIZING';
      const latencyQuery = inCdc ? taskQuery(item, 'CDCLatencySource') : undefined;
      const walQuery = inCdc ? taskQuery(item, 'SlotWalRetainedBytes') : undefined;
      const percent = task?.ReplicationTasks?.[0]?.ReplicationTaskStats?.FullLoadProgressPercent;
      return {
        item,
        ...(percent === undefined ? {} : { fullLoadPercent: percent }),
        ...(statistics ? { rows: sumRows(statistics.TableStatistics ?? []) } : {}),
        ...(latencyQuery ? { cdcLatencySeconds: await latest(latencyQuery, now) } : {}),
        ...(walQuery ? { slotWalRetainedBytes: await latest(walQuery, now) } : {}),
      };
    },
    close: () => {
      dynamo.destroy();
      dms.destroy();
      cloudWatch.destroy();
    },
  };
};
