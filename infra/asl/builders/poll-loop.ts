/**
 * The bounded wait for a DMS resource to reach a state: Pass (start the probe) → Wait → Check (describe-resources
 * judges READY or PENDING and grows the wait) → Choice (ready, give up after the attempt limit, or wait again).
 * For a loop named `X` the states are `StartXWait`, `WaitForX`, `CheckX` and `IsX`.
 */
import type { PollLimits } from '../limits.ts';
import { catchAll, lambdaTask } from './tasks.ts';
import type { JsonObject, States } from './types.ts';

/** The resource conditions describe-resources can judge. */
export type ProbeKind =
  | 'instance-available'
  | 'instance-deletable'
  | 'instance-deleted'
  | 'connections-successful'
  | 'task-ready'
  | 'task-running'
  | 'task-stopped'
  | 'task-deleted'
  | 'table-reloaded';

/** Where every loop goes when it runs out of attempts; the failure states report which wait it was. */
export const GAVE_UP_WAITING = 'GaveUpWaiting';

const PROBE_PATH = '$.probe';

export interface PollLoopProps {
  /** What is awaited, in PascalCase: `InstanceAvailable` names `StartInstanceAvailableWait` and so on. */
  readonly name: string;
  readonly comment: string;
  readonly probe: ProbeKind;
  readonly limits: PollLimits;
  /** The resource fields describe-resources needs for this probe. */
  readonly resource: JsonObject;
  /** The state after the resource is ready. */
  readonly next: string;
  /** The state that records an error thrown by the probe. */
  readonly onError: string;
  /** Where the loop goes when it runs out of attempts; GaveUpWaiting by default. */
  readonly onGiveUp?: string;
  /** Where the probe's error goes; `$.error` by default. */
  readonly errorPath?: string;
}

/** The four states of one bounded wait, in order. */
export const pollLoop = (props: PollLoopProps): States => {
  const wait = `WaitFor${props.name}`;
  const check = `Check${props.name}`;
  const decide = `Is${props.name}`;
  return {
    [`Start${props.name}Wait`]: {
      Type: 'Pass',
      Comment: props.comment,
      Result: { kind: props.probe, attempt: 0, waitSeconds: props.limits.firstWaitSeconds },
      ResultPath: PROBE_PATH,
      Next: wait,
    },
    [wait]: { Type: 'Wait', SecondsPath: `${PROBE_PATH}.waitSeconds`, Next: check },
    [check]: lambdaTask({
      handler: 'describe-resources',
      comment: `Probe: ${props.probe}`,
      payload: {
        kind: props.probe,
        'attempt.$': `States.MathAdd(${PROBE_PATH}.attempt, 1)`,
        'waitSeconds.$': `${PROBE_PATH}.waitSeconds`,
        maxWaitSeconds: props.limits.maxWaitSeconds,
        ...props.resource,
      },
      resultSelector: {
        'kind.$': '$.Payload.kind',
        'outcome.$': '$.Payload.outcome',
        'status.$': '$.Payload.status',
        'attempt.$': '$.Payload.attempt',
        'waitSeconds.$': '$.Payload.waitSeconds',
      },
      resultPath: PROBE_PATH,
      catch: [catchAll(props.onError, props.errorPath)],
      next: decide,
    }),
    [decide]: {
      Type: 'Choice',
      Choices: [
        { Variable: `${PROBE_PATH}.outcome`, StringEquals: 'READY', Next: props.next },
        {
          Variable: `${PROBE_PATH}.attempt`,
          NumericGreaterThanEquals: props.limits.maxAttempts,
          Next: props.onGiveUp ?? GAVE_UP_WAITING,
        },
      ],
      Default: wait,
    },
  };
};
