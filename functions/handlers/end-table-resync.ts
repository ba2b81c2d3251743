/**
 * The last step of a table resync, whatever its outcome (docs/lake.md, "Resync"): releases the table's resync lock,
 * records the generation the view now reads when the resync succeeded, and publishes `Table Resynced` or
 * `Table Resync Failed`. A failed resync leaves the view on the previous generation plus the changes; running the
 * resync again repairs it.
 */
import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { resyncLockHolder, resyncTableName } from '#domain/lake/resync-lock';
import { tableResyncEnded } from '#domain/lakeshift-events';
import { requireEnv } from '#shared/env';
import { caughtError, databaseKey, executionArn, generation, now, sourceTable } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const EndInput = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('resynced'), ...databaseKey, ...sourceTable, executionArn, generation, now }),
  z.object({
    outcome: z.literal('failed'),
    ...databaseKey,
    ...sourceTable,
    executionArn,
    /** Absent when the resync failed before it knew its generation (refused at its start). */
    generation: generation.optional(),
    error: caughtError,
    now,
  }),
]);

export const endTableResync = async (event: unknown) => {
  const input = parseInput(EndInput, event);
  const key = { migrationId: input.migrationId, databaseId: input.databaseId };
  const table = resyncTableName(input);
  const released = await registry.releaseTableResyncLock(key, {
    table,
    holder: resyncLockHolder(input.executionArn),
    now: input.now,
    generation: input.outcome === 'resynced' ? input.generation : undefined,
  });
  const item = await registry.require(key);
  const ended =
    input.outcome === 'resynced'
      ? { outcome: input.outcome, table, generation: input.generation }
      : {
          outcome: input.outcome,
          table,
          generation: input.generation ?? (item.tableGenerations?.[table] ?? 0) + 1,
          error: input.error.Error,
          cause: input.error.Cause ?? '',
        };
  await publishEvents(env[ENV.eventBusName], [tableResyncEnded(item, ended, input.now)]);
  return { released, table, outcome: input.outcome };
};

export const handler = lambdaHandler(endTableResync);
