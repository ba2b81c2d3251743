/**
 * Resyncs one table of a database in CDC on a `Table Resync Requested` event: DMS ReloadTables loads the table again
 * while CDC goes on (docs/dms-behaviour.md §2.4). DMS takes a table name its task does not know without doing
 * anything, so the table is checked against the task's table statistics first, and the request fails naming it.
 */
import * as z from 'zod';
import { describeTableStatistics, reloadTables } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { ResourceBusyError, ResourceNotFoundError } from '#contracts/errors';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const name = z.string().min(1, 'must be a non-empty name');

const ReloadTableInput = z.object({
  detail: z.object({ ...databaseKey, schemaName: name, tableName: name }),
  time: now,
});

/** A table loads again only under a running task; in CDC lakeshift keeps it running. */
const RESYNCABLE_PHASE = 'CDC';

export const reloadTable = async (event: unknown) => {
  const { detail } = parseInput(ReloadTableInput, event);
  const item = await registry.require(detail);
  const table = `${detail.schemaName}.${detail.tableName}`;
  if (item.phase !== RESYNCABLE_PHASE || !item.taskArn) {
    throw new ResourceBusyError(
      `${detail.migrationId}/${detail.databaseId} is ${item.phase}; ${table} can be resynced only in ${RESYNCABLE_PHASE}`,
    );
  }
  const known = await describeTableStatistics(item.taskArn);
  if (
    !known.some((stats) => stats.SchemaName === detail.schemaName && stats.TableName === detail.tableName)
  ) {
    throw new ResourceNotFoundError(
      `${detail.migrationId}/${detail.databaseId} does not migrate ${table}; it migrates ${known.map((stats) => `${stats.SchemaName}.${stats.TableName}`).join(', ')}`,
    );
  }
  await reloadTables(item.taskArn, [{ SchemaName: detail.schemaName, TableName: detail.tableName }]);
  return { migrationId: item.migrationId, databaseId: item.databaseId, taskArn: item.taskArn, table };
};

export const handler = lambdaHandler(reloadTable);
