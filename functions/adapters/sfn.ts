/**
 * Step Functions calls: completing the task tokens lakeshift stores, and starting or reading executions.
 * A token that is already completed or timed out is not an error here: the event consumer and the reconciler may
 * both try to complete the same wait, and the second one simply learns it was too late.
 */
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { FAILURE_DETAIL_LIMITS } from '#contracts/errors';
import { sfnClient, sfnSdk } from './clients.ts';
import { isFault } from './faults.ts';
import { collectPages, required } from './responses.ts';
import { awsCall } from './retry.ts';

/** Step Functions' answers for a token nobody waits on: timed out, completed before, or not a valid token. */
const TOKEN_GONE_FAULTS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** Sends a token call; false when the token is no longer waiting (completed before, timed out, or invalid). */
const deliver = (operation: string, send: () => Promise<unknown>): Promise<boolean> =>
  awsCall(operation, async () => {
    try {
      await send();
      return true;
    } catch (error) {
      if (TOKEN_GONE_FAULTS.some((name) => isFault(error, name))) return false;
      throw error;
    }
  });

export const sendTaskSuccess = (taskToken: string, output: unknown): Promise<boolean> =>
  deliver('SendTaskSuccess', async () =>
    (await sfnClient()).send(
      new (await sfnSdk()).SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) }),
    ),
  );

export const sendTaskFailure = (
  taskToken: string,
  failure: { readonly error: string; readonly cause: string },
): Promise<boolean> =>
  deliver('SendTaskFailure', async () =>
    (await sfnClient()).send(
      new (await sfnSdk()).SendTaskFailureCommand({
        taskToken,
        error: failure.error.slice(0, FAILURE_DETAIL_LIMITS.errorCharacters),
        cause: failure.cause.slice(0, FAILURE_DETAIL_LIMITS.causeCharacters),
      }),
    ),
  );

export const sendTaskHeartbeat = (taskToken: string): Promise<boolean> =>
  deliver('SendTaskHeartbeat', async () =>
    (await sfnClient()).send(new (await sfnSdk()).SendTaskHeartbeatCommand({ taskToken })),
  );

export interface StartedExecution {
  readonly executionArn: string;
  /** False when an execution with this name already existed (a duplicate trigger): nothing new was started. */
  readonly started: boolean;
}

/** `arn:aws:states:r:a:stateMachine:name` + execution name → `arn:aws:states:r:a:execution:name:executionName`. */
export const executionArnFor = (stateMachineArn: string, executionName: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;

export const startExecution = (request: {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: unknown;
}): Promise<StartedExecution> =>
  awsCall('StartExecution', async () => {
    try {
      const output = await (await sfnClient()).send(
        new (await sfnSdk()).StartExecutionCommand({
          stateMachineArn: request.stateMachineArn,
          name: request.name,
          input: JSON.stringify(request.input ?? {}),
        }),
      );
      return { executionArn: required(output.executionArn, 'StartExecution', 'executionArn'), started: true };
    } catch (error) {
      if (isFault(error, 'ExecutionAlreadyExists')) {
        return { executionArn: executionArnFor(request.stateMachineArn, request.name), started: false };
      }
      throw error;
    }
  });

export const describeExecution = (executionArn: string): Promise<DescribeExecutionOutput> =>
  awsCall('DescribeExecution', async () =>
    (await sfnClient()).send(new (await sfnSdk()).DescribeExecutionCommand({ executionArn })),
  );

export interface RunningExecution {
  readonly executionArn: string;
  readonly name: string;
}

/** The running executions of a state machine, every page (ListExecutions with `statusFilter` RUNNING). */
export const listRunningExecutions = (stateMachineArn: string): Promise<RunningExecution[]> =>
  collectPages(async (nextToken: string | undefined) => {
    const output = await awsCall('ListExecutions', async () =>
      (await sfnClient()).send(
        new (await sfnSdk()).ListExecutionsCommand({
          stateMachineArn,
          statusFilter: 'RUNNING',
          maxResults: 1000,
          nextToken,
        }),
      ),
    );
    return {
      items: (output.executions ?? []).flatMap((execution) =>
        execution.executionArn && execution.name
          ? [{ executionArn: execution.executionArn, name: execution.name }]
          : [],
      ),
      next: output.nextToken,
    };
  });

/**
 * Stops an execution; false when it had already ended (Step Functions answers that with success too, or with
 * ExecutionDoesNotExist for one that never was).
 */
export const stopExecution = (
  executionArn: string,
  reason: { readonly error: string; readonly cause: string },
): Promise<boolean> =>
  awsCall('StopExecution', async () => {
    try {
      await (await sfnClient()).send(
        new (await sfnSdk()).StopExecutionCommand({
          executionArn,
          error: reason.error.slice(0, FAILURE_DETAIL_LIMITS.errorCharacters),
          cause: reason.cause.slice(0, FAILURE_DETAIL_LIMITS.causeCharacters),
        }),
      );
      return true;
    } catch (error) {
      if (isFault(error, 'ExecutionDoesNotExist')) return false;
      throw error;
    }
  });
