/** Payload fields and steps more than one machine takes the same way. */
import { pollLoop } from '../builders/poll-loop.ts';
import { catchAll, lambdaTask } from '../builders/tasks.ts';
import type { JsonObject, States } from '../builders/types.ts';
import { POLL_LIMITS } from '../limits.ts';

/** The registry key of the database a run works on. */
export const DATABASE_KEY = { 'migrationId.$': '$.migrationId', 'databaseId.$': '$.databaseId' } as const;

/** Where a migrate-database execution keeps its database's network name once the database is planned. */
export const PLANNED_NETWORK = '$.plan.network';

/** The running execution's ARN: a step that takes the resize lock records it, so that a teardown can stop it. */
export const EXECUTION_ARN = { 'executionArn.$': '$$.Execution.Id' } as const;

/** Phase `phase` in the registry for the run's database. */
export const recordPhasePayload = (phase: string) => ({ ...DATABASE_KEY, phase }) as const;

/**
 * After resume-processing: wait until the task runs CDC again, then go to `next`; an error or a give-up goes to
 * `onFailure` (the recovery that resumes the task on the class the instance has).
 */
export const taskRunningAgain = (
  task: JsonObject,
  next: string,
  onFailure: { readonly onError: string; readonly errorPath?: string; readonly onGiveUp?: string },
): States =>
  pollLoop({
    name: 'TaskRunning',
    comment: 'CDC is running again.',
    probe: 'task-running',
    limits: POLL_LIMITS.taskStatus,
    resource: task,
    next,
    ...onFailure,
  });

/**
 * The catalog steps of one database (docs/lake.md): read its replicated tables from the source (inside the network),
 * then publish the Glue catalog from them (outside it); `network` is the JSONPath of the database's network name. Any
 * error goes to `onError` with the error at `$.catalogError`; success goes to `next`.
 */
export const catalogSteps = (next: string, onError: string, network: string): States => ({
  ReadSourceTables: lambdaTask({
    handler: 'read-source-tables',
    network,
    comment: 'The columns and keys of the tables the task replicates, read from the source.',
    payload: { ...DATABASE_KEY },
    resultPath: '$.sourceTables',
    resultSelector: { 'tables.$': '$.Payload.tables' },
    catch: [catchAll(onError, '$.catalogError')],
    next: 'PublishCatalog',
  }),
  PublishCatalog: lambdaTask({
    handler: 'publish-catalog',
    comment:
      'The Glue catalog of the database: per table a change log over its LOAD and CDC files and a current-state view.',
    payload: { ...DATABASE_KEY, 'tables.$': '$.sourceTables.tables' },
    resultPath: '$.catalog',
    resultSelector: { 'glueDatabase.$': '$.Payload.glueDatabase' },
    catch: [catchAll(onError, '$.catalogError')],
    next,
  }),
});
