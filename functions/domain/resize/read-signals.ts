/** Reads each signal's series over its window, the way the alarm that stands for it would. */
import { InvalidInputError } from '#contracts/errors';
import {
  evaluationWindow,
  isBreaching,
  RESIZE_SIGNALS,
  type ResizeSignal,
  SIGNAL_DEFINITIONS,
  SUSTAINED_FRACTION,
  signalThreshold,
  signalWindowMinutes,
} from '#domain/alarms/signals';
import type { InstanceClass } from '#domain/instance-classes';
import type { ResizeSettings } from '#domain/request/resize-settings';
import type { MetricSample, ResizeMetrics, SignalReading } from './types.ts';

const MINUTE_MS = 60_000;

/** Epoch ms of an ISO date-time, or an error naming the field. */
export const parseInstant = (value: string, field: string): number => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field}: must be an ISO date-time, got "${value}"`);
  return ms;
};

/**
 * Samples of periods that started in [end - minutes, end), oldest first: CloudWatch stamps a datapoint with the
 * start of its period, so a 15-minute window holds the 15 one-minute periods before `end`.
 */
export const samplesWithin = (
  samples: readonly MetricSample[],
  endMs: number,
  minutes: number,
): MetricSample[] => {
  const startMs = endMs - minutes * MINUTE_MS;
  return samples
    .map((sample) => ({ sample, ms: Date.parse(sample.at) }))
    .filter(({ ms }) => ms >= startMs && ms < endMs)
    .sort((a, b) => a.ms - b.ms)
    .map(({ sample }) => sample);
};

const readSignal = (
  signal: ResizeSignal,
  metrics: ResizeMetrics,
  settings: ResizeSettings,
  currentClass: InstanceClass,
  nowMs: number,
): SignalReading => {
  const windowMinutes = signalWindowMinutes(signal, settings);
  const planned = evaluationWindow(windowMinutes);
  const periodSeconds = metrics[signal]?.periodSeconds ?? planned.periodSeconds;
  // A window longer than CloudWatch can evaluate is read over the part the alarm covers.
  const windowSeconds = Math.min(windowMinutes * 60, planned.periodSeconds * planned.evaluationPeriods);
  const expected = Math.max(1, Math.floor(windowSeconds / periodSeconds));
  const threshold = signalThreshold(signal, settings, currentClass);
  const values = samplesWithin(metrics[signal]?.samples ?? [], nowMs, windowSeconds / 60)
    .map((sample) => sample.value)
    .filter(Number.isFinite);
  const breaching = values.filter((value) => isBreaching(signal, value, threshold)).length;
  const needed = Math.ceil(expected * SUSTAINED_FRACTION);
  const fired =
    SIGNAL_DEFINITIONS[signal].direction === 'step-up'
      ? breaching >= needed
      : // Quiet only when the window is (nearly) complete and not one datapoint in it was busy.
        values.length >= needed && breaching === values.length;
  return {
    windowMinutes,
    threshold,
    samples: values.length,
    expected,
    breaching,
    fired,
    latest: values.at(-1) ?? null,
    min: values.length > 0 ? Math.min(...values) : null,
    max: values.length > 0 ? Math.max(...values) : null,
  };
};

export const readSignals = (
  metrics: ResizeMetrics,
  settings: ResizeSettings,
  currentClass: InstanceClass,
  nowMs: number,
): Record<ResizeSignal, SignalReading> =>
  Object.fromEntries(
    RESIZE_SIGNALS.map((signal) => [signal, readSignal(signal, metrics, settings, currentClass, nowMs)]),
  ) as Record<ResizeSignal, SignalReading>;
