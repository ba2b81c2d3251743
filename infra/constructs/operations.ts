import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE } from '#contracts/metrics';
import { APP_NAME, type StateMachineName } from '#contracts/names';
import { lakeshiftDashboard } from './dashboard.ts';
import { failureQueue } from './failure-queue.ts';
import type { HandlerFunction } from './handler-function.ts';

/** Thresholds of lakeshift's own health alarms. */
export const HEALTH_ALARMS = {
  /** Any failed or timed-out execution of a state machine in five minutes. */
  failedExecutions: { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 },
  /**
   * Handler errors: some are expected (ResourceBusy and Throttled are thrown for the state machine to retry), so
   * the alarm wants 5 errors in a five-minute window, in 2 of the last 3 windows.
   */
  handlerErrors: { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 2 },
  /**
   * Any event in a dead-letter queue or an on-failure destination: a trigger was lost after EventBridge's retries,
   * an asynchronous handler failed after Lambda's, or an alarm e-mail could not be delivered after SNS's.
   */
  deadLetters: { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 },
  /** A database a failed resize left with CDC stopped for 15 minutes (three reconciler sweeps). */
  resumesPending: { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 3, datapointsToAlarm: 3 },
} as const;

/** Key of the alarm e-mail subscription's dead-letter queue beside the rules' queues. */
const ALARM_EMAIL_QUEUE = 'AlarmEmail';

export interface OperationsProps {
  readonly stackName: string;
  readonly key: kms.IKey;
  readonly alarmEmail?: string;
  readonly stateMachines: ReadonlyMap<StateMachineName, sfn.StateMachine>;
  /** Keyed by label: the handler's name, with the network for a copy outside `default`. */
  readonly handlers: ReadonlyMap<string, HandlerFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, sqs.Queue>;
}

/** The dashboard, and alarms on lakeshift's own health to an encrypted SNS topic. */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsProps,
  ) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${props.stackName} health alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    const deadLetterQueues = new Map(props.deadLetterQueues);
    if (props.alarmEmail) deadLetterQueues.set(ALARM_EMAIL_QUEUE, this.subscribeAlarmEmail(props.alarmEmail));

    for (const [name, machine] of props.stateMachines) {
      const { period, ...evaluation } = HEALTH_ALARMS.failedExecutions;
      this.addAlarm(`FailedExecutions-${name}`, `failed-executions-${name}`, {
        metric: new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: machine.metricFailed({ period }),
            timedOut: machine.metricTimedOut({ period }),
          },
          label: `${name} failed or timed out`,
          period,
        }),
        ...evaluation,
        alarmDescription: `${name} executions failed or timed out; see the execution's history in the Step Functions console.`,
      });
    }
    for (const [name, handler] of props.handlers) {
      const { period, ...evaluation } = HEALTH_ALARMS.handlerErrors;
      this.addAlarm(`HandlerErrors-${name}`, `handler-errors-${name}`, {
        metric: handler.function.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        ...evaluation,
        alarmDescription: `The ${name} handler keeps failing; see its log group.`,
      });
    }
    for (const [ruleId, queue] of deadLetterQueues) {
      const { period, ...evaluation } = HEALTH_ALARMS.deadLetters;
      const description =
        ruleId === ALARM_EMAIL_QUEUE
          ? 'Alarm e-mails could not be delivered after SNS retried for 6 hours; they wait in this queue.'
          : `Events of ${ruleId} could not be delivered or handled; they wait in this queue.`;
      this.addAlarm(`DeadLetters-${ruleId}`, `dead-letters-${ruleId}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        ...evaluation,
        alarmDescription: description,
      });
    }
    const { period: resumePeriod, ...resumeEvaluation } = HEALTH_ALARMS.resumesPending;
    this.addAlarm('ResumesPending', 'resumes-pending', {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC_NAMES.resumesPending,
        dimensionsMap: { service: APP_NAME },
        period: resumePeriod,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      ...resumeEvaluation,
      alarmDescription:
        'A failed resize left CDC stopped and the reconciler has not resumed it yet; see the Resize Failed events.',
    });

    // The reconciler counts each replication slot found inactive too long during CDC (docs/source-safety.md).
    this.addAlarm('ReplicationSlotIncidents', 'replication-slot-incidents', {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC_NAMES.slotIncident,
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      alarmDescription:
        "A database's replication slot has been inactive during CDC: its WAL piles up on the source. See the Replication Slot Inactive event.",
    });

    this.dashboard = lakeshiftDashboard(this, 'Dashboard', {
      dashboardName: props.stackName,
      stateMachines: props.stateMachines,
      handlers: props.handlers,
      deadLetterQueues,
      alarms: this.alarms,
    });
  }

  /**
   * SNS gives up on an e-mail address after 50 attempts over 6 hours and drops the message unless the subscription
   * has a dead-letter queue (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html).
   */
  private subscribeAlarmEmail(address: string): sqs.Queue {
    const undelivered = failureQueue(
      this,
      'UndeliveredAlarmEmails',
      'dead-letter queue of the alarm e-mails',
    );
    this.topic.addSubscription(
      new subscriptions.EmailSubscription(address, { deadLetterQueue: undelivered }),
    );
    return undelivered;
  }

  /**
   * Health alarm names start with `health-`, never with ALARM_NAME_PREFIX: the resize rule starts resize-instance
   * for every alarm with that prefix, and a health alarm must not look like a database's CDC alarm.
   */
  static alarmName(stackName: string, suffix: string): string {
    return `health-${stackName}-${suffix}`;
  }

  private addAlarm(
    id: string,
    suffix: string,
    props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'comparisonOperator' | 'treatMissingData'>,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      alarmName: Operations.alarmName(this.props.stackName, suffix),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing ran, which is healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
