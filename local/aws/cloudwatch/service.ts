/**
 * Local CloudWatch (`GraniteServiceVersion20100801`): AWS JSON 1.0 with awsQueryCompatible, which is what
 * `@aws-sdk/client-cloudwatch` sends; the AWS CLI's query protocol reaches the same operations through
 * `local/aws/shared/query-protocol.ts`. Metrics (`metric-operations.ts`), metric alarms (`alarm-operations.ts`), and alarm
 * evaluation every emulated minute on the shared clock (`alarm-evaluator.ts`), which emits
 * `CloudWatch Alarm State Change` events (docs/dms-behaviour.md §13) to the event sink.
 */

import type { ServiceEvent } from '#local/aws/shared/service-event';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';
import { AlarmEvaluator } from './alarm-evaluator.ts';
import { AlarmOperations } from './alarm-operations.ts';
import { getMetricData, getMetricStatistics, listMetrics, putMetricData } from './metric-operations.ts';
import { type MetricId, MetricStore, type SampleInput } from './metrics.ts';

export interface LocalCloudWatchOptions {
  readonly clock: Clock;
  /** Receives alarm state change events (the local EventBridge default bus). */
  readonly publish: (event: ServiceEvent) => void;
}

export class LocalCloudWatch implements AwsJsonService {
  readonly name = 'cloudwatch';
  readonly targetPrefix = 'GraniteServiceVersion20100801';
  readonly protocol = 'json1.0' as const;
  readonly queryCompatible = true;
  /** The query protocol's `Version` and XML namespace. */
  readonly apiVersion = '2010-08-01';
  readonly xmlNamespace = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
  readonly metrics = new MetricStore();
  private readonly clock: Clock;
  private readonly alarms: AlarmOperations;
  private readonly evaluator: AlarmEvaluator;

  constructor(options: LocalCloudWatchOptions) {
    this.clock = options.clock;
    this.alarms = new AlarmOperations(() => options.clock.now(), options.publish);
    this.evaluator = new AlarmEvaluator(
      options.clock,
      this.metrics,
      () => this.alarms.all(),
      options.publish,
    );
  }

  /** Starts evaluating alarms once per emulated minute. */
  start(): void {
    this.evaluator.start();
  }

  stop(): void {
    this.evaluator.stop();
  }

  /** Evaluates every alarm now; changes of state are published as events. */
  evaluateAll(): void {
    this.evaluator.evaluateAll();
  }

  /** Records a datapoint as an AWS service does (no reserved-namespace check): the DMS emulator's metric sink. */
  record(id: MetricId, sample: SampleInput): void {
    this.metrics.put(id, sample);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutMetricData':
        return putMetricData(this.metrics, this.clock.now(), input);
      case 'GetMetricStatistics':
        return getMetricStatistics(this.metrics, input);
      case 'GetMetricData':
        return getMetricData(this.metrics, input);
      case 'ListMetrics':
        return listMetrics(this.metrics, input);
      case 'PutMetricAlarm':
        return this.alarms.putMetricAlarm(input);
      case 'DescribeAlarms':
        return this.alarms.describeAlarms(input);
      case 'DeleteAlarms':
        return this.alarms.deleteAlarms(input);
      case 'SetAlarmState':
        return this.alarms.setAlarmState(input);
      case 'ListTagsForResource':
        return this.alarms.listTagsForResource(input);
      default:
        throw new AwsServiceError(
          'InvalidAction',
          `CloudWatch operation ${operation} is not supported locally`,
        );
    }
  }
}
