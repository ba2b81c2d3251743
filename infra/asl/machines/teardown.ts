import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { DATABASE_STATE_MACHINES } from '#contracts/names';
import { failState, failureStates, RECORD_ANY_ERROR, RECORD_FAILURE } from '../builders/failures.ts';
import { pollLoop } from '../builders/poll-loop.ts';
import { SOURCE_UNREACHABLE_RETRY } from '../builders/retry.ts';
import { lambdaTask, stateMachineArnOf } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';
import { POLL_LIMITS, TEARDOWN_MAX_CONCURRENCY, TEARDOWN_MAX_SWEEPS } from '../limits.ts';
import { DATABASE_KEY, EXECUTION_ARN, recordPhasePayload } from './common.ts';

const TEARDOWN_FAILED = FAIL_STATE_ERRORS.teardownFailed;
const TEARDOWN_INCOMPLETE = 'TeardownIncomplete';
const TASK = { 'taskArn.$': '$.resources.taskArn' } as const;
const INSTANCE = { 'instanceArn.$': '$.resources.instanceArn' } as const;

/** What DMS holds under the database's deterministic identifiers now, into `$.resources`. */
const findResources = (next: string) =>
  lambdaTask({
    handler: 'find-database-resources',
    comment: 'Read from DMS by identifier, not from the registry: an in-flight step may have created more.',
    payload: DATABASE_KEY,
    resultSelector: {
      'instanceArn.$': '$.Payload.instanceArn',
      'sourceEndpointArn.$': '$.Payload.sourceEndpointArn',
      'targetEndpointArn.$': '$.Payload.targetEndpointArn',
      'taskArn.$': '$.Payload.taskArn',
      'anyLeft.$': '$.Payload.anyLeft',
    },
    resultPath: '$.resources',
    catch: RECORD_ANY_ERROR,
    next,
  });

export const teardown: StateMachineDefinition = {
  Comment:
    'Tear down databases of a migration: mark them, stop their executions, then stop and delete the task, the endpoints and the instance as DMS holds them (again while one is left), drop the replication slot, remove the alarms. The lake data is kept. Input: {migrationId, databaseIds}.',
  StartAt: 'CheckInput',
  States: {
    CheckInput: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.migrationId', IsPresent: true },
            { Variable: '$.databaseIds[0]', IsPresent: true },
          ],
          Next: 'TearDownDatabases',
        },
      ],
      Default: 'DescribeBadInput',
    },
    DescribeBadInput: {
      Type: 'Pass',
      Parameters: {
        Cause:
          'teardown input must be {"migrationId": "<id>", "databaseIds": ["<id>", ...]} with at least one database id',
      },
      Next: 'InvalidTeardownInput',
    },
    InvalidTeardownInput: failState(TEARDOWN_FAILED, '$.Cause'),
    TearDownDatabases: {
      Type: 'Map',
      ItemsPath: '$.databaseIds',
      MaxConcurrency: TEARDOWN_MAX_CONCURRENCY,
      ItemSelector: {
        'migrationId.$': '$.migrationId',
        'databaseId.$': '$$.Map.Item.Value',
        sweep: { count: 1 },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'RecordTearingDown',
        States: {
          RecordTearingDown: lambdaTask({
            handler: 'record-phase',
            comment:
              'Phase TEARING_DOWN first: from here every create, start and resize step refuses this database.',
            payload: recordPhasePayload('TEARING_DOWN'),
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'StopExecutions',
          }),
          StopExecutions: lambdaTask({
            handler: 'stop-database-executions',
            comment:
              "Take the resize lock whoever holds it, then stop the database's migrate-database and resize-instance executions.",
            payload: {
              ...DATABASE_KEY,
              ...EXECUTION_ARN,
              stateMachineArns: DATABASE_STATE_MACHINES.map(stateMachineArnOf),
            },
            // The database's network: its copy of drop-replication-slot reaches the source.
            resultSelector: { 'network.$': '$.Payload.network' },
            resultPath: '$.source',
            catch: RECORD_ANY_ERROR,
            next: 'FindResources',
          }),
          FindResources: findResources('StopTask'),
          StopTask: lambdaTask({
            handler: 'stop-task',
            comment: 'Stop the task (a stopped or missing task is fine).',
            payload: { ...DATABASE_KEY, ...TASK },
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'StartTaskStoppedWait',
          }),
          ...pollLoop({
            name: 'TaskStopped',
            comment: 'A running task cannot be deleted.',
            probe: 'task-stopped',
            limits: POLL_LIMITS.taskStatus,
            resource: TASK,
            next: 'DeleteTask',
            onError: RECORD_FAILURE,
          }),
          DeleteTask: lambdaTask({
            handler: 'delete-task',
            comment: 'Delete the task (not found = done).',
            payload: { ...DATABASE_KEY, ...TASK },
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'StartTaskDeletedWait',
          }),
          ...pollLoop({
            name: 'TaskDeleted',
            comment: 'Endpoints and the instance cannot be deleted while the task exists.',
            probe: 'task-deleted',
            limits: POLL_LIMITS.taskStatus,
            resource: TASK,
            next: 'DeleteEndpoints',
            onError: RECORD_FAILURE,
          }),
          DeleteEndpoints: lambdaTask({
            handler: 'delete-endpoints',
            comment: 'Delete both endpoints (not found = done).',
            payload: {
              ...DATABASE_KEY,
              'endpointArns.$': 'States.Array($.resources.sourceEndpointArn, $.resources.targetEndpointArn)',
            },
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'StartInstanceDeletableWait',
          }),
          ...pollLoop({
            name: 'InstanceDeletable',
            comment:
              'DMS deletes an instance only once it is no longer creating or modifying: a teardown during provisioning waits here.',
            probe: 'instance-deletable',
            limits: POLL_LIMITS.instanceDeletable,
            resource: INSTANCE,
            next: 'DeleteInstance',
            onError: RECORD_FAILURE,
          }),
          DeleteInstance: lambdaTask({
            handler: 'delete-instance',
            comment: 'Delete the replication instance (not found or already deleting = done).',
            payload: { ...DATABASE_KEY, ...INSTANCE },
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'StartInstanceDeletedWait',
          }),
          ...pollLoop({
            name: 'InstanceDeleted',
            comment: 'Deleting an instance takes minutes.',
            probe: 'instance-deleted',
            limits: POLL_LIMITS.instanceDeletion,
            resource: INSTANCE,
            next: 'FindResourcesLeft',
            onError: RECORD_FAILURE,
          }),
          FindResourcesLeft: findResources('AnyResourceLeft'),
          AnyResourceLeft: {
            Type: 'Choice',
            Comment:
              'A step in flight when its execution stopped may have created one more resource: delete it too.',
            Choices: [
              {
                And: [
                  { Variable: '$.resources.anyLeft', BooleanEquals: true },
                  { Variable: '$.sweep.count', NumericGreaterThanEquals: TEARDOWN_MAX_SWEEPS },
                ],
                Next: 'DescribeResourcesLeft',
              },
              { Variable: '$.resources.anyLeft', BooleanEquals: true, Next: 'SweepAgain' },
            ],
            Default: 'DeleteCertificate',
          },
          SweepAgain: {
            Type: 'Pass',
            Parameters: { 'count.$': 'States.MathAdd($.sweep.count, 1)' },
            ResultPath: '$.sweep',
            Next: 'StopTask',
          },
          DescribeResourcesLeft: {
            Type: 'Pass',
            Parameters: {
              Error: TEARDOWN_INCOMPLETE,
              'Cause.$':
                "States.Format('DMS resources still exist after {} deletions: {}', $.sweep.count, States.JsonToString($.resources))",
            },
            ResultPath: '$.error',
            Next: RECORD_FAILURE,
          },
          DeleteCertificate: lambdaTask({
            handler: 'delete-certificate',
            comment:
              'Delete the CA certificate imported for the source endpoint, unless another endpoint uses it.',
            payload: DATABASE_KEY,
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'DropReplicationSlot',
          }),
          DropReplicationSlot: lambdaTask({
            handler: 'drop-replication-slot',
            network: '$.source.network',
            comment:
              'Drops the slot recorded at the first start if it is still there: a stopped or failed task keeps its slot, and a forgotten slot fills the source disk with WAL.',
            payload: DATABASE_KEY,
            resultPath: null,
            retry: SOURCE_UNREACHABLE_RETRY,
            catch: RECORD_ANY_ERROR,
            next: 'DisarmAlarms',
          }),
          DisarmAlarms: lambdaTask({
            handler: 'disarm-alarms',
            comment: "Delete the database's resize alarms.",
            payload: DATABASE_KEY,
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'DeleteCatalog',
          }),
          DeleteCatalog: lambdaTask({
            handler: 'delete-catalog',
            comment: "Delete the database's Glue catalog (its tables and views); the lake's files stay.",
            payload: DATABASE_KEY,
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'RecordDeleted',
          }),
          RecordDeleted: lambdaTask({
            handler: 'record-phase',
            comment: 'Phase DELETED. The files in the lake are kept.',
            payload: recordPhasePayload('DELETED'),
            resultPath: null,
            catch: RECORD_ANY_ERROR,
            next: 'DatabaseDeleted',
          }),
          DatabaseDeleted: { Type: 'Pass', Result: 'DELETED', End: true },
          ...failureStates(
            { reportFailed: 'The failure is recorded; the other databases go on.' },
            { duringTeardown: true },
          ),
        },
      },
      ResultPath: '$.statuses',
      Next: 'Summarize',
    },
    Summarize: {
      Type: 'Pass',
      Comment: 'statuses[i] is the outcome of databaseIds[i].',
      Parameters: {
        'migrationId.$': '$.migrationId',
        'databaseIds.$': '$.databaseIds',
        'statuses.$': '$.statuses',
        'anyFailed.$': "States.ArrayContains($.statuses, 'FAILED')",
      },
      Next: 'AnyDatabaseFailed',
    },
    AnyDatabaseFailed: {
      Type: 'Choice',
      Choices: [{ Variable: '$.anyFailed', BooleanEquals: true, Next: 'DescribeTeardownFailure' }],
      Default: 'TornDown',
    },
    DescribeTeardownFailure: {
      Type: 'Pass',
      Parameters: { 'Cause.$': 'States.JsonToString($)' },
      Next: TEARDOWN_FAILED,
    },
    TornDown: { Type: 'Succeed' },
    [TEARDOWN_FAILED]: failState(TEARDOWN_FAILED, '$.Cause'),
  },
};
