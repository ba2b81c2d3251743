import { FLEET_DATABASE_STATUSES, type FleetDatabaseStatus } from '#contracts/attempts';
import { FAIL_STATE_ERRORS, FAILURE_DETAIL_LIMITS } from '#contracts/errors';
import { failState } from '../builders/failures.ts';
import { catchAll, catchErrors, lambdaTask, nestedExecution } from '../builders/tasks.ts';
import type { MapState, PassState, StateMachineDefinition } from '../builders/types.ts';
import { FLEET_FAILURE_DATABASES_NAMED } from '../limits.ts';

const FLEET_FAILED = FAIL_STATE_ERRORS.fleetFailed;
const STATUS = FLEET_DATABASE_STATUSES;

/** A Map iteration's result: the database and its status. */
const outcome = (status: FleetDatabaseStatus): PassState => ({
  Type: 'Pass',
  Parameters: { 'databaseId.$': '$.run.databaseId', status },
  End: true,
});

/**
 * The Map that starts each database's attempt, with the request read from `requestPath`. State names are unique
 * across a state machine, so the states of a second copy carry `prefix`.
 */
const migrateDatabases = (requestPath: string, prefix = ''): MapState => ({
  Type: 'Map',
  Comment:
    "One migrate-database execution per database this trigger starts, named by the database's attempt; a database that is running or done is only reported.",
  ItemsPath: '$.databases',
  MaxConcurrencyPath: '$.maxConcurrency',
  ItemSelector: {
    'run.$': '$$.Map.Item.Value',
    'request.$': requestPath,
    // Part of the input, so another trigger's start of the same attempt is ExecutionAlreadyExists even while it runs.
    'trigger.$': '$$.Execution.Id',
  },
  ItemProcessor: {
    ProcessorConfig: { Mode: 'INLINE' },
    StartAt: `${prefix}StartsAttempt`,
    States: {
      [`${prefix}StartsAttempt`]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.run.action', StringEquals: 'start', Next: `${prefix}MigrateDatabase` }],
        Default: `${prefix}ReportDatabase`,
      },
      [`${prefix}ReportDatabase`]: {
        Type: 'Pass',
        Comment: 'Running or done on its current attempt, or tearing down: nothing is started.',
        Parameters: { 'databaseId.$': '$.run.databaseId', 'status.$': '$.run.status' },
        End: true,
      },
      [`${prefix}MigrateDatabase`]: nestedExecution({
        machine: 'migrate-database',
        namePath: '$.run.executionName',
        input: {
          'request.$': '$.request',
          'databaseId.$': '$.run.databaseId',
          'network.$': '$.run.network',
          'attempt.$': '$.run.attempt',
          'trigger.$': '$.trigger',
        },
        catch: [
          catchErrors(['StepFunctions.ExecutionAlreadyExistsException'], `${prefix}AlreadyRunning`, null),
          catchAll(`${prefix}DatabaseFailed`, null),
        ],
        resultPath: null,
        next: `${prefix}DatabaseStarted`,
      }),
      [`${prefix}DatabaseStarted`]: outcome(STATUS.started),
      [`${prefix}AlreadyRunning`]: {
        ...outcome(STATUS.alreadyRunning),
        Comment: 'Another trigger started this attempt: it is not run twice, and nothing is created.',
      },
      [`${prefix}DatabaseFailed`]: outcome(STATUS.failed),
    },
  },
  ResultSelector: { 'statuses.$': '$[*].status', 'outcomes.$': '$' },
  ResultPath: '$.fleet',
  Next: 'CheckOutcomes',
});

export const migrateFleet: StateMachineDefinition = {
  Comment:
    'A migration or retry request: validate it, decide per database which attempt runs, run migrate-database for each attempt started (bounded concurrency, execution names carry the attempt) and summarize.',
  StartAt: 'ValidateRequest',
  States: {
    ValidateRequest: lambdaTask({
      handler: 'validate-request',
      comment:
        'Parse the request (or rebuild it from the registry for a retry), plan every database and decide per database: start its next attempt or report it; nothing is created.',
      payload: { 'request.$': '$' },
      outputPath: '$.Payload',
      catch: [catchAll(FLEET_FAILED)],
      next: 'RequestRebuilt',
    }),
    RequestRebuilt: {
      Type: 'Choice',
      Comment:
        "A retry's request is rebuilt from the registry and carried in the state; a migration request is the execution's input and is read from there, so no state holds it beside every database's run (docs/failure-semantics.md).",
      Choices: [{ Variable: '$.request', IsPresent: true, Next: 'MigrateRetriedDatabases' }],
      Default: 'MigrateDatabases',
    },
    MigrateDatabases: migrateDatabases('$$.Execution.Input'),
    MigrateRetriedDatabases: migrateDatabases('$.request', 'Retried'),
    CheckOutcomes: {
      Type: 'Pass',
      Parameters: { 'anyFailed.$': `States.ArrayContains($.fleet.statuses, '${STATUS.failed}')` },
      ResultPath: '$.check',
      Next: 'AnyDatabaseFailed',
    },
    AnyDatabaseFailed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.check.anyFailed', BooleanEquals: true, Next: 'ListFailedDatabases' }],
      Default: 'Summarize',
    },
    Summarize: {
      Type: 'Pass',
      Comment:
        "statuses[i] is the outcome of databases[i]; warnings are validate-request's (plain text, unreachable sources, DMS quotas).",
      Parameters: {
        'migrationId.$': '$.migrationId',
        'warnings.$': '$.warnings',
        'databases.$': '$.databases',
        'statuses.$': '$.fleet.statuses',
        'anyFailed.$': '$.check.anyFailed',
      },
      Next: 'FleetMigrated',
    },
    ListFailedDatabases: {
      Type: 'Pass',
      Comment:
        'Reached only when one failed, so the filter matches at least one database (what an empty match gives is not documented).',
      Parameters: {
        'migrationId.$': '$.migrationId',
        'databases.$': 'States.ArrayLength($.fleet.statuses)',
        'failedDatabases.$': `$.fleet.outcomes[?(@.status == '${STATUS.failed}')].databaseId`,
        'warnings.$': '$.warnings',
      },
      Next: 'CountFailedDatabases',
    },
    CountFailedDatabases: {
      Type: 'Pass',
      Comment: `A failure's cause holds at most ${FAILURE_DETAIL_LIMITS.causeCharacters} characters (docs/failure-semantics.md): it names the first ${FLEET_FAILURE_DATABASES_NAMED} failed databases and counts them all.`,
      Parameters: {
        'migrationId.$': '$.migrationId',
        'databases.$': '$.databases',
        'failed.$': 'States.ArrayLength($.failedDatabases)',
        'failedDatabases.$': `States.ArrayGetItem(States.ArrayPartition($.failedDatabases, ${FLEET_FAILURE_DATABASES_NAMED}), 0)`,
        'warnings.$': '$.warnings',
        'statusCommand.$': "States.Format('lakeshift status {}', $.migrationId)",
      },
      Next: 'DescribeFleetFailure',
    },
    DescribeFleetFailure: {
      Type: 'Pass',
      Parameters: { error: { Error: FLEET_FAILED, 'Cause.$': 'States.JsonToString($)' } },
      Next: FLEET_FAILED,
    },
    FleetMigrated: { Type: 'Succeed' },
    [FLEET_FAILED]: failState(FLEET_FAILED, '$.error.Cause'),
  },
};
