/**
 * Alarm evaluation on the shared clock: once per emulated minute, each alarm's evaluation window is read from the
 * metric store and judged by `alarm-evaluation.ts`; a change of state goes through `alarm-state-change.ts`.
 */

import type { ServiceEvent } from '#local/aws/shared/service-event';
import type { Clock } from '../../clock.ts';
import type { MetricAlarm } from './alarm-definition.ts';
import { describeEvaluation, evaluateAlarm, formatAlarmTimestamp } from './alarm-evaluation.ts';
import { type AlarmStateUpdate, changeAlarmState } from './alarm-state-change.ts';
import { type MetricStore, statisticValue } from './metrics.ts';

const EVALUATION_INTERVAL_MS = 60_000;
/** Evaluate a little after each minute so that datapoints stamped on the minute have arrived. */
const EVALUATION_OFFSET_MS = 10_000;

export class AlarmEvaluator {
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly metrics: MetricStore,
    private readonly alarms: () => Iterable<MetricAlarm>,
    private readonly publish: (event: ServiceEvent) => void,
  ) {}

  /** Starts evaluating alarms once per emulated minute. */
  start(): void {
    if (this.cancelTimer) return;
    const now = this.clock.now();
    const next = Math.floor(now / EVALUATION_INTERVAL_MS) * EVALUATION_INTERVAL_MS + EVALUATION_OFFSET_MS;
    const tick = () => {
      this.evaluateAll();
      this.cancelTimer = this.clock.schedule(EVALUATION_INTERVAL_MS, tick);
    };
    this.cancelTimer = this.clock.schedule(
      next > now ? next - now : next + EVALUATION_INTERVAL_MS - now,
      tick,
    );
  }

  stop(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Evaluates every alarm now; changes of state are published as events. */
  evaluateAll(): void {
    for (const alarm of this.alarms()) {
      const now = this.clock.now();
      const update = evaluateWindow(alarm, this.metrics, now);
      if (update) changeAlarmState(alarm, update, now, this.publish);
    }
  }
}

/** The new state of an alarm from its last `EvaluationPeriods` periods, or undefined when it stays. */
const evaluateWindow = (
  alarm: MetricAlarm,
  metrics: MetricStore,
  now: number,
): AlarmStateUpdate | undefined => {
  const periodMs = alarm.metric.period * 1000;
  const end = Math.floor(now / periodMs) * periodMs;
  const start = end - alarm.rule.evaluationPeriods * periodMs;
  const buckets = metrics.buckets(alarm.metric, start, end, alarm.metric.period);
  const window: (number | undefined)[] = [];
  const datapoints: { timestamp: number; value: number }[] = [];
  for (let t = start; t < end; t += periodMs) {
    const bucket = buckets.find((b) => b.timestamp === t);
    const value = bucket ? statisticValue(bucket, alarm.metric.stat) : undefined;
    window.push(value);
    if (value !== undefined) datapoints.push({ timestamp: t, value });
  }
  const evaluation = evaluateAlarm(alarm.rule, window, alarm.state.value);
  if (evaluation.state === alarm.state.value) return undefined;
  return {
    value: evaluation.state,
    reason: describeEvaluation(alarm.rule, evaluation, datapoints, alarm.state.value),
    reasonData: JSON.stringify({
      version: '1.0',
      queryDate: formatAlarmTimestamp(now),
      startDate: formatAlarmTimestamp(start),
      statistic: alarm.metric.stat,
      period: alarm.metric.period,
      recentDatapoints: datapoints.map((point) => point.value),
      threshold: alarm.rule.threshold,
      evaluatedDatapoints: datapoints.map((point) => ({
        timestamp: formatAlarmTimestamp(point.timestamp),
        value: point.value,
      })),
    }),
  };
};
