/** Helpers for the local AWS service tests: a Step Functions service on a ManualClock with fake handlers. */

import type { LocalAws } from '#local/aws/index';
import { type LambdaHandler, LocalLambda } from '#local/aws/lambda/functions';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from '#local/aws/stepfunctions/service';
import { ManualClock } from '#local/clock';

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/local';

export interface SdkConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly maxAttempts: number;
}

/** Configuration for any AWS SDK client to call the local AWS, without retries. */
export const sdkConfig = (aws: LocalAws): SdkConfig => ({
  endpoint: aws.endpoint,
  region: aws.region,
  credentials: aws.credentials,
  maxAttempts: 1,
});

/** Resolves once `condition` holds, letting the ManualClock's timers and promise callbacks run; bounded. */
export const eventually = async (
  condition: () => boolean,
  clock?: ManualClock,
  stepMs = 0,
): Promise<void> => {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    if (clock) await clock.advance(stepMs);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
};

export interface SfnHarness {
  readonly clock: ManualClock;
  readonly lambda: LocalLambda;
  readonly sfn: LocalStepFunctions;
  readonly invocations: { functionName: string; payload: unknown }[];
  /** Creates a state machine from a definition object and returns its ARN. */
  create(name: string, definition: unknown): Promise<string>;
  start(stateMachineArn: string, input?: unknown, name?: string): Promise<string>;
  describe(executionArn: string): Promise<Record<string, unknown>>;
  historyTypes(executionArn: string): Promise<string[]>;
}

/** Handlers by function name; each registers as `fn-<name>` bound to a fake handler module. */
export const sfnHarness = (
  handlers: Record<string, LambdaHandler>,
  options: Pick<LocalStepFunctionsOptions, 'oversizedFailureDetails'> = {},
): SfnHarness => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const invocations: { functionName: string; payload: unknown }[] = [];
  const byHandlerName = new Map<string, LambdaHandler>();
  const lambda = new LocalLambda({
    loadHandler: async (name) => {
      const handler = byHandlerName.get(name);
      if (!handler) throw new Error(`no fake handler ${name}`);
      return async (event, context) => {
        invocations.push({ functionName: context.functionName, payload: event });
        return handler(event, context);
      };
    },
  });
  for (const [name, handler] of Object.entries(handlers)) {
    byHandlerName.set(name, handler);
    lambda.register(`fn-${name}`, name);
  }
  const sfn = new LocalStepFunctions({ clock, lambda, ...options });
  return {
    clock,
    lambda,
    sfn,
    invocations,
    create: async (name, definition) =>
      (
        (await sfn.handle('CreateStateMachine', {
          name,
          definition: JSON.stringify(definition),
          roleArn: ROLE_ARN,
        })) as {
          stateMachineArn: string;
        }
      ).stateMachineArn,
    start: async (stateMachineArn, input = {}, name) =>
      (
        (await sfn.handle('StartExecution', { stateMachineArn, input: JSON.stringify(input), name })) as {
          executionArn: string;
        }
      ).executionArn,
    describe: async (executionArn) =>
      (await sfn.handle('DescribeExecution', { executionArn })) as Record<string, unknown>,
    historyTypes: async (executionArn) =>
      (
        (await sfn.handle('GetExecutionHistory', { executionArn, maxResults: 1000 })) as {
          events: { type: string }[];
        }
      ).events.map((event) => event.type),
  };
};

export const functionArn = (name: string): string =>
  `arn:aws:lambda:us-east-1:000000000000:function:fn-${name}`;

/** A Lambda task state invoking `fn-<name>` with `payload`, taking `$.Payload` as output. */
export const lambdaTask = (
  name: string,
  payload: Record<string, unknown>,
  rest: Record<string, unknown>,
) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionArn(name), Payload: payload },
  OutputPath: '$.Payload',
  ...rest,
});
