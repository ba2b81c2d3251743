/**
 * Moving an alarm to a new state, and the `CloudWatch Alarm State Change` event that a change of value sends to
 * the event sink.
 */
import { CLOUDWATCH_ALARM_STATE_CHANGE, CLOUDWATCH_EVENT_SOURCE } from '#contracts/events';
import type { ServiceEvent } from '#local/aws/shared/service-event';
import type { AlarmState, MetricAlarm } from './alarm-definition.ts';
import { type AlarmStateValue, formatAlarmTimestamp } from './alarm-evaluation.ts';

export interface AlarmStateUpdate {
  readonly value: AlarmStateValue;
  readonly reason: string;
  readonly reasonData?: string;
}

/** Records the new state; publishes an event only when the value changes. */
export const changeAlarmState = (
  alarm: MetricAlarm,
  update: AlarmStateUpdate,
  now: number,
  publish: (event: ServiceEvent) => void,
): void => {
  const previous = alarm.state;
  alarm.state = { ...update, updatedAt: now, transitionedAt: now };
  if (previous.value === update.value) return;
  publish(alarmStateChangeEvent(alarm, previous));
};

const alarmStateChangeEvent = (alarm: MetricAlarm, previous: AlarmState): ServiceEvent => ({
  source: CLOUDWATCH_EVENT_SOURCE,
  detailType: CLOUDWATCH_ALARM_STATE_CHANGE,
  resources: [alarm.arn],
  detail: {
    alarmName: alarm.name,
    state: eventState(alarm.state),
    previousState: eventState(previous),
    configuration: {
      description: alarm.description,
      metrics: [
        {
          id: alarm.metric.queryId,
          metricStat: {
            metric: {
              namespace: alarm.metric.namespace,
              name: alarm.metric.metricName,
              dimensions: Object.fromEntries(alarm.metric.dimensions.map((d) => [d.Name, d.Value])),
            },
            period: alarm.metric.period,
            stat: alarm.metric.stat,
          },
          returnData: true,
        },
      ],
    },
  },
});

const eventState = (state: AlarmState) => ({
  value: state.value,
  reason: state.reason,
  ...(state.reasonData ? { reasonData: state.reasonData } : {}),
  timestamp: formatAlarmTimestamp(state.updatedAt),
});
