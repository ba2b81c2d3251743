/**
 * Describes many replication tasks in few calls (a filter on their ARNs, paged), so that the reconciler's sweep
 * costs the DMS API budget per page rather than per database. A local helper: the DMS adapter describes one at a time.
 */
import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import { dms } from './dms-call.ts';
import { undefinedWhenNotFound } from './responses.ts';

/** ARNs per filter, and records per page (the DMS maximum). */
const ARNS_PER_CALL = 100;
const MAX_RECORDS = 100;

export const describeTasksByArns = async (arns: readonly string[]): Promise<ReplicationTask[]> => {
  const tasks: ReplicationTask[] = [];
  for (let start = 0; start < arns.length; start += ARNS_PER_CALL) {
    const Filters = [{ Name: 'replication-task-arn', Values: arns.slice(start, start + ARNS_PER_CALL) }];
    let marker: string | undefined;
    do {
      const output = await undefinedWhenNotFound(
        dms('DescribeReplicationTasks', {
          Filters,
          WithoutSettings: true,
          MaxRecords: MAX_RECORDS,
          Marker: marker,
        }),
      );
      tasks.push(...(output?.ReplicationTasks ?? []));
      marker = output?.Marker;
    } while (marker);
  }
  return tasks;
};
