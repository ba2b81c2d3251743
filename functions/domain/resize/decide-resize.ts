/**
 * The resize policy (docs/design.md §3), a pure function. In order:
 * 1. Only at a phase boundary or in CDC: never while provisioning or during the full load (a resize there restarts
 *    the tables still loading), never while another resize is in flight.
 * 2. STEPPING_DOWN: step to the after-full-load target (`stepDownTarget`); no cooldown at the phase boundary. An
 *    instance already below its full-load class (a retry after the step-down) stays.
 * 3. CDC: nothing within `cooldownMinutes` of the last change; then an operator's explicit target; then bring a
 *    class outside [floor, ceiling] back inside; then one rung up on any sustained step-up signal; then one rung
 *    down after a full quiet window, if the smaller class still fits what the window used.
 * Every target is a ladder rung within floor and ceiling. The same input always gives the same decision.
 */
import type { ResizeSignal } from '#domain/alarms/signals';
import { INSTANCE_CLASSES, type InstanceClass } from '#domain/instance-classes';
import { compareInstanceClasses, type ResizeSettings } from '#domain/request/resize-settings';
import { actionTowards, allowedRungs, isAllowed, rungsAbove, rungsBelow } from './ladder.ts';
import { parseInstant, readSignals, samplesWithin } from './read-signals.ts';
import { stepDownTarget } from './step-down-target.ts';
import { lastClassChangeMs } from './time-bound-stays.ts';
import type { MetricsSummary, ResizeDecision, ResizeInput, ResizeRule, SignalReading } from './types.ts';

const MINUTE_MS = 60_000;
const GIB = 1024 ** 3;

type Readings = Record<ResizeSignal, SignalReading>;

const STEP_UP_SIGNALS: readonly ResizeSignal[] = [
  'cpu-high',
  'memory-low',
  'swap-growth',
  'cdc-latency-high',
];

const stay = (rule: ResizeRule, reason: string, metrics: MetricsSummary): ResizeDecision => ({
  action: 'stay',
  rule,
  reason,
  metrics,
});

const move = (
  current: InstanceClass,
  targetClass: InstanceClass,
  rule: ResizeRule,
  reason: string,
  metrics: MetricsSummary,
): ResizeDecision => {
  const action = actionTowards(current, targetClass);
  return action === 'stay'
    ? stay('already-there', `${reason}: already on ${current}`, metrics)
    : { action, targetClass, rule, reason: `${reason}: ${current} → ${targetClass}`, metrics };
};

const describeReading = (signal: ResizeSignal, reading: SignalReading): string =>
  `${signal} (${reading.breaching} of ${reading.expected} datapoints past ${reading.threshold} over ${reading.windowMinutes} min)`;

/** The first rung above that answers every fired signal: more memory for memory/swap, more vCPU for CPU. */
const stepUpTarget = (
  current: InstanceClass,
  fired: readonly ResizeSignal[],
  settings: ResizeSettings,
): InstanceClass | undefined => {
  const spec = INSTANCE_CLASSES[current];
  const needsMemory = fired.includes('memory-low') || fired.includes('swap-growth');
  const needsCpu = fired.includes('cpu-high');
  return rungsAbove(current, settings).find(
    (rung) =>
      (!needsMemory || INSTANCE_CLASSES[rung].memoryGiB > spec.memoryGiB) &&
      (!needsCpu || INSTANCE_CLASSES[rung].vCpu > spec.vCpu),
  );
};

/** Why the next rung down would not fit what the quiet window used, or undefined when it fits. */
const stepDownMisfit = (
  input: ResizeInput,
  target: InstanceClass,
  readings: Readings,
  nowMs: number,
): string | undefined => {
  const { settings, currentClass } = input;
  const current = INSTANCE_CLASSES[currentClass];
  const next = INSTANCE_CLASSES[target];
  const cpuPeak = readings['cpu-low'].max ?? 100;
  const projectedCpu = (cpuPeak * current.vCpu) / next.vCpu;
  if (projectedCpu * (1 + settings.headroom) > settings.stepUp.cpuPercent) {
    return `peak CPU ${cpuPeak}% on ${current.vCpu} vCPU would be ${Math.round(projectedCpu)}% on ${target}'s ${next.vCpu}, too close to ${settings.stepUp.cpuPercent}%`;
  }
  const memory = samplesWithin(
    input.metrics['memory-low']?.samples ?? [],
    nowMs,
    readings['cpu-low'].windowMinutes,
  )
    .map((sample) => sample.value)
    .filter(Number.isFinite);
  if (memory.length === 0)
    return 'no freeable-memory datapoints in the quiet window to size the smaller class';
  const usedGiB = Math.max(0, current.memoryGiB - Math.min(...memory) / GIB);
  const usableGiB = next.memoryGiB * (1 - settings.stepUp.freeableMemoryPercent / 100);
  if (usedGiB * (1 + settings.headroom) > usableGiB) {
    return `${usedGiB.toFixed(2)} GiB in use would leave less than ${settings.stepUp.freeableMemoryPercent}% of ${target}'s ${next.memoryGiB} GiB free`;
  }
  return undefined;
};

const decideInCdc = (input: ResizeInput, nowMs: number): ResizeDecision => {
  const { settings, currentClass, trigger } = input;
  const readings = readSignals(input.metrics, settings, currentClass, nowMs);
  const changedAt = lastClassChangeMs(input.history);
  if (changedAt !== undefined && nowMs - changedAt < settings.cooldownMinutes * MINUTE_MS) {
    const until = new Date(changedAt + settings.cooldownMinutes * MINUTE_MS).toISOString();
    return stay('cooldown', `cooling down after the last change until ${until}`, readings);
  }
  if (trigger.kind === 'manual' && trigger.targetClass !== undefined) {
    return isAllowed(trigger.targetClass, settings)
      ? move(currentClass, trigger.targetClass, 'manual', 'requested by hand', readings)
      : stay(
          'manual-not-allowed',
          `requested class ${trigger.targetClass} is not an allowed rung (${allowedRungs(settings).join(', ')})`,
          readings,
        );
  }
  const allowed = allowedRungs(settings);
  const smallest = allowed[0];
  const largest = allowed.at(-1);
  if (smallest === undefined || largest === undefined) {
    return stay(
      'no-allowed-rung',
      `no ladder rung lies between ${settings.floor} and ${settings.ceiling}`,
      readings,
    );
  }
  if (compareInstanceClasses(currentClass, smallest) < 0) {
    return move(currentClass, smallest, 'below-floor', `below the floor ${settings.floor}`, readings);
  }
  if (compareInstanceClasses(currentClass, largest) > 0) {
    return move(currentClass, largest, 'above-ceiling', `above the ceiling ${settings.ceiling}`, readings);
  }

  const fired = STEP_UP_SIGNALS.filter((signal) => readings[signal].fired);
  if (fired.length > 0) {
    const why = fired.map((signal) => describeReading(signal, readings[signal])).join(', ');
    const target = stepUpTarget(currentClass, fired, settings);
    return target === undefined
      ? stay('at-ceiling', `${why}, but no allowed rung above ${currentClass} adds what is short`, readings)
      : move(currentClass, target, 'step-up', why, readings);
  }

  const quiet = readings['cpu-low'];
  if (!quiet.fired) {
    return stay('within-thresholds', `no signal fired on ${currentClass}`, readings);
  }
  if (changedAt !== undefined && nowMs - changedAt < quiet.windowMinutes * MINUTE_MS) {
    return stay(
      'quiet-too-short',
      `quiet, but ${currentClass} has not run a whole quiet window yet`,
      readings,
    );
  }
  const target = rungsBelow(currentClass, settings).at(-1);
  if (target === undefined) {
    return stay('at-floor', `quiet, but ${currentClass} is already the smallest allowed rung`, readings);
  }
  const misfit = stepDownMisfit(input, target, readings, nowMs);
  return misfit === undefined
    ? move(currentClass, target, 'step-down', describeReading('cpu-low', quiet), readings)
    : stay('step-down-would-not-fit', `quiet, but ${misfit}`, readings);
};

export const decideResize = (input: ResizeInput): ResizeDecision => {
  const nowMs = parseInstant(input.now, 'now');
  const { phase, currentClass, settings, trigger } = input;
  switch (phase) {
    case 'PROVISIONING':
    case 'FULL_LOAD':
      return stay('full-load', `never during ${phase}: a resize now restarts the tables still loading`, {});
    case 'RESIZING':
      return stay('resize-in-flight', 'another resize of this instance is in flight', {});
    case 'STEPPING_DOWN': {
      if (trigger.kind === 'alarm') {
        return stay('not-in-cdc', 'alarms act only in CDC; the after-full-load step-down decides here', {});
      }
      if (trigger.kind === 'manual' && trigger.targetClass !== undefined) {
        return isAllowed(trigger.targetClass, settings)
          ? move(currentClass, trigger.targetClass, 'manual', 'requested by hand', {})
          : stay('manual-not-allowed', `requested class ${trigger.targetClass} is not an allowed rung`, {});
      }
      // A retry after the step-down finds the instance below its full-load class: the step-down is done.
      const fullLoadClass = input.fullLoadClass ?? currentClass;
      if (compareInstanceClasses(currentClass, fullLoadClass) < 0) {
        return stay('already-there', `stepped down from ${fullLoadClass} already: on ${currentClass}`, {});
      }
      const target = stepDownTarget(currentClass, settings, input.peak);
      const decision = move(currentClass, target.targetClass, 'step-down-after-full-load', target.reason, {});
      return input.peak === undefined ? decision : { ...decision, peak: input.peak };
    }
    case 'CDC':
      return decideInCdc(input, nowMs);
    default:
      return stay('not-in-cdc', `nothing to resize in phase ${phase}`, {});
  }
};
