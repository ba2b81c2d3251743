/** DescribeTableStatistics: the per-table counters the task's workload last reported. */
import type {
  DescribeTableStatisticsMessage,
  DescribeTableStatisticsResponse,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { describePage } from '../protocol/describe.ts';
import { invalidResourceState } from '../protocol/errors.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import { getTask } from '../state/lookup.ts';

/** DescribeTableStatistics pages hold 20–500 records (docs/dms-behaviour.md §8.2). */
const TABLE_PAGE_LIMITS = { min: 20, max: 500, fallback: 100 };

export const describeTableStatistics = (
  ctx: DmsContext,
  input: Input<DescribeTableStatisticsMessage, 'ReplicationTaskArn'>,
): Wire<DescribeTableStatisticsResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  if (task.status === 'creating' || task.status === 'deleting')
    throw invalidResourceState(
      `Replication task ${task.identifier} is ${task.status}; no table statistics yet`,
    );
  const { items, ...marker } = describePage(
    task.tables,
    input,
    {
      fields: {
        'schema-name': (table) => [table.SchemaName],
        'table-name': (table) => [table.TableName],
        'table-state': (table) => [table.TableState],
      },
      what: 'tables',
      emptyIsNotFound: false,
      limits: TABLE_PAGE_LIMITS,
    },
    (table) => ({ ...table }) as Wire<TableStatistics>,
  );
  return { ReplicationTaskArn: task.arn, TableStatistics: items, ...marker };
};
