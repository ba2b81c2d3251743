import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { failState } from '../builders/failures.ts';
import { catchAll, catchErrors, lambdaTask, nestedExecution } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';

const FLEET_FAILED = FAIL_STATE_ERRORS.fleetFailed;

export const migrateFleet: StateMachineDefinition = {
  Comment:
    'A migration request: validate it, then run migrate-database for every database (bounded concurrency, deterministic execution names) and summarize.',
  StartAt: 'ValidateRequest',
  States: {
    ValidateRequest: lambdaTask({
      handler: 'validate-request',
      comment: 'Parse the request and plan every database; nothing is created.',
      payload: { 'request.$': '$' },
      outputPath: '$.Payload',
      catch: [catchAll(FLEET_FAILED)],
      next: 'MigrateDatabases',
    }),
    MigrateDatabases: {
      Type: 'Map',
      Comment:
        'One migrate-database execution per database. Its input is only {request, databaseId}, so a duplicate trigger gets the same name and input.',
      ItemsPath: '$.databases',
      MaxConcurrencyPath: '$.maxConcurrency',
      ItemSelector: {
        'executionName.$': '$$.Map.Item.Value.executionName',
        'databaseId.$': '$$.Map.Item.Value.databaseId',
        'request.$': '$$.Execution.Input',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'MigrateDatabase',
        States: {
          MigrateDatabase: nestedExecution({
            machine: 'migrate-database',
            namePath: '$.executionName',
            input: { 'request.$': '$.request', 'databaseId.$': '$.databaseId' },
            catch: [
              catchErrors(['StepFunctions.ExecutionAlreadyExistsException'], 'AlreadyStarted', null),
              catchAll('DatabaseFailed', null),
            ],
            next: 'DatabaseMigrated',
          }),
          DatabaseMigrated: { Type: 'Pass', Result: 'SUCCEEDED', End: true },
          AlreadyStarted: {
            Type: 'Pass',
            Comment:
              'An execution with this name already ran or is running: this database is not migrated twice.',
            Result: 'ALREADY_STARTED',
            End: true,
          },
          DatabaseFailed: { Type: 'Pass', Result: 'FAILED', End: true },
        },
      },
      ResultPath: '$.statuses',
      Next: 'Summarize',
    },
    Summarize: {
      Type: 'Pass',
      Comment: 'statuses[i] is the outcome of databases[i].',
      Parameters: {
        'migrationId.$': '$.migrationId',
        'databases.$': '$.databases',
        'statuses.$': '$.statuses',
        'anyFailed.$': "States.ArrayContains($.statuses, 'FAILED')",
      },
      Next: 'AnyDatabaseFailed',
    },
    AnyDatabaseFailed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.anyFailed', BooleanEquals: true, Next: 'DescribeFleetFailure' }],
      Default: 'FleetMigrated',
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
