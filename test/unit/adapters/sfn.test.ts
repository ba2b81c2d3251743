import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeExecution,
  executionArnFor,
  sendTaskFailure,
  sendTaskHeartbeat,
  sendTaskSuccess,
  startExecution,
} from '#adapters/sfn';

const sfn = mockClient(SFNClient);

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:lakeshift-migrate-database';

beforeEach(() => {
  sfn.reset();
});

describe('sfn adapter', () => {
  describe('sendTaskSuccess', () => {
    it('completes the token with the output as JSON', async () => {
      // Prepare
      sfn.on(SendTaskSuccessCommand).resolves({});

      // Act
      const delivered = await sendTaskSuccess('token-1', { stopReason: 'STOPPED_AFTER_CACHED_EVENTS' });

      // Assess
      expect(delivered).toBe(true);
      expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
        taskToken: 'token-1',
        output: '{"stopReason":"STOPPED_AFTER_CACHED_EVENTS"}',
      });
    });

    it('reports a token that already timed out as not delivered instead of failing', async () => {
      // Prepare
      sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

      // Act
      const delivered = await sendTaskSuccess('token-1', {});

      // Assess
      expect(delivered).toBe(false);
    });
  });

  describe('sendTaskFailure', () => {
    it('fails the token with the error name and a cause cut to the service limit', async () => {
      // Prepare
      sfn.on(SendTaskFailureCommand).resolves({});
      const cause = 'x'.repeat(40_000);

      // Act
      await sendTaskFailure('token-1', { error: 'ReplicationTaskFailed', cause });

      // Assess
      expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
        taskToken: 'token-1',
        error: 'ReplicationTaskFailed',
        cause: 'x'.repeat(32_768),
      });
    });
  });

  describe('sendTaskHeartbeat', () => {
    it('sends a heartbeat for the token', async () => {
      // Prepare
      sfn.on(SendTaskHeartbeatCommand).resolves({});

      // Act
      const delivered = await sendTaskHeartbeat('token-1');

      // Assess
      expect(delivered).toBe(true);
      expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'token-1' });
    });
  });

  describe('startExecution', () => {
    it('starts a named execution with the input as JSON', async () => {
      // Prepare
      const executionArn = executionArnFor(STATE_MACHINE_ARN, 'mig-1-orders');
      sfn.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });

      // Act
      const started = await startExecution({
        stateMachineArn: STATE_MACHINE_ARN,
        name: 'mig-1-orders',
        input: { a: 1 },
      });

      // Assess
      expect(started).toEqual({ executionArn, started: true });
      expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
        stateMachineArn: STATE_MACHINE_ARN,
        name: 'mig-1-orders',
        input: '{"a":1}',
      });
    });

    it('treats an execution that already exists as a duplicate trigger, not an error', async () => {
      // Prepare
      sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

      // Act
      const started = await startExecution({
        stateMachineArn: STATE_MACHINE_ARN,
        name: 'mig-1-orders',
        input: {},
      });

      // Assess
      expect(started).toEqual({
        executionArn:
          'arn:aws:states:us-east-1:123456789012:execution:lakeshift-migrate-database:mig-1-orders',
        started: false,
      });
    });
  });

  describe('describeExecution', () => {
    it('maps a missing execution to ResourceNotFound', async () => {
      // Prepare
      sfn
        .on(DescribeExecutionCommand)
        .rejects(
          Object.assign(new Error('does not exist'), { name: 'ExecutionDoesNotExist', $metadata: {} }),
        );

      // Act
      const attempt = describeExecution('arn:aws:states:us-east-1:123456789012:execution:x:y');

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFound' });
    });
  });
});
