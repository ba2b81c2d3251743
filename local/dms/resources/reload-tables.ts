/**
 * ReloadTables: reloads named tables of a running task (docs/dms-behaviour.md §2.4). Only a `running` task accepts
 * it (InvalidResourceStateFault otherwise, as the API reference says). Each named table the task knows is reported
 * `Table is being reloaded` at once and handed to the workload, which loads it again while CDC goes on. A name the
 * task does not know is accepted and ignored: DMS does not document rejecting it, so the emulator takes the case
 * worse for the caller, who must check the table exists first.
 */
import type { ReloadTablesMessage, ReloadTablesResponse } from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { invalidResourceState } from '../protocol/errors.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import { getTask } from '../state/lookup.ts';

export const reloadTables = (
  ctx: DmsContext,
  input: Input<ReloadTablesMessage, 'ReplicationTaskArn' | 'TablesToReload'>,
): Wire<ReloadTablesResponse> => {
  const task = getTask(ctx.state, input.ReplicationTaskArn);
  if (task.status !== 'running')
    throw invalidResourceState(
      `Replication task ${task.identifier} is not running (current state: ${task.status}); tables can be reloaded only while it runs`,
    );
  const validateOnly = input.ReloadOption === 'validate-only';
  const named = (input.TablesToReload ?? []).filter((wanted) =>
    task.tables.some(
      (table) => table.SchemaName === wanted.SchemaName && table.TableName === wanted.TableName,
    ),
  );
  if (!validateOnly && named.length > 0) {
    const now = Math.floor(ctx.clock.now() / 1000);
    for (const table of task.tables) {
      if (
        named.some((wanted) => wanted.SchemaName === table.SchemaName && wanted.TableName === table.TableName)
      ) {
        table.TableState = 'Table is being reloaded';
        table.LastUpdateTime = now;
      }
    }
    task.pendingReloads = [
      ...(task.pendingReloads ?? []),
      ...named.map((table) => ({ SchemaName: table.SchemaName ?? '', TableName: table.TableName ?? '' })),
    ];
    ctx.changed();
  }
  return { ReplicationTaskArn: task.arn };
};
