import { FAIL_STATE_ERRORS } from '#contracts/errors';
import {
  failState,
  failureStates,
  gaveUpWaiting,
  RECORD_ANY_ERROR,
  RECORD_FAILURE,
} from '../builders/failures.ts';
import { pollLoop } from '../builders/poll-loop.ts';
import { SLOT_LOOKUP_RETRY } from '../builders/retry.ts';
import { catchAll, catchErrors, lambdaTask, lambdaTokenWait } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';
import { FULL_LOAD_WAIT, POLL_LIMITS } from '../limits.ts';
import {
  CDC_RECOVERY_START,
  cdcRecoveryStates,
  RECOVER_CDC,
  RECOVER_CDC_WAIT,
  RESIZE_ERROR_PATH,
} from './cdc-recovery.ts';
import {
  catalogSteps,
  DATABASE_KEY,
  EXECUTION_ARN,
  PLANNED_NETWORK,
  recordPhasePayload,
  taskRunningAgain,
} from './common.ts';

/** DMS stopped the task after the full load: from here until CDC runs, a failure must still resume it. */
const RESUME_WITHOUT_DECISION = [catchAll('NoStepDownDecided', RESIZE_ERROR_PATH)];

/** The retry's stop before the step-down gave up waiting: resume the task without a decision. */
const STOP_FOR_STEP_DOWN_GAVE_UP = 'StopForStepDownGaveUp';

const INSTANCE = { 'instanceArn.$': '$.instance.instanceArn' } as const;
const TASK = { 'taskArn.$': '$.task.taskArn' } as const;
const ENDPOINT_ARNS = {
  'endpointArns.$': 'States.Array($.endpoints.sourceEndpointArn, $.endpoints.targetEndpointArn)',
} as const;

export const migrateDatabase: StateMachineDefinition = {
  Comment:
    'One database: plan, provision on the full-load class, full load until DMS stops the task after the cached changes, step the instance down, resume CDC, arm the resize alarms.',
  StartAt: 'InspectSource',
  States: {
    InspectSource: lambdaTask({
      handler: 'inspect-source',
      // Before the plan, the network validate-request planned for the database (migrate-fleet passes it).
      network: '$.network',
      comment: 'Pre-flight: read the captured columns of the source, before anything is created.',
      payload: { 'request.$': '$.request', 'databaseId.$': '$.databaseId' },
      // The whole payload: it may carry notInspected besides the columns.
      resultSelector: { 'inspection.$': '$.Payload' },
      resultPath: '$.inspected',
      catch: [catchAll('PlanningFailed')],
      next: 'PlanDatabase',
    }),
    PlanDatabase: lambdaTask({
      handler: 'plan-database',
      comment:
        'Plan the database from the request and the inspection (lossless remedies, plan warnings) and register it on its attempt (phase PROVISIONING).',
      payload: {
        'request.$': '$.request',
        'databaseId.$': '$.databaseId',
        'attempt.$': '$.attempt',
        'inspection.$': '$.inspected.inspection',
      },
      outputPath: '$.Payload',
      catch: [catchAll('PlanningFailed')],
      next: 'EnsureReplicationInstance',
    }),
    PlanningFailed: failState(
      FAIL_STATE_ERRORS.migrationFailed,
      '$.error.Cause',
      'Nothing was created: the source could not be inspected, or the request or the plan is invalid.',
    ),
    EnsureReplicationInstance: lambdaTask({
      handler: 'ensure-replication-instance',
      comment: 'Create the replication instance on the full-load class, or adopt ours.',
      payload: { ...DATABASE_KEY, 'plan.$': '$.plan' },
      resultSelector: { 'instanceArn.$': '$.Payload.instanceArn' },
      resultPath: '$.instance',
      catch: RECORD_ANY_ERROR,
      next: 'EnsureEndpoints',
    }),
    EnsureEndpoints: lambdaTask({
      handler: 'ensure-endpoints',
      comment: 'Create the PostgreSQL source and S3 Parquet target endpoints, or adopt ours.',
      payload: { ...DATABASE_KEY, 'plan.$': '$.plan' },
      resultSelector: {
        'sourceEndpointArn.$': '$.Payload.sourceEndpointArn',
        'targetEndpointArn.$': '$.Payload.targetEndpointArn',
      },
      resultPath: '$.endpoints',
      catch: RECORD_ANY_ERROR,
      next: 'StartInstanceAvailableWait',
    }),
    ...pollLoop({
      name: 'InstanceAvailable',
      comment: 'A new instance takes minutes: first check after 4 minutes.',
      probe: 'instance-available',
      limits: POLL_LIMITS.instanceCreation,
      resource: INSTANCE,
      next: 'TestConnections',
      onError: RECORD_FAILURE,
    }),
    TestConnections: lambdaTask({
      handler: 'test-connections',
      comment:
        'Start the connection tests of both endpoints from the instance (DMS API only, outside the networks).',
      payload: { ...DATABASE_KEY, ...INSTANCE, ...ENDPOINT_ARNS },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'InspectToastExposure',
    }),
    InspectToastExposure: lambdaTask({
      handler: 'inspect-toast-exposure',
      network: PLANNED_NETWORK,
      comment:
        "Warn about source columns the lake may lose, from inside the database's network. It only informs: its failure is kept in $.toastInspectionError and the migration goes on.",
      payload: { ...DATABASE_KEY },
      resultPath: null,
      catch: [catchAll('StartConnectionsTestedWait', '$.toastInspectionError')],
      next: 'StartConnectionsTestedWait',
    }),
    ...pollLoop({
      name: 'ConnectionsTested',
      comment: 'Both connection tests must report successful.',
      probe: 'connections-successful',
      limits: POLL_LIMITS.connectionTests,
      resource: { ...INSTANCE, ...ENDPOINT_ARNS },
      next: 'EnsureTask',
      onError: RECORD_FAILURE,
    }),
    EnsureTask: lambdaTask({
      handler: 'ensure-task',
      comment: 'Create the full-load-and-cdc task, or adopt ours.',
      payload: {
        ...DATABASE_KEY,
        'plan.$': '$.plan',
        ...INSTANCE,
        'sourceEndpointArn.$': '$.endpoints.sourceEndpointArn',
        'targetEndpointArn.$': '$.endpoints.targetEndpointArn',
      },
      resultSelector: { 'taskArn.$': '$.Payload.taskArn' },
      resultPath: '$.task',
      catch: RECORD_ANY_ERROR,
      next: 'StartTaskReadyWait',
    }),
    ...pollLoop({
      name: 'TaskReady',
      comment: 'The task must leave creating before it can start.',
      probe: 'task-ready',
      limits: POLL_LIMITS.taskStatus,
      resource: TASK,
      next: 'RecordSlotsBeforeStart',
      onError: RECORD_FAILURE,
    }),
    RecordSlotsBeforeStart: lambdaTask({
      handler: 'record-replication-slot',
      network: PLANNED_NETWORK,
      comment:
        "The source database's logical slots before the first start: the task's slot is the one that appears after it. Not fatal: without this look no slot is recorded (and none dropped).",
      payload: { ...DATABASE_KEY, stage: 'before-start' },
      resultSelector: { 'slotName.$': '$.Payload.slotName' },
      resultPath: '$.slot',
      // A source this handler cannot reach is reported, not fatal: without this look no slot is ever recorded.
      catch: [catchAll('StartTask', '$.slotLookupError')],
      next: 'StartTask',
    }),
    StartTask: lambdaTask({
      handler: 'start-task',
      comment:
        'start-replication on a task that never ran, resume-processing otherwise; a task a failed attempt took past its full load is not started (fullLoadDone).',
      payload: { ...DATABASE_KEY, ...TASK, stage: 'attempt' },
      resultSelector: { 'startType.$': '$.Payload.startType', 'fullLoadDone.$': '$.Payload.fullLoadDone' },
      resultPath: '$.start',
      catch: RECORD_ANY_ERROR,
      next: 'RecordReplicationSlot',
    }),
    RecordReplicationSlot: lambdaTask({
      handler: 'record-replication-slot',
      network: PLANNED_NETWORK,
      comment:
        'Records the slot the task created (the only slot teardown drops). A lookup that cannot tell is reported in $.slotLookupError, not fatal: the migration goes on and no slot is dropped.',
      payload: { ...DATABASE_KEY, stage: 'after-start' },
      resultSelector: { 'slotName.$': '$.Payload.slotName' },
      resultPath: '$.slot',
      retry: SLOT_LOOKUP_RETRY,
      catch: [catchAll('RecordFullLoad', '$.slotLookupError')],
      next: 'RecordFullLoad',
    }),
    RecordFullLoad: lambdaTask({
      handler: 'record-phase',
      comment: 'Phase FULL_LOAD.',
      payload: recordPhasePayload('FULL_LOAD'),
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'IsFullLoadDone',
    }),
    IsFullLoadDone: {
      Type: 'Choice',
      Comment:
        'A retry whose task a failed attempt took past its full load goes on at the step-down: there is no full load to wait for, and none to reload.',
      Choices: [{ Variable: '$.start.fullLoadDone', BooleanEquals: true, Next: 'StopTaskForStepDown' }],
      Default: 'AwaitFullLoad',
    },
    StopTaskForStepDown: lambdaTask({
      handler: 'stop-task',
      comment:
        'The adopted task may run CDC on the full-load class: stop it (nothing to do when it is stopped) so the step-down finds it as after a full load.',
      payload: { ...DATABASE_KEY, ...TASK },
      resultPath: null,
      catch: RESUME_WITHOUT_DECISION,
      next: 'StartStepDownTaskStoppedWait',
    }),
    ...pollLoop({
      name: 'StepDownTaskStopped',
      comment: 'The task must be stopped before the step-down decides and changes the class.',
      probe: 'task-stopped',
      limits: POLL_LIMITS.taskStatus,
      resource: TASK,
      next: 'RecordSteppingDown',
      onError: 'NoStepDownDecided',
      errorPath: RESIZE_ERROR_PATH,
      onGiveUp: STOP_FOR_STEP_DOWN_GAVE_UP,
    }),
    [STOP_FOR_STEP_DOWN_GAVE_UP]: gaveUpWaiting(RESIZE_ERROR_PATH, 'NoStepDownDecided'),
    AwaitFullLoad: lambdaTokenWait({
      handler: 'await-full-load',
      comment:
        'Stores the task token in the registry. The task stops after the full load and cached changes (STOPPED_AFTER_CACHED_EVENTS); the task-state event or the reconciler completes the token. The reconciler sends heartbeats while the load runs.',
      payload: { ...DATABASE_KEY, ...TASK },
      bounds: FULL_LOAD_WAIT,
      resultPath: '$.fullLoad',
      catch: [
        catchErrors(['States.Timeout', 'States.HeartbeatTimeout'], 'FullLoadWaitTimedOut'),
        ...RECORD_ANY_ERROR,
      ],
      next: 'RecordSteppingDown',
    }),
    FullLoadWaitTimedOut: {
      Type: 'Pass',
      Parameters: {
        Error: FAIL_STATE_ERRORS.waitTimedOut,
        'Cause.$': "States.Format('Gave up waiting for the full load: {}', $.error.Error)",
      },
      ResultPath: '$.error',
      Next: RECORD_FAILURE,
    },
    RecordSteppingDown: lambdaTask({
      handler: 'record-phase',
      comment: 'Phase STEPPING_DOWN.',
      payload: recordPhasePayload('STEPPING_DOWN'),
      resultPath: null,
      catch: RESUME_WITHOUT_DECISION,
      next: 'DecideStepDown',
    }),
    DecideStepDown: lambdaTask({
      handler: 'decide-resize',
      comment: 'The steady class after the full load (one rung down, or auto from the observed peak).',
      payload: { trigger: 'step-down', ...DATABASE_KEY, ...EXECUTION_ARN },
      resultSelector: {
        'act.$': '$.Payload.act',
        'action.$': '$.Payload.action',
        'fromClass.$': '$.Payload.fromClass',
        'toClass.$': '$.Payload.toClass',
        'reason.$': '$.Payload.reason',
        'lockHolder.$': '$.Payload.lockHolder',
      },
      resultPath: '$.decision',
      catch: RESUME_WITHOUT_DECISION,
      next: 'IsStepDownDue',
    }),
    IsStepDownDue: {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.act', BooleanEquals: true, Next: 'StepDownInstance' }],
      Default: 'ResumeTask',
    },
    StepDownInstance: lambdaTask({
      handler: 'modify-instance',
      comment: "Modify the stopped task's instance to the steady class (ApplyImmediately).",
      payload: { ...DATABASE_KEY, ...INSTANCE, 'instanceClass.$': '$.decision.toClass' },
      resultPath: null,
      catch: RECOVER_CDC,
      next: 'StartStepDownAppliedWait',
    }),
    ...pollLoop({
      name: 'StepDownApplied',
      comment: 'A class change takes minutes: first check after 3 minutes.',
      probe: 'instance-available',
      limits: POLL_LIMITS.instanceClassChange,
      resource: { ...INSTANCE, 'expectedClass.$': '$.decision.toClass' },
      next: 'ResumeTask',
      ...RECOVER_CDC_WAIT,
    }),
    ResumeTask: lambdaTask({
      handler: 'start-task',
      comment: 'resume-processing: CDC continues from where the full load stopped.',
      payload: { ...DATABASE_KEY, ...TASK },
      resultSelector: { 'startType.$': '$.Payload.startType' },
      resultPath: '$.resume',
      catch: RECOVER_CDC,
      next: 'StartTaskRunningWait',
    }),
    ...taskRunningAgain(TASK, 'ArmAlarms', RECOVER_CDC_WAIT),
    ArmAlarms: lambdaTask({
      handler: 'arm-alarms',
      comment: 'CloudWatch alarms on the instance and the task that start resize-instance.',
      payload: { ...DATABASE_KEY, 'instanceClass.$': '$.decision.toClass' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'RecordCdc',
    }),
    RecordCdc: lambdaTask({
      handler: 'record-phase',
      comment: 'Phase CDC; releases the resize lock and reports the step-down.',
      payload: { ...recordPhasePayload('CDC'), 'resize.$': '$.decision' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'ReadSourceTables',
    }),
    ...catalogSteps('Migrated', 'CatalogNotPublished', PLANNED_NETWORK),
    CatalogNotPublished: {
      Type: 'Pass',
      Comment:
        'The database is in CDC and its files are written; only the catalog over them is missing or stale. The handler logged the error (its Lambda error alarm fires); running the catalog steps again repairs it.',
      Next: 'Migrated',
    },
    Migrated: { Type: 'Succeed' },
    NoStepDownDecided: {
      Type: 'Pass',
      Comment: 'The step-down failed before it was decided: nothing to undo, the task only needs resuming.',
      Result: { act: false, action: 'stay', fromClass: null, toClass: null, lockHolder: null },
      ResultPath: '$.decision',
      Next: CDC_RECOVERY_START,
    },
    ...cdcRecoveryStates({
      instance: INSTANCE,
      task: TASK,
      decisionPath: '$.decision',
      next: 'ArmAlarmsOnCurrentClass',
    }),
    ArmAlarmsOnCurrentClass: lambdaTask({
      handler: 'arm-alarms',
      comment: 'CDC runs after the failed step-down: the alarms follow the class the instance kept.',
      payload: { ...DATABASE_KEY, 'instanceClass.$': '$.recovered.instanceClass' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'Migrated',
    }),
    ...failureStates({ fail: FAIL_STATE_ERRORS.migrationFailed }),
  },
};
