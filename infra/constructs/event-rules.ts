import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { HandlerName, StateMachineName } from '#contracts/names';
import type { EventPattern } from '#contracts/patterns';
import { listensOnDefaultBus, RULES, type RuleWiring, ruleIdInNetwork } from '#contracts/wiring';
import { failureQueue } from './failure-queue.ts';

/** Lambda retries a failed asynchronous invocation this often (its maximum) before the on-failure destination. */
export const ASYNC_INVOKE_RETRY_ATTEMPTS = 2;

/** EventBridge retries a failed delivery this often, for at most this long, before the dead-letter queue. */
export const TARGET_RETRY_ATTEMPTS = 8;
export const TARGET_MAX_EVENT_AGE = Duration.hours(2);

/** CDK spells `detail-type` as `detailType`; every other key of a pattern passes through unchanged. */
export const toCdkEventPattern = (pattern: EventPattern): events.EventPattern => {
  const { 'detail-type': detailType, ...rest } = pattern;
  return { ...rest, ...(detailType === undefined ? {} : { detailType }) } as events.EventPattern;
};

/**
 * An SQS on-failure destination whose function may only send to it. Lambda sends the record with the function's
 * execution role, which needs sqs:SendMessage on the queue and nothing else
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html); CDK's SqsDestination would
 * also grant sqs:GetQueueAttributes and sqs:GetQueueUrl.
 */
const sendOnlyQueueDestination = (queue: sqs.IQueue): lambda.IDestination => ({
  bind: (_scope, fn) => {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendFailedInvocations',
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
      }),
    );
    return { destination: queue.queueArn };
  },
});

export interface EventRulesProps {
  readonly bus: events.IEventBus;
  readonly stateMachine: (name: StateMachineName) => sfn.IStateMachine;
  /** A handler's functions: one, or a source handler's copy per network (keyed by network). */
  readonly handlers: (name: HandlerName) => ReadonlyMap<string | undefined, lambda.IFunction>;
  /** Schedule expressions by rule id that replace the rule's default (a deployment's configured rates). */
  readonly schedules?: Readonly<Record<string, string>>;
}

/**
 * One rule per entry of RULES, each target with retries and its own encrypted dead-letter queue. A rule that
 * targets a source handler is repeated per network, each targeting that network's copy (docs/source-safety.md,
 * "Networks").
 */
export class EventRules extends Construct {
  readonly rules: ReadonlyMap<string, events.Rule>;
  readonly deadLetterQueues: ReadonlyMap<string, sqs.Queue>;

  constructor(scope: Construct, id: string, props: EventRulesProps) {
    super(scope, id);
    const rules = new Map<string, events.Rule>();
    const queues = new Map<string, sqs.Queue>();
    for (const wiring of RULES) {
      const targets =
        wiring.target.kind === 'handler'
          ? [...props.handlers(wiring.target.name)]
          : [[undefined, undefined] as const];
      for (const [network, handler] of targets) {
        this.addRule(ruleIdInNetwork(wiring, network), wiring, handler, props, rules, queues);
      }
    }
    this.rules = rules;
    this.deadLetterQueues = queues;
  }

  private addRule(
    ruleId: string,
    wiring: RuleWiring,
    handler: lambda.IFunction | undefined,
    props: EventRulesProps,
    rules: Map<string, events.Rule>,
    queues: Map<string, sqs.Queue>,
  ): void {
    const deadLetterQueue = failureQueue(
      this,
      `${ruleId}DeadLetters`,
      `dead-letter queue of the ${ruleId} rule's target`,
    );
    const rule = new events.Rule(this, ruleId, {
      description: wiring.description,
      // AWS services and schedules deliver only to the default bus (a rule without eventBus listens there).
      ...(listensOnDefaultBus(wiring) ? {} : { eventBus: props.bus }),
      ...(wiring.pattern ? { eventPattern: toCdkEventPattern(wiring.pattern) } : {}),
      ...(wiring.schedule
        ? { schedule: events.Schedule.expression(props.schedules?.[wiring.id] ?? wiring.schedule) }
        : {}),
    });
    const delivery = {
      deadLetterQueue,
      retryAttempts: TARGET_RETRY_ATTEMPTS,
      maxEventAge: TARGET_MAX_EVENT_AGE,
    };
    const input = wiring.inputPath ? events.RuleTargetInput.fromEventPath(wiring.inputPath) : undefined;
    if (wiring.target.kind === 'stateMachine' || handler === undefined) {
      if (wiring.target.kind !== 'stateMachine') throw new Error(`rule ${ruleId} has no function`);
      rule.addTarget(
        new targets.SfnStateMachine(props.stateMachine(wiring.target.name), { ...delivery, input }),
      );
    } else {
      rule.addTarget(new targets.LambdaFunction(handler, { ...delivery, event: input }));
      // EventBridge invokes the function asynchronously: its dead-letter queue covers only a delivery Lambda
      // refused. An invocation that fails after Lambda's own retries goes to this on-failure destination.
      const failedInvocations = failureQueue(
        this,
        `${ruleId}FailedInvocations`,
        `on-failure destination of ${wiring.target.name}'s asynchronous invocations`,
      );
      handler.configureAsyncInvoke({
        onFailure: sendOnlyQueueDestination(failedInvocations),
        retryAttempts: ASYNC_INVOKE_RETRY_ATTEMPTS,
      });
      queues.set(`${ruleId}FailedInvocations`, failedInvocations);
    }
    rules.set(ruleId, rule);
    queues.set(ruleId, deadLetterQueue);
  }
}
