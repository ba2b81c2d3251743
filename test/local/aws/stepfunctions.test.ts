import { describe, expect, it } from 'vitest';
import { ResourceBusyError } from '#contracts/errors';
import { eventually, functionArn, lambdaTask, sfnHarness } from './helpers.ts';

const succeedAfter = (state: Record<string, unknown>) => ({ ...state, End: true });

describe('LocalStepFunctions lambda:invoke', () => {
  it('invokes the in-process handler and returns the Lambda envelope, with now on the emulated clock', async () => {
    // Prepare
    const h = sfnHarness({ plan: async (event) => ({ echoed: event }) });
    const arn = await h.create('single', {
      StartAt: 'Plan',
      States: {
        Plan: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: functionArn('plan'),
            Payload: { 'id.$': '$.id', 'now.$': '$$.State.EnteredTime' },
          },
          End: true,
        },
      },
    });

    // Act
    const executionArn = await h.start(arn, { id: 'db-1' }, 'run-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');
    const described = await h.describe(executionArn);

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(String(described.output));
    expect(output).toMatchObject({
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: { echoed: { id: 'db-1', now: '2026-01-01T00:00:00.000Z' } },
    });
    expect(h.invocations).toEqual([
      { functionName: 'fn-plan', payload: { id: 'db-1', now: '2026-01-01T00:00:00.000Z' } },
    ]);
    expect(await h.historyTypes(executionArn)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('surfaces a thrown error with its name as the error and the Lambda error payload as the cause', async () => {
    // Prepare
    const h = sfnHarness({
      busy: async () => {
        throw new ResourceBusyError('instance is modifying');
      },
    });
    const arn = await h.create('catching', {
      StartAt: 'Busy',
      States: {
        Busy: lambdaTask(
          'busy',
          {},
          { Catch: [{ ErrorEquals: ['ResourceBusy'], Next: 'Caught' }], Next: 'Done' },
        ),
        Caught: { Type: 'Pass', End: true },
        Done: { Type: 'Succeed' },
      },
    });

    // Act
    const executionArn = await h.start(arn);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');
    const output = JSON.parse(String((await h.describe(executionArn)).output));

    // Assess
    expect(output.Error).toBe('ResourceBusy');
    expect(JSON.parse(output.Cause)).toMatchObject({
      errorType: 'ResourceBusy',
      errorMessage: 'instance is modifying',
    });
  });

  it('fails the execution with the error name when nothing catches it', async () => {
    // Prepare
    const h = sfnHarness({
      broken: async () => {
        throw new ResourceBusyError('still busy');
      },
    });
    const arn = await h.create('failing', {
      StartAt: 'Broken',
      States: { Broken: succeedAfter(lambdaTask('broken', {}, {})) },
    });

    // Act
    const executionArn = await h.start(arn);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');
    const described = await h.describe(executionArn);

    // Assess
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('ResourceBusy');
    expect((await h.historyTypes(executionArn)).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
  });

  it('waits out Retry intervals with their backoff on the emulated clock', async () => {
    // Prepare
    let calls = 0;
    const h = sfnHarness({
      flaky: async () => {
        calls++;
        if (calls < 3) throw new ResourceBusyError(`busy ${calls}`);
        return { ok: true };
      },
    });
    const arn = await h.create('retrying', {
      StartAt: 'Flaky',
      States: {
        Flaky: succeedAfter(
          lambdaTask(
            'flaky',
            {},
            {
              Retry: [
                {
                  ErrorEquals: ['ResourceBusy'],
                  IntervalSeconds: 10,
                  BackoffRate: 2,
                  MaxAttempts: 3,
                  JitterStrategy: 'NONE',
                },
              ],
            },
          ),
        ),
      },
    });
    const executionArn = await h.start(arn);

    // Act
    await eventually(() => calls === 1);
    await h.clock.advance(9_999);
    const callsBeforeFirstInterval = calls;
    await h.clock.advance(1);
    await eventually(() => calls === 2);
    await h.clock.advance(19_999);
    const callsBeforeSecondInterval = calls;
    await h.clock.advance(1);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(callsBeforeFirstInterval).toBe(1);
    expect(callsBeforeSecondInterval).toBe(2);
    expect(calls).toBe(3);
    expect(h.sfn.getExecution(executionArn)?.status).toBe('SUCCEEDED');
    expect(h.sfn.getExecution(executionArn)?.transitions).toBe(3);
  });
});

describe('LocalStepFunctions Wait states', () => {
  it('waits SecondsPath seconds of emulated time and reports the state as a Wait', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('waiting', {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', SecondsPath: '$.probe.waitSeconds', Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await h.start(arn, { probe: { waitSeconds: 300 } });

    // Act
    await h.clock.advance(299_000);
    const statusBefore = h.sfn.getExecution(executionArn)?.status;
    await h.clock.advance(1_000);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(statusBefore).toBe('RUNNING');
    expect(h.sfn.getExecution(executionArn)?.status).toBe('SUCCEEDED');
    expect(await h.historyTypes(executionArn)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });
});

describe('LocalStepFunctions task tokens', () => {
  const tokenMachine = {
    StartAt: 'Await',
    States: {
      Await: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: functionArn('store'), Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 3600,
        HeartbeatSeconds: 600,
        Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }],
        End: true,
      },
      TimedOut: { Type: 'Fail', Error: 'WaitTimedOut' },
    },
  };

  /** An execution waiting in its token state, with the token its Lambda received. */
  const startTokenWait = async () => {
    const tokens: string[] = [];
    const h = sfnHarness({
      store: async (event) => {
        tokens.push((event as { token: string }).token);
        return { stored: true };
      },
    });
    const executionArn = await h.start(await h.create('token', tokenMachine));
    await eventually(() => tokens.length === 1);
    return { h, executionArn, token: tokens[0] ?? '' };
  };

  it('completes with the output sent by SendTaskSuccess', async () => {
    // Prepare
    const { h, token, executionArn } = await startTokenWait();

    // Act
    await h.sfn.handle('SendTaskSuccess', {
      taskToken: token,
      output: JSON.stringify({ stopReason: 'STOPPED_AFTER_CACHED_EVENTS' }),
    });
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ stopReason: 'STOPPED_AFTER_CACHED_EVENTS' }),
    });
    expect(await h.historyTypes(executionArn)).toContain('TaskSubmitted');
    await expect(h.sfn.handle('SendTaskSuccess', { taskToken: token, output: '{}' })).rejects.toMatchObject({
      type: 'TaskDoesNotExist',
    });
  });

  it('fails with the error sent by SendTaskFailure', async () => {
    // Prepare
    const { h, token, executionArn } = await startTokenWait();

    // Act
    await h.sfn.handle('SendTaskFailure', {
      taskToken: token,
      error: 'ReplicationTaskFailed',
      cause: 'Stop Reason FATAL_ERROR',
    });
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'ReplicationTaskFailed',
      cause: 'Stop Reason FATAL_ERROR',
    });
  });

  it('times out on the clock when no heartbeat arrives within HeartbeatSeconds', async () => {
    // Prepare
    const { h, token, executionArn } = await startTokenWait();

    // Act
    await h.clock.advance(500_000);
    await h.sfn.handle('SendTaskHeartbeat', { taskToken: token });
    await h.clock.advance(500_000);
    const statusAfterHeartbeat = h.sfn.getExecution(executionArn)?.status;
    await h.clock.advance(100_000);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(statusAfterHeartbeat).toBe('RUNNING');
    expect(await h.describe(executionArn)).toMatchObject({ status: 'FAILED', error: 'WaitTimedOut' });
    expect(await h.historyTypes(executionArn)).toContain('TaskTimedOut');
    await expect(h.sfn.handle('SendTaskSuccess', { taskToken: token, output: '{}' })).rejects.toMatchObject({
      type: 'TaskTimedOut',
    });
  });

  it('rejects an unknown token and output that is not JSON', async () => {
    // Prepare
    const { h, token } = await startTokenWait();

    // Act + Assess
    await expect(h.sfn.handle('SendTaskSuccess', { taskToken: 'nope', output: '{}' })).rejects.toMatchObject({
      type: 'InvalidToken',
    });
    await expect(
      h.sfn.handle('SendTaskSuccess', { taskToken: token, output: '{not json' }),
    ).rejects.toMatchObject({
      type: 'InvalidOutput',
    });
  });

  it('StopExecution releases a waiting task and records the abort', async () => {
    // Prepare
    const { h, token, executionArn } = await startTokenWait();

    // Act
    await h.sfn.handle('StopExecution', { executionArn, error: 'Operator', cause: 'stopped by hand' });

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Operator',
      cause: 'stopped by hand',
    });
    expect((await h.historyTypes(executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(h.sfn.handle('SendTaskSuccess', { taskToken: token, output: '{}' })).rejects.toMatchObject({
      type: 'TaskDoesNotExist',
    });
  });
});

describe('LocalStepFunctions StartExecution', () => {
  const passMachine = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } };

  it('returns the running execution for the same name and input, and rejects a different input', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('holding', passMachine);
    const first = await h.start(arn, { a: 1 }, 'fixed-name');

    // Act
    const again = await h.start(arn, { a: 1 }, 'fixed-name');
    const different = h.start(arn, { a: 2 }, 'fixed-name');

    // Assess
    expect(again).toBe(first);
    await expect(different).rejects.toMatchObject({ type: 'ExecutionAlreadyExists' });
  });

  it('rejects the same name and input once the execution has ended', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('holding', passMachine);
    const first = await h.start(arn, { a: 1 }, 'fixed-name');
    await h.clock.advance(60_000);
    await eventually(() => h.sfn.getExecution(first)?.status === 'SUCCEEDED');

    // Act + Assess
    await expect(h.start(arn, { a: 1 }, 'fixed-name')).rejects.toMatchObject({
      type: 'ExecutionAlreadyExists',
    });
  });

  it('rejects bad names, bad input and unknown state machines naming the problem', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('holding', passMachine);

    // Act + Assess
    await expect(h.start(arn, {}, 'has space')).rejects.toMatchObject({ type: 'InvalidName' });
    await expect(
      h.sfn.handle('StartExecution', { stateMachineArn: arn, input: '{oops' }),
    ).rejects.toMatchObject({
      type: 'InvalidExecutionInput',
    });
    await expect(h.start(`${arn}-missing`)).rejects.toMatchObject({ type: 'StateMachineDoesNotExist' });
  });

  it('times out an execution on the clock after its TimeoutSeconds', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('bounded', { TimeoutSeconds: 30, ...passMachine });
    const executionArn = await h.start(arn);

    // Act
    await h.clock.advance(30_000);

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('lists executions newest first with a status filter', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('holding', passMachine);
    const older = await h.start(arn, {}, 'older');
    await h.clock.advance(60_000);
    await eventually(() => h.sfn.getExecution(older)?.status === 'SUCCEEDED');
    const newer = await h.start(arn, {}, 'newer');

    // Act
    const all = (await h.sfn.handle('ListExecutions', { stateMachineArn: arn })) as {
      executions: { executionArn: string }[];
    };
    const running = (await h.sfn.handle('ListExecutions', {
      stateMachineArn: arn,
      statusFilter: 'RUNNING',
    })) as {
      executions: { executionArn: string }[];
    };

    // Assess
    expect(all.executions.map((e) => e.executionArn)).toEqual([newer, older]);
    expect(running.executions.map((e) => e.executionArn)).toEqual([newer]);
  });
});

describe('LocalStepFunctions nested executions', () => {
  it('runs startExecution.sync:2 children with deterministic names and catches ExecutionAlreadyExists', async () => {
    // Prepare
    const h = sfnHarness({ work: async (event) => ({ worked: (event as { id: string }).id }) });
    const child = await h.create('child', {
      StartAt: 'Work',
      States: { Work: succeedAfter(lambdaTask('work', { 'id.$': '$.id' }, {})) },
    });
    const parent = await h.create('parent', {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.ids',
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Child',
            States: {
              Child: {
                Type: 'Task',
                Resource: 'arn:aws:states:::states:startExecution.sync:2',
                Parameters: { StateMachineArn: child, 'Name.$': '$.name', Input: { 'id.$': '$.name' } },
                OutputPath: '$.Output',
                Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Next: 'Already' }],
                End: true,
              },
              Already: { Type: 'Pass', Result: 'ALREADY', End: true },
            },
          },
          End: true,
        },
      },
    });

    // Act
    const first = await h.start(parent, { ids: [{ name: 'a' }, { name: 'b' }] }, 'first');
    await eventually(() => h.sfn.getExecution(first)?.status !== 'RUNNING');
    const second = await h.start(parent, { ids: [{ name: 'a' }] }, 'second');
    await eventually(() => h.sfn.getExecution(second)?.status !== 'RUNNING');

    // Assess
    expect(JSON.parse(String((await h.describe(first)).output))).toEqual([{ worked: 'a' }, { worked: 'b' }]);
    expect(JSON.parse(String((await h.describe(second)).output))).toEqual(['ALREADY']);
    expect(
      h.sfn
        .listAll()
        .filter((e) => e.target.stateMachineName === 'child')
        .map((e) => e.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(h.sfn.getExecution(`${child.replace(':stateMachine:', ':execution:')}:a`)?.parentArn).toBe(first);
  });

  it('fails the parent task with States.TaskFailed when the child fails', async () => {
    // Prepare
    const h = sfnHarness({});
    const child = await h.create('child', {
      StartAt: 'Boom',
      States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'bad' } },
    });
    const parent = await h.create('parent', {
      StartAt: 'Child',
      States: {
        Child: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child, Input: {} },
          End: true,
        },
      },
    });

    // Act
    const executionArn = await h.start(parent);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');
    const described = await h.describe(executionArn);

    // Assess
    expect(described.error).toBe('States.TaskFailed');
    expect(JSON.parse(String(described.cause))).toMatchObject({
      Status: 'FAILED',
      Error: 'Boom',
      Cause: 'bad',
    });
  });
});

describe('LocalStepFunctions CreateStateMachine', () => {
  it('rejects an invalid definition and a task resource it cannot run', async () => {
    // Prepare
    const h = sfnHarness({});

    // Act + Assess
    await expect(h.create('broken', { StartAt: 'Missing', States: {} })).rejects.toMatchObject({
      type: 'InvalidDefinition',
    });
    await expect(
      h.create('sqs', {
        StartAt: 'Send',
        States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
      }),
    ).rejects.toThrow(/sqs:sendMessage is not supported/);
  });

  it('is idempotent for the same definition and refuses a different one under the same name', async () => {
    // Prepare
    const h = sfnHarness({});
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const arn = await h.create('same', definition);

    // Act + Assess
    expect(await h.create('same', definition)).toBe(arn);
    await expect(
      h.create('same', { StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } }),
    ).rejects.toMatchObject({
      type: 'StateMachineAlreadyExists',
    });
  });
});

describe('LocalStepFunctions payload limit', () => {
  it('fails the execution with States.DataLimitExceeded, which States.ALL does not catch, when a state output exceeds 256 KiB', async () => {
    // Prepare
    const h = sfnHarness({ big: async () => ({ blob: 'x'.repeat(256 * 1024) }) });
    const arn = await h.create('oversized', {
      StartAt: 'Produce',
      States: {
        Produce: lambdaTask(
          'big',
          {},
          { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], Next: 'Done' },
        ),
        Caught: { Type: 'Pass', End: true },
        Done: { Type: 'Pass', End: true },
      },
    });

    // Act
    const executionArn = await h.start(arn, {}, 'big-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    const described = await h.describe(executionArn);
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(described.cause).toMatch(
      /^The state\/task 'Produce' returned a result of \d+ bytes, exceeding the maximum of 262144 bytes\.$/,
    );
  });

  it('runs a state whose input and output are just under the limit', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('fits', { StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } });
    const input = { blob: 'x'.repeat(256 * 1024 - 20) };

    // Act
    const executionArn = await h.start(arn, input, 'fits-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect((await h.describe(executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('LocalStepFunctions history quota', () => {
  it('fails an execution whose history reaches 25,000 events with States.Runtime, the failure being event 25,000', async () => {
    // Prepare: a Choice that loops while the input says so adds two events per turn and never ends by itself.
    const h = sfnHarness({});
    const arn = await h.create('spinning', {
      StartAt: 'Loop',
      States: {
        Loop: {
          Type: 'Choice',
          Choices: [{ Variable: '$.spin', BooleanEquals: true, Next: 'Loop' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });

    // Act
    const executionArn = await h.start(arn, { spin: true }, 'spin-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    const described = await h.describe(executionArn);
    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (25000).',
    });
    const history = h.sfn.getExecution(executionArn)?.history.list() ?? [];
    expect(history).toHaveLength(25_000);
    expect(history.at(-1)).toMatchObject({ id: 25_000, previousEventId: 24_999, type: 'ExecutionFailed' });
    expect(history.at(-2)?.type).toMatch(/^ChoiceState(Entered|Exited)$/);
  });
});

describe('LocalStepFunctions failure details', () => {
  /** A state machine that fails with the cause its input carries. */
  const failingWith = {
    StartAt: 'Fail',
    States: { Fail: { Type: 'Fail', Error: 'Broken', CausePath: '$.cause' } },
  };

  it('keeps a cause of exactly 32,768 characters as it is', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('fits', failingWith);
    const cause = 'x'.repeat(32_768);

    // Act
    const executionArn = await h.start(arn, { cause }, 'fits-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({ status: 'FAILED', error: 'Broken', cause });
  });

  it('fails with States.Runtime, naming the limit, when a Fail state gives a longer cause', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('too-long', failingWith);

    // Act
    const executionArn = await h.start(arn, { cause: 'x'.repeat(32_769) }, 'too-long-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    const failure = {
      error: 'States.Runtime',
      cause: 'The execution failed, but its failure cause is 32769 characters, over the maximum of 32768.',
    };
    expect(await h.describe(executionArn)).toMatchObject({ status: 'FAILED', ...failure });
    const history = h.sfn.getExecution(executionArn)?.history.list() ?? [];
    expect(history.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: failure });
  });

  it('cuts the cause to 32,768 characters and keeps the error when configured to truncate', async () => {
    // Prepare
    const h = sfnHarness({}, { oversizedFailureDetails: 'truncate' });
    const arn = await h.create('truncated', failingWith);

    // Act
    const executionArn = await h.start(arn, { cause: `${'x'.repeat(32_768)}tail` }, 'truncated-1');
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(await h.describe(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Broken',
      cause: 'x'.repeat(32_768),
    });
  });
});

describe('LocalStepFunctions context object', () => {
  it('gives $$.Execution.StartTime and $$.State.EnteredTime on the emulated clock, and the execution name', async () => {
    // Prepare
    const h = sfnHarness({});
    const arn = await h.create('context', {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 90, Next: 'Read' },
        Read: {
          Type: 'Pass',
          Parameters: {
            'start.$': '$$.Execution.StartTime',
            'entered.$': '$$.State.EnteredTime',
            'name.$': '$$.Execution.Name',
            'input.$': '$$.Execution.Input',
          },
          End: true,
        },
      },
    });

    // Act
    const executionArn = await h.start(arn, { migrationId: 'm1' }, 'ctx-1');
    await h.clock.advance(90_000);
    await eventually(() => h.sfn.getExecution(executionArn)?.status !== 'RUNNING');

    // Assess
    expect(JSON.parse(String((await h.describe(executionArn)).output))).toEqual({
      start: '2026-01-01T00:00:00.000Z',
      entered: '2026-01-01T00:01:30.000Z',
      name: 'ctx-1',
      input: { migrationId: 'm1' },
    });
  });

  it('stops a .sync child when its parent is stopped', async () => {
    // Prepare
    const h = sfnHarness({});
    const child = await h.create('child', {
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const parent = await h.create('parent', {
      StartAt: 'Child',
      States: {
        Child: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child, Name: 'held', Input: {} },
          End: true,
        },
      },
    });
    const parentArn = await h.start(parent);
    const childArn = child.replace(':stateMachine:', ':execution:').concat(':held');
    await eventually(() => h.sfn.getExecution(childArn)?.status === 'RUNNING');

    // Act
    await h.sfn.handle('StopExecution', { executionArn: parentArn });
    await eventually(() => h.sfn.getExecution(childArn)?.status !== 'RUNNING');

    // Assess
    expect(h.sfn.getExecution(parentArn)?.status).toBe('ABORTED');
    expect(h.sfn.getExecution(childArn)?.status).toBe('ABORTED');
  });
});
