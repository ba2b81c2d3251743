import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { failState, failureStates, RECORD_ANY_ERROR } from '../builders/failures.ts';
import { pollLoop } from '../builders/poll-loop.ts';
import { catchAll, lambdaTask } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';
import { POLL_LIMITS } from '../limits.ts';
import { cdcRecoveryStates, RECOVER_CDC, RECOVER_CDC_WAIT } from './cdc-recovery.ts';
import { DATABASE_KEY, EXECUTION_ARN, recordPhasePayload, taskRunningAgain } from './common.ts';

const TASK = { 'taskArn.$': '$.taskArn' } as const;

export const resizeInstance: StateMachineDefinition = {
  Comment:
    'Resize one replication instance during CDC: decide with the policy, then stop the task, change the class, resume. No-op decisions end at once (they are recorded by the decision).',
  StartAt: 'IsAlarm',
  States: {
    IsAlarm: {
      Type: 'Choice',
      Comment:
        'Started by a CloudWatch alarm state change, or by hand with {migrationId, databaseId, targetClass?}.',
      Choices: [{ Variable: '$.detail.alarmName', IsPresent: true, Next: 'DecideOnAlarm' }],
      Default: 'DecideByHand',
    },
    DecideOnAlarm: lambdaTask({
      handler: 'decide-resize',
      comment: "Run the resize policy on the alarm's instance; takes the resize lock when acting.",
      payload: { trigger: 'alarm', 'alarm.$': '$.detail', ...EXECUTION_ARN },
      outputPath: '$.Payload',
      catch: [catchAll('DecisionFailed')],
      next: 'IsResizeDue',
    }),
    DecideByHand: lambdaTask({
      handler: 'decide-resize',
      comment:
        "A requested resize, still bounded by the policy's ladder, floor and ceiling; takes the resize lock.",
      payload: { trigger: 'manual', 'request.$': '$', ...EXECUTION_ARN },
      outputPath: '$.Payload',
      catch: [catchAll('DecisionFailed')],
      next: 'IsResizeDue',
    }),
    DecisionFailed: failState(
      FAIL_STATE_ERRORS.resizeFailed,
      '$.error.Cause',
      'No decision, so no lock and nothing changed.',
    ),
    IsResizeDue: {
      Type: 'Choice',
      Comment:
        "decide-resize recorded and published the decision (a stay that repeats the alarm's last one only resets the alarm); staying needs nothing more.",
      Choices: [{ Variable: '$.act', BooleanEquals: true, Next: 'RecordResizing' }],
      Default: 'NothingToDo',
    },
    NothingToDo: { Type: 'Succeed' },
    RecordResizing: lambdaTask({
      handler: 'record-phase',
      comment: 'Phase RESIZING.',
      payload: recordPhasePayload('RESIZING'),
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'StopTask',
    }),
    StopTask: lambdaTask({
      handler: 'stop-task',
      comment: 'Stop CDC before the class change.',
      payload: { ...DATABASE_KEY, ...TASK },
      resultPath: null,
      catch: RECOVER_CDC,
      next: 'StartTaskStoppedWait',
    }),
    ...pollLoop({
      name: 'TaskStopped',
      comment: 'The task must be stopped before the instance changes class.',
      probe: 'task-stopped',
      limits: POLL_LIMITS.taskStatus,
      resource: TASK,
      next: 'ModifyInstance',
      ...RECOVER_CDC_WAIT,
    }),
    ModifyInstance: lambdaTask({
      handler: 'modify-instance',
      comment: 'Change the class now (ApplyImmediately).',
      payload: { ...DATABASE_KEY, 'instanceArn.$': '$.instanceArn', 'instanceClass.$': '$.toClass' },
      resultPath: null,
      catch: RECOVER_CDC,
      next: 'StartResizeAppliedWait',
    }),
    ...pollLoop({
      name: 'ResizeApplied',
      comment: 'A class change takes minutes: first check after 3 minutes.',
      probe: 'instance-available',
      limits: POLL_LIMITS.instanceClassChange,
      resource: { 'instanceArn.$': '$.instanceArn', 'expectedClass.$': '$.toClass' },
      next: 'ResumeTask',
      ...RECOVER_CDC_WAIT,
    }),
    ResumeTask: lambdaTask({
      handler: 'start-task',
      comment: 'resume-processing from the stop position.',
      payload: { ...DATABASE_KEY, ...TASK },
      resultPath: null,
      catch: RECOVER_CDC,
      next: 'StartTaskRunningWait',
    }),
    ...taskRunningAgain(TASK, 'RearmAlarms', RECOVER_CDC_WAIT),
    RearmAlarms: lambdaTask({
      handler: 'arm-alarms',
      comment: 'The memory threshold follows the new class.',
      payload: { ...DATABASE_KEY, 'instanceClass.$': '$.toClass' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'RecordResized',
    }),
    RecordResized: lambdaTask({
      handler: 'record-phase',
      comment: 'Phase CDC; releases the resize lock and publishes Replication Instance Resized.',
      payload: { ...recordPhasePayload('CDC'), 'resize.$': '$' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'Resized',
    }),
    Resized: { Type: 'Succeed' },
    ...cdcRecoveryStates({
      instance: { 'instanceArn.$': '$.instanceArn' },
      task: TASK,
      decisionPath: '$',
      next: 'RearmAlarmsOnCurrentClass',
    }),
    RearmAlarmsOnCurrentClass: lambdaTask({
      handler: 'arm-alarms',
      comment: 'CDC runs again after the failed resize: the memory threshold follows the class it runs on.',
      payload: { ...DATABASE_KEY, 'instanceClass.$': '$.recovered.instanceClass' },
      resultPath: null,
      catch: RECORD_ANY_ERROR,
      next: 'ResizeFailedButResumed',
    }),
    ResizeFailedButResumed: failState(FAIL_STATE_ERRORS.resizeFailed, '$.resizeError.Cause'),
    // Every wait of a resize gives up into the CDC recovery.
    ...failureStates({ fail: FAIL_STATE_ERRORS.resizeFailed }, { gaveUpWaiting: false }),
  },
};
