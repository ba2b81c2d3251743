import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { VIEW_STATES } from '#contracts/lake';
import { failState, gaveUpWaiting } from '../builders/failures.ts';
import { GAVE_UP_WAITING, pollLoop } from '../builders/poll-loop.ts';
import { catchAll, ERROR_PATH, lambdaTask } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';
import { POLL_LIMITS } from '../limits.ts';
import { DATABASE_KEY, EXECUTION_ARN } from './common.ts';

const RESYNC_FAILED = FAIL_STATE_ERRORS.resyncFailed;
const RESYNC_BEGUN = 'ResyncBegun';
const END_FAILED = 'EndFailedResync';
const END_REFUSED = 'EndRefusedResync';
const ON_ANY_ERROR = [catchAll(RESYNC_BEGUN)];

/** The table a run works on, and the generation it loads (known once BeginResync has run). */
const TABLE = { 'schemaName.$': '$.schemaName', 'tableName.$': '$.tableName' } as const;
const GENERATION = { 'generation.$': '$.resync.generation' } as const;

const switchView = (to: (typeof VIEW_STATES)[keyof typeof VIEW_STATES], comment: string, next: string) =>
  lambdaTask({
    handler: 'switch-table-view',
    comment,
    payload: { ...DATABASE_KEY, ...TABLE, ...GENERATION, to },
    resultPath: null,
    catch: ON_ANY_ERROR,
    next,
  });

/** Releases the lock (if this run took it) and publishes Table Resync Failed, then ends in ResyncFailed. */
const endFailed = (generation: { readonly 'generation.$'?: string }) =>
  lambdaTask({
    handler: 'end-table-resync',
    comment:
      'Release the lock and publish Table Resync Failed. The view stays on the previous generation plus the changes; running the resync again repairs.',
    payload: {
      outcome: 'failed',
      ...DATABASE_KEY,
      ...TABLE,
      ...EXECUTION_ARN,
      ...generation,
      'error.$': ERROR_PATH,
    },
    resultPath: null,
    // Ending may itself fail; the run still ends in the failure it was reporting.
    catch: [catchAll(RESYNC_FAILED, '$.endError')],
    next: RESYNC_FAILED,
  });

export const resyncTable: StateMachineDefinition = {
  Comment:
    'Reload one table of a database in CDC with DMS ReloadTables while CDC goes on, without its view ever mixing the old load and the new (docs/lake.md, "Resync"): freeze the table\'s files as the previous generation, point the view at it plus the changes since, reload, delete the old load\'s leftovers, point the view back. Input: {migrationId, databaseId, schemaName, tableName}.',
  StartAt: 'BeginResync',
  States: {
    BeginResync: lambdaTask({
      handler: 'begin-table-resync',
      comment:
        "The database is in CDC and its task migrates the table; take the table's resync lock (a second resync of it is refused, and so is any once teardown began).",
      payload: { ...DATABASE_KEY, ...TABLE, ...EXECUTION_ARN },
      resultSelector: {
        'taskArn.$': '$.Payload.taskArn',
        'table.$': '$.Payload.table',
        'generation.$': '$.Payload.generation',
      },
      resultPath: '$.resync',
      catch: ON_ANY_ERROR,
      next: 'FreezeGeneration',
    }),
    FreezeGeneration: lambdaTask({
      handler: 'freeze-table-generation',
      comment:
        "Copy the table's files to the generations folder with their keys and ETags, unless an earlier attempt already did.",
      payload: { ...DATABASE_KEY, ...TABLE, ...GENERATION },
      resultPath: null,
      catch: ON_ANY_ERROR,
      next: 'ViewReadsPreviousGeneration',
    }),
    ViewReadsPreviousGeneration: switchView(
      VIEW_STATES.reloading,
      '<table>_previous over the copy, then the view over it plus the changes since: no LOAD file of the folder is read from here on.',
      'ReloadTable',
    ),
    ReloadTable: lambdaTask({
      handler: 'reload-table',
      comment: 'DMS ReloadTables: the table loads again while CDC goes on.',
      payload: { ...DATABASE_KEY, ...TABLE, 'taskArn.$': '$.resync.taskArn' },
      resultSelector: { 'requestedAt.$': '$.Payload.requestedAt' },
      resultPath: '$.reload',
      catch: ON_ANY_ERROR,
      next: 'StartTableReloadedWait',
    }),
    ...pollLoop({
      name: 'TableReloaded',
      comment: 'DMS reports the table loaded again (a table error fails the resync).',
      probe: 'table-reloaded',
      limits: POLL_LIMITS.tableReload,
      resource: { 'taskArn.$': '$.resync.taskArn', ...TABLE, 'requestedAt.$': '$.reload.requestedAt' },
      next: 'PrunePreviousGeneration',
      onError: RESYNC_BEGUN,
    }),
    PrunePreviousGeneration: lambdaTask({
      handler: 'prune-table-generation',
      comment:
        'Delete the files of the previous generation the reload left in the folder (same key, same ETag).',
      payload: { ...DATABASE_KEY, ...TABLE, ...GENERATION },
      resultPath: null,
      catch: ON_ANY_ERROR,
      next: 'ViewReadsNewGeneration',
    }),
    ViewReadsNewGeneration: switchView(
      VIEW_STATES.current,
      'The view over the change log alone again, in one UpdateTable; then <table>_previous goes (its copy stays).',
      'EndResynced',
    ),
    EndResynced: lambdaTask({
      handler: 'end-table-resync',
      comment: 'Record the generation, release the lock, publish Table Resynced.',
      payload: { outcome: 'resynced', ...DATABASE_KEY, ...TABLE, ...EXECUTION_ARN, ...GENERATION },
      resultPath: null,
      catch: ON_ANY_ERROR,
      next: 'Resynced',
    }),
    Resynced: { Type: 'Succeed' },
    [GAVE_UP_WAITING]: gaveUpWaiting(ERROR_PATH, RESYNC_BEGUN),
    [RESYNC_BEGUN]: {
      Type: 'Choice',
      Comment: 'A resync refused at its start knows no generation yet.',
      Choices: [{ Variable: '$.resync.generation', IsPresent: true, Next: END_FAILED }],
      Default: END_REFUSED,
    },
    [END_FAILED]: endFailed({ 'generation.$': '$.resync.generation' }),
    [END_REFUSED]: endFailed({}),
    [RESYNC_FAILED]: failState(RESYNC_FAILED, `${ERROR_PATH}.Cause`),
  },
};
