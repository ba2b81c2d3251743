/** Zod fields that recur in handler inputs. Each message names the rule, so a bad input reads on its own. */
import * as z from 'zod';
import { PHASES } from '#contracts/phases';

/** `$$.State.EnteredTime` or an event's `time`: the only clock a handler decides by. */
export const now = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const migrationId = z.string().min(1, 'must be a non-empty migration id');
export const databaseId = z.string().min(1, 'must be a non-empty database id');

/** The registry key of one database; every handler that touches the registry takes it. */
export const databaseKey = { migrationId, databaseId } as const;

const arnOf = (service: string, resource: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}:.+$`),
      `must be a ${service} ${resource} ARN`,
    );

export const instanceArn = arnOf('dms', 'rep');
export const endpointArn = arnOf('dms', 'endpoint');
export const taskArn = arnOf('dms', 'task');

export const phase = z.enum(PHASES, { message: `must be one of ${PHASES.join(', ')}` });

/** What Step Functions puts in `ResultPath` of a Catch. */
export const caughtError = z.object({
  Error: z.string().min(1, 'must name the error'),
  Cause: z.string().optional(),
});

/** The source table a resync works on, as DMS names it. */
export const sourceTable = {
  schemaName: z.string().min(1, 'must be a non-empty schema name'),
  tableName: z.string().min(1, 'must be a non-empty table name'),
} as const;

/** The generation a resync loads: 1 for a table's first resync (its first load is generation 0). */
export const generation = z.number().int().min(1, 'must be an integer >= 1');

/** `$$.Execution.Id`: the execution that holds a lock, so that a teardown can stop it. */
export const executionArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:.+$/, 'must be a Step Functions execution ARN');
