import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE } from '#contracts/metrics';
import type { StateMachineName } from '#contracts/names';
import type { HandlerFunction } from './handler-function.ts';

const PERIOD = Duration.minutes(5);
const WIDTH = 24;

export interface DashboardProps {
  readonly dashboardName: string;
  readonly stateMachines: ReadonlyMap<StateMachineName, sfn.StateMachine>;
  /** Keyed by label: the handler's name, with the network for a copy outside `default`. */
  readonly handlers: ReadonlyMap<string, HandlerFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, sqs.Queue>;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/**
 * A CloudWatch metric SEARCH expression. Replication instances and tasks are created at run time, so their metrics
 * cannot be listed when the stack is deployed; a search finds whatever exists when the dashboard is viewed.
 */
export const searchExpression = (
  query: string,
  statistic: string,
  label: string,
): cloudwatch.MathExpression =>
  new cloudwatch.MathExpression({
    expression: `SEARCH('${query}', '${statistic}', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label,
    period: PERIOD,
  });

/**
 * DMS instance metrics by instance (docs/dms-behaviour.md §4.3: the identifier is the lower-case instance
 * identifier).
 */
const dmsInstanceSearch = (metricName: string, statistic: string): cloudwatch.MathExpression =>
  searchExpression(`{AWS/DMS,ReplicationInstanceIdentifier} MetricName="${metricName}"`, statistic, '');

/** DMS task metrics by (instance, task resource id). */
const dmsTaskSearch = (metricName: string): cloudwatch.MathExpression =>
  searchExpression(
    `{AWS/DMS,ReplicationInstanceIdentifier,ReplicationTaskIdentifier} MetricName="${metricName}"`,
    'Maximum',
    '',
  );

/** lakeshift's own metrics, whatever extra dimensions the publisher adds. */
const lakeshiftSearch = (metricName: string, label: string, statistic = 'Sum'): cloudwatch.MathExpression =>
  searchExpression(`Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"`, statistic, label);

export const lakeshiftDashboard = (
  scope: Construct,
  id: string,
  props: DashboardProps,
): cloudwatch.Dashboard => {
  const dashboard = new cloudwatch.Dashboard(scope, id, {
    dashboardName: props.dashboardName,
    defaultInterval: Duration.days(1),
  });
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# ${props.dashboardName}\nExecutions, phases and resizes of lakeshift, and the replication instances of this account and region.`,
      width: WIDTH,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    ...[...props.stateMachines].map(
      ([name, machine]) =>
        new cloudwatch.GraphWidget({
          title: `${name} executions`,
          width: WIDTH / props.stateMachines.size,
          left: [
            machine.metricStarted({ period: PERIOD, label: 'started' }),
            machine.metricSucceeded({ period: PERIOD, label: 'succeeded' }),
            machine.metricFailed({ period: PERIOD, label: 'failed' }),
            machine.metricTimedOut({ period: PERIOD, label: 'timed out' }),
            machine.metricAborted({ period: PERIOD, label: 'aborted' }),
          ],
        }),
    ),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: `Phases entered (by ${METRIC_DIMENSIONS.phase})`,
      width: WIDTH / 2,
      left: [lakeshiftSearch(METRIC_NAMES.phaseEntered, 'phase')],
    }),
    new cloudwatch.GraphWidget({
      title: `Resizes (decisions by ${METRIC_DIMENSIONS.action}, class changes by ${METRIC_DIMENSIONS.instanceClass})`,
      width: WIDTH / 2,
      left: [lakeshiftSearch(METRIC_NAMES.resizeDecided, 'decision')],
      right: [lakeshiftSearch(METRIC_NAMES.instanceResized, 'resized')],
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: `Databases per phase (by ${METRIC_DIMENSIONS.phase}, at each reconcile run)`,
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.databasesInPhase, 'databases', 'Maximum')],
    }),
    new cloudwatch.GraphWidget({
      title: `Time from request to CDC (s, by ${METRIC_DIMENSIONS.migrationId})`,
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.requestToCdcSeconds, 'request to CDC', 'Maximum')],
    }),
    new cloudwatch.GraphWidget({
      title: `Full-load duration (s, by ${METRIC_DIMENSIONS.migrationId})`,
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.fullLoadSeconds, 'full load', 'Maximum')],
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Resumes pending (CDC a failed resize left stopped, at each reconcile run)',
      width: WIDTH,
      left: [lakeshiftSearch(METRIC_NAMES.resumesPending, 'resumes pending', 'Maximum')],
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Replication instances: CPU (%)',
      width: WIDTH / 3,
      left: [dmsInstanceSearch('CPUUtilization', 'Average')],
    }),
    new cloudwatch.GraphWidget({
      title: 'Replication instances: freeable memory and swap (bytes)',
      width: WIDTH / 3,
      left: [dmsInstanceSearch('FreeableMemory', 'Minimum')],
      right: [dmsInstanceSearch('SwapUsage', 'Maximum')],
    }),
    new cloudwatch.GraphWidget({
      title: 'Replication tasks: CDC latency (s)',
      width: WIDTH / 3,
      left: [dmsTaskSearch('CDCLatencySource'), dmsTaskSearch('CDCLatencyTarget')],
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Replication slots: WAL retained on the source (bytes)',
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.slotRetainedWal, '', 'Maximum')],
    }),
    new cloudwatch.GraphWidget({
      title: 'Replication slots: read by their task (1) or not (0)',
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.slotActive, '', 'Minimum')],
    }),
    new cloudwatch.GraphWidget({
      title: 'Replication slots: inactive-slot incidents',
      width: WIDTH / 3,
      left: [lakeshiftSearch(METRIC_NAMES.slotIncident, 'incidents')],
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Handler errors',
      width: WIDTH / 3,
      left: [...props.handlers].map(([name, handler]) =>
        handler.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM, label: name }),
      ),
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queues (events not delivered)',
      width: WIDTH / 3,
      left: [...props.deadLetterQueues].map(([rule, queue]) =>
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: rule }),
      ),
    }),
    new cloudwatch.AlarmStatusWidget({
      title: 'lakeshift health alarms',
      width: WIDTH / 3,
      alarms: [...props.alarms],
    }),
  );
  return dashboard;
};
