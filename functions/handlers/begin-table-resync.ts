/**
 * The first step of a table resync (docs/lake.md, "Resync"): the database must be in CDC with a task that migrates
 * the table (DMS takes a table name its task does not know without doing anything, so it is checked against the
 * task's table statistics), then the table's resync lock is taken. A second resync of the same table while one runs
 * is refused (TableResyncInProgress), and so is any resync once teardown began: teardown wins. So is a table whose
 * `<table>_previous` would take another migrated table's catalog name (`#domain/lake/generations`).
 */
import * as z from 'zod';
import { describeTableStatistics } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { InvalidInputError, ResourceBusyError, ResourceNotFoundError } from '#contracts/errors';
import { RESYNCABLE_PHASE } from '#contracts/phases';
import { previousNameOwner } from '#domain/lake/generations';
import { resyncLockHolder, resyncTableName, TABLE_RESYNC_LOCK_TTL_SECONDS } from '#domain/lake/resync-lock';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, executionArn, now, sourceTable } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const BeginTableResyncInput = z.object({ ...databaseKey, ...sourceTable, executionArn, now });

export const beginTableResync = async (event: unknown) => {
  const input = parseInput(BeginTableResyncInput, event);
  const key = { migrationId: input.migrationId, databaseId: input.databaseId };
  const item = await registry.require(key);
  const table = resyncTableName(input);
  refuseDuringTeardown(item, `resync of ${table}`);
  if (item.phase !== RESYNCABLE_PHASE || !item.taskArn) {
    throw new ResourceBusyError(
      `${input.migrationId}/${input.databaseId} is ${item.phase}; ${table} can be resynced only in ${RESYNCABLE_PHASE}`,
    );
  }
  const known = await describeTableStatistics(item.taskArn);
  if (!known.some((stats) => stats.SchemaName === input.schemaName && stats.TableName === input.tableName)) {
    throw new ResourceNotFoundError(
      `${input.migrationId}/${input.databaseId} does not migrate ${table}; it migrates ${known.map((stats) => `${stats.SchemaName}.${stats.TableName}`).join(', ')}`,
    );
  }
  const clash = previousNameOwner(
    { schema: input.schemaName, table: input.tableName },
    known.map((stats) => ({ schema: stats.SchemaName ?? '', table: stats.TableName ?? '' })),
  );
  if (clash !== undefined) {
    throw new InvalidInputError(
      `tableName: ${table} cannot be resynced, because the catalog name its previous generation takes while it reloads belongs to ${clash}, which ${input.migrationId}/${input.databaseId} also migrates`,
    );
  }
  const locked = await registry.acquireTableResyncLock(key, {
    table,
    holder: resyncLockHolder(input.executionArn),
    executionArn: input.executionArn,
    now: input.now,
    ttlSeconds: TABLE_RESYNC_LOCK_TTL_SECONDS,
  });
  return {
    taskArn: item.taskArn,
    table,
    // The generation the reload makes: one above the one the view reads (0 until the first resync).
    generation: (locked.tableGenerations?.[table] ?? 0) + 1,
  };
};

export const handler = lambdaHandler(beginTableResync);
