import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PHASES } from '#contracts/phases';
import { RESIZE_SIGNALS } from '#domain/alarms/signals';
import { INSTANCE_CLASS_NAMES, type InstanceClass } from '#domain/instance-classes';
import { compareInstanceClasses, type ResizeSettings } from '#domain/request/resize-settings';
import { decideResize } from '#domain/resize/decide-resize';
import { allowedRungs } from '#domain/resize/ladder';
import { stepDownTarget } from '#domain/resize/step-down-target';
import type {
  MetricSeries,
  PeakReading,
  ResizeHistoryEntry,
  ResizeInput,
  ResizeMetrics,
  ResizeTrigger,
} from '#domain/resize/types';

const NOW_MS = Date.parse('2026-03-01T12:00:00.000Z');
const GIB = 1024 ** 3;

/** Classes sorted smallest first, one per size (classes of equal size cannot share a ladder). */
const DISTINCT_SIZES = [...INSTANCE_CLASS_NAMES]
  .sort(compareInstanceClasses)
  .filter(
    (name, index, sorted) =>
      index === 0 || compareInstanceClasses(sorted[index - 1] as InstanceClass, name) < 0,
  );

const instanceClassArb = fc.constantFrom(...INSTANCE_CLASS_NAMES);

const settingsArb: fc.Arbitrary<ResizeSettings> = fc
  .subarray(DISTINCT_SIZES, { minLength: 1 })
  .chain((ladder) =>
    fc
      .tuple(fc.nat({ max: ladder.length - 1 }), fc.nat({ max: ladder.length - 1 }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)
      .chain(([floor, ceiling]) =>
        fc.record({
          steadyClass: fc.oneof(fc.constant('auto' as const), fc.constantFrom(...ladder)),
          ladder: fc.constant(ladder),
          floor: fc.constant(ladder[floor] as InstanceClass),
          ceiling: fc.constant(ladder[ceiling] as InstanceClass),
          cooldownMinutes: fc.integer({ min: 0, max: 180 }),
          headroom: fc.double({ min: 0, max: 1, noNaN: true }),
          cdcChangesPerVcpuSecond: fc.integer({ min: 1, max: 100_000 }),
          stepUp: fc.record({
            cpuPercent: fc.integer({ min: 1, max: 100 }),
            freeableMemoryPercent: fc.integer({ min: 0, max: 100 }),
            swapUsageBytes: fc.integer({ min: 0, max: 2 * GIB }),
            cdcLatencySeconds: fc.integer({ min: 1, max: 3600 }),
            sustainedMinutes: fc.integer({ min: 1, max: 90 }),
          }),
          stepDown: fc.record({
            cpuPercent: fc.integer({ min: 0, max: 100 }),
            quietMinutes: fc.integer({ min: 1, max: 1440 }),
          }),
        }),
      ),
  );

/** Scattered datapoints, or a dense run of consecutive periods around one level (what sustained signals need). */
const seriesArb = (periodSeconds: number, maxValue: number): fc.Arbitrary<MetricSeries> => {
  const scattered = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 400 }), fc.double({ min: 0, max: maxValue, noNaN: true })),
    { maxLength: 80 },
  );
  const dense = fc
    .record({
      count: fc.integer({ min: 0, max: 400 }),
      level: fc.double({ min: 0, max: maxValue, noNaN: true }),
      spread: fc.double({ min: 0, max: 0.2, noNaN: true }),
    })
    .map(({ count, level, spread }) =>
      Array.from({ length: count }, (_, index): [number, number] => [
        index,
        level * (1 - (spread * ((index * 7) % 3)) / 2),
      ]),
    );
  return fc.oneof(scattered, dense).map((points) => ({
    periodSeconds,
    samples: points.map(([periodsAgo, value]) => ({
      at: new Date(NOW_MS - (periodsAgo + 1) * periodSeconds * 1000).toISOString(),
      value,
    })),
  }));
};

const metricsArb: fc.Arbitrary<ResizeMetrics> = fc.record(
  {
    'cpu-high': seriesArb(60, 100),
    'memory-low': seriesArb(60, 64 * GIB),
    'swap-growth': seriesArb(60, 4 * GIB),
    'cdc-latency-high': seriesArb(60, 2000),
    'cpu-low': seriesArb(300, 100),
  },
  { requiredKeys: [] },
);

const triggerArb: fc.Arbitrary<ResizeTrigger> = fc.oneof(
  fc.record({
    kind: fc.constant('alarm' as const),
    alarmName: fc.constant('lakeshift-m-d-cpu-high'),
    signal: fc.constantFrom(...RESIZE_SIGNALS),
  }),
  fc.constant({ kind: 'full-load-done' as const }),
  fc.record(
    { kind: fc.constant('manual' as const), targetClass: instanceClassArb },
    { requiredKeys: ['kind'] },
  ),
  fc.constant({ kind: 'reconcile' as const }),
);

const historyArb: fc.Arbitrary<ResizeHistoryEntry[]> = fc
  .array(
    fc.record({
      minutesAgo: fc.integer({ min: 0, max: 2000 }),
      action: fc.constantFrom('stay' as const, 'step-up' as const, 'step-down' as const),
    }),
    { maxLength: 6 },
  )
  .map((entries) =>
    entries.map(({ minutesAgo, action }) => ({
      at: new Date(NOW_MS - minutesAgo * 60_000).toISOString(),
      fromClass: 'dms.r5.large',
      trigger: { kind: 'reconcile' as const },
      action,
      rule: action === 'stay' ? ('within-thresholds' as const) : action,
      reason: 'earlier',
      metrics: {},
    })),
  );

const peakArb: fc.Arbitrary<PeakReading> = fc.oneof(
  fc.record({
    found: fc.constant(true as const),
    peak: fc.record({
      cpuPercent: fc.double({ min: 0, max: 100, noNaN: true }),
      freeableMemoryBytes: fc.double({ min: 0, max: 1024 * GIB, noNaN: true }),
      swapUsageBytes: fc.double({ min: 0, max: 64 * GIB, noNaN: true }),
      cdcChangesPerSecond: fc.double({ min: 0, max: 100_000, noNaN: true }),
      startTime: fc.constant('2026-03-01T10:00:00.000Z'),
      endTime: fc.constant('2026-03-01T11:00:00.000Z'),
      periodSeconds: fc.constant(60),
      datapoints: fc.integer({ min: 1, max: 60 }),
    }),
  }),
  fc.record({ found: fc.constant(false as const), why: fc.string() }),
);

/** Mostly CDC on a ladder rung, where the policy has the most to decide; any phase and any class otherwise. */
const inputArb: fc.Arbitrary<ResizeInput> = settingsArb.chain((settings) =>
  fc.record(
    {
      currentClass: fc.oneof(fc.constantFrom(...settings.ladder), instanceClassArb),
      phase: fc.oneof(
        { weight: 4, arbitrary: fc.constant('CDC' as const) },
        { weight: 1, arbitrary: fc.constantFrom(...PHASES) },
      ),
      trigger: triggerArb,
      metrics: metricsArb,
      history: historyArb,
      settings: fc.constant(settings),
      now: fc.constant(new Date(NOW_MS).toISOString()),
      peak: peakArb,
    },
    { requiredKeys: ['currentClass', 'phase', 'trigger', 'metrics', 'history', 'settings', 'now'] },
  ),
);

describe('decideResize properties', () => {
  it('never chooses a class outside the ladder, the floor or the ceiling', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        // Act
        const decision = decideResize(input);

        // Assess
        if (decision.action === 'stay') return decision.targetClass === undefined;
        return (
          decision.targetClass !== undefined &&
          allowedRungs(input.settings).includes(decision.targetClass) &&
          decision.targetClass !== input.currentClass
        );
      }),
      { numRuns: 200 },
    );
  });

  it('steps up only to a larger class and down only to a smaller one', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        // Act
        const decision = decideResize(input);

        // Assess
        if (decision.action === 'stay' || decision.targetClass === undefined) return true;
        const order = compareInstanceClasses(decision.targetClass, input.currentClass);
        return decision.action === 'step-up' ? order >= 0 : order < 0;
      }),
      { numRuns: 200 },
    );
  });

  it('never acts while provisioning or during the full load', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.constantFrom('PROVISIONING' as const, 'FULL_LOAD' as const),
        (input, phase) => {
          // Act
          const decision = decideResize({ ...input, phase });

          // Assess
          return decision.action === 'stay' && decision.rule === 'full-load';
        },
      ),
    );
  });

  it('stays in CDC within the cooldown of the last change', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 10_000 }), (input, fraction) => {
        // Prepare: a change some time within the cooldown.
        fc.pre(input.settings.cooldownMinutes > 0);
        const minutesAgo = (input.settings.cooldownMinutes * fraction) / 10_001;
        const recent: ResizeHistoryEntry = {
          at: new Date(NOW_MS - minutesAgo * 60_000).toISOString(),
          fromClass: input.currentClass,
          trigger: { kind: 'reconcile' },
          action: 'step-up',
          targetClass: input.currentClass,
          rule: 'step-up',
          reason: 'earlier',
          metrics: {},
        };

        // Act
        const decision = decideResize({ ...input, phase: 'CDC', history: [...input.history, recent] });

        // Assess
        return decision.action === 'stay' && decision.rule === 'cooldown';
      }),
    );
  });

  it('gives the same decision for the same input and leaves the input untouched', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        // Prepare
        const copy = structuredClone(input);

        // Act
        const first = decideResize(input);
        const second = decideResize(copy);

        // Assess
        expect(second).toEqual(first);
        expect(input).toEqual(copy);
      }),
    );
  });
});

describe('stepDownTarget properties', () => {
  it('always lands on an allowed rung', () => {
    fc.assert(
      fc.property(
        instanceClassArb,
        settingsArb,
        fc.option(peakArb, { nil: undefined }),
        (fullLoadClass, settings, peak) => {
          // Act
          const { targetClass } = stepDownTarget(fullLoadClass, settings, peak);

          // Assess
          return allowedRungs(settings).includes(targetClass);
        },
      ),
      { numRuns: 200 },
    );
  });
});
