import { describe, expect, it } from 'vitest';
import type { ResizeSignal } from '#domain/alarms/signals';
import type { InstanceClass } from '#domain/instance-classes';
import { decideResize } from '#domain/resize/decide-resize';
import type { MetricSeries, ResizeHistoryEntry, ResizeInput, ResizeMetrics } from '#domain/resize/types';
import { measuredPeak } from './peak-fixture.ts';
import { resizeSettings } from './settings-fixture.ts';

const GIB = 1024 ** 3;
const NOW = '2026-03-01T12:00:00.000Z';
const NOW_MS = Date.parse(NOW);

const settings = resizeSettings();

/** `count` datapoints of `value`, one per period, the newest one period before now. */
const series = (
  value: number | ((index: number) => number),
  count: number,
  periodSeconds = 60,
): MetricSeries => ({
  periodSeconds,
  samples: Array.from({ length: count }, (_, index) => ({
    at: new Date(NOW_MS - (count - index) * periodSeconds * 1000).toISOString(),
    value: typeof value === 'function' ? value(index) : value,
  })),
});

/** A healthy instance of `instanceClass` during CDC: moderate CPU, plenty of memory, no swap, low latency. */
const healthy = (instanceClass: InstanceClass = 'dms.r5.large'): ResizeMetrics => {
  const memoryGiB = { 'dms.t3.medium': 4, 'dms.t3.large': 8, 'dms.r5.large': 16, 'dms.r5.xlarge': 32 }[
    instanceClass as 'dms.r5.large'
  ];
  return {
    'cpu-high': series(50, 60),
    'memory-low': series((memoryGiB ?? 16) * 0.5 * GIB, 400),
    'swap-growth': series(0, 60),
    'cdc-latency-high': series(5, 60),
    'cpu-low': series(40, 72, 300),
  };
};

const input = (overrides: Partial<ResizeInput> = {}): ResizeInput => ({
  currentClass: 'dms.r5.large',
  phase: 'CDC',
  trigger: { kind: 'alarm', alarmName: 'lakeshift-mig-1-orders-cpu-high', signal: 'cpu-high' },
  metrics: healthy(),
  history: [],
  settings,
  now: NOW,
  ...overrides,
});

const withSeries = (metrics: ResizeMetrics, signal: ResizeSignal, value: MetricSeries): ResizeMetrics => ({
  ...metrics,
  [signal]: value,
});

const change = (minutesAgo: number, action: 'step-up' | 'step-down' = 'step-up'): ResizeHistoryEntry => ({
  at: new Date(NOW_MS - minutesAgo * 60_000).toISOString(),
  fromClass: 'dms.r5.large',
  trigger: { kind: 'alarm', alarmName: 'lakeshift-mig-1-orders-cpu-high' },
  action,
  targetClass: 'dms.r5.xlarge',
  rule: action,
  reason: 'earlier',
  metrics: {},
});

describe('decideResize', () => {
  describe('phases', () => {
    it.each(['PROVISIONING', 'FULL_LOAD'] as const)(
      'never acts during %s, whatever the metrics say',
      (phase) => {
        // Prepare
        const busy = withSeries(healthy(), 'cpu-high', series(99, 60));

        // Act
        const decision = decideResize(
          input({ phase, metrics: busy, trigger: { kind: 'manual', targetClass: 'dms.r5.xlarge' } }),
        );

        // Assess
        expect(decision).toMatchObject({ action: 'stay', rule: 'full-load' });
        expect(decision.targetClass).toBeUndefined();
      },
    );

    it('never starts a second resize while one is in flight', () => {
      // Act
      const decision = decideResize(
        input({ phase: 'RESIZING', metrics: withSeries(healthy(), 'cpu-high', series(99, 60)) }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'resize-in-flight' });
    });

    it.each(['REQUESTED', 'STOPPED', 'FAILED', 'TEARING_DOWN', 'DELETED'] as const)(
      'does nothing in %s',
      (phase) => {
        // Act
        const decision = decideResize(input({ phase }));

        // Assess
        expect(decision).toMatchObject({ action: 'stay', rule: 'not-in-cdc' });
      },
    );

    it('ignores alarms while stepping down after the full load', () => {
      // Act
      const decision = decideResize(input({ phase: 'STEPPING_DOWN', currentClass: 'dms.r5.xlarge' }));

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'not-in-cdc' });
    });
  });

  describe('after the full load', () => {
    it('steps down to the configured steady class, ignoring the cooldown', () => {
      // Act
      const decision = decideResize(
        input({
          phase: 'STEPPING_DOWN',
          currentClass: 'dms.r5.xlarge',
          trigger: { kind: 'full-load-done' },
          history: [change(1)],
        }),
      );

      // Assess
      expect(decision).toEqual({
        action: 'step-down',
        targetClass: 'dms.r5.large',
        rule: 'step-down-after-full-load',
        reason: 'configured steady class dms.r5.large: dms.r5.xlarge → dms.r5.large',
        metrics: {},
      });
    });

    it('with auto, sizes from the peak seen while the cached changes were applied', () => {
      // Act
      const decision = decideResize(
        input({
          phase: 'STEPPING_DOWN',
          currentClass: 'dms.r5.xlarge',
          trigger: { kind: 'full-load-done' },
          settings: { ...settings, steadyClass: 'auto' },
          // 20% of 4 vCPU and 30 of 32 GiB free: 1.04 vCPU and 2.6 GiB with 30% headroom.
          peak: measuredPeak({ cpuPercent: 20, freeableMemoryBytes: 30 * GIB }),
        }),
      );

      // Assess
      expect(decision).toMatchObject({
        action: 'step-down',
        targetClass: 'dms.t3.medium',
        rule: 'step-down-after-full-load',
      });
    });

    it('with auto, does not step down again on a retry that finds the instance already stepped down', () => {
      // Act
      const decision = decideResize(
        input({
          phase: 'STEPPING_DOWN',
          currentClass: 'dms.r5.large',
          fullLoadClass: 'dms.r5.xlarge',
          trigger: { kind: 'full-load-done' },
          settings: { ...settings, steadyClass: 'auto' },
          // A peak that alone would size the instance back up to the full-load class.
          peak: measuredPeak({ cpuPercent: 90, freeableMemoryBytes: 2 * GIB }),
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'already-there' });
    });

    it('with auto, still steps down from the full-load class the plan names', () => {
      // Act
      const decision = decideResize(
        input({
          phase: 'STEPPING_DOWN',
          currentClass: 'dms.r5.xlarge',
          fullLoadClass: 'dms.r5.xlarge',
          trigger: { kind: 'full-load-done' },
          settings: { ...settings, steadyClass: 'auto' },
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'step-down', targetClass: 'dms.r5.large' });
    });
  });

  describe('cooldown', () => {
    it('stays within the cooldown after a change, even on a sustained breach', () => {
      // Act
      const decision = decideResize(
        input({ metrics: withSeries(healthy(), 'cpu-high', series(99, 60)), history: [change(29)] }),
      );

      // Assess
      expect(decision).toMatchObject({
        action: 'stay',
        rule: 'cooldown',
        reason: 'cooling down after the last change until 2026-03-01T12:01:00.000Z',
      });
    });

    it('acts again once the cooldown has passed', () => {
      // Act
      const decision = decideResize(
        input({ metrics: withSeries(healthy(), 'cpu-high', series(99, 60)), history: [change(30)] }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'step-up', targetClass: 'dms.r5.xlarge' });
    });

    it('does not count decisions that changed nothing', () => {
      // Prepare
      const noChange: ResizeHistoryEntry = {
        ...change(1),
        action: 'stay',
        targetClass: undefined,
        rule: 'within-thresholds',
      };

      // Act
      const decision = decideResize(
        input({ metrics: withSeries(healthy(), 'cpu-high', series(99, 60)), history: [noChange] }),
      );

      // Assess
      expect(decision.action).toBe('step-up');
    });
  });

  describe('step up', () => {
    it('steps one rung up on sustained high CPU, with the reading behind it', () => {
      // Prepare: 13 of the last 15 minutes above 80%.
      const cpu = series((index) => (index === 50 || index === 55 ? 70 : 92), 60);

      // Act
      const decision = decideResize(input({ metrics: withSeries(healthy(), 'cpu-high', cpu) }));

      // Assess
      expect(decision).toMatchObject({
        action: 'step-up',
        targetClass: 'dms.r5.xlarge',
        rule: 'step-up',
        reason: 'cpu-high (13 of 15 datapoints past 80 over 15 min): dms.r5.large → dms.r5.xlarge',
      });
      expect(decision.metrics['cpu-high']).toEqual({
        windowMinutes: 15,
        threshold: 80,
        samples: 15,
        expected: 15,
        breaching: 13,
        fired: true,
        latest: 92,
        min: 70,
        max: 92,
      });
    });

    it('stays when a CPU spike is too short to be sustained', () => {
      // Prepare: 11 of 15 minutes above the threshold (12 needed).
      const cpu = series((index) => (index >= 49 ? 95 : 40), 60);

      // Act
      const decision = decideResize(input({ metrics: withSeries(healthy(), 'cpu-high', cpu) }));

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'within-thresholds' });
      expect(decision.metrics['cpu-high']?.breaching).toBe(11);
    });

    it('steps up to a rung with more memory when freeable memory is low', () => {
      // Prepare: 1 GiB free on a 16 GiB class.
      const memory = series(1 * GIB, 400);

      // Act
      const decision = decideResize(input({ metrics: withSeries(healthy(), 'memory-low', memory) }));

      // Assess
      expect(decision).toMatchObject({ action: 'step-up', targetClass: 'dms.r5.xlarge', rule: 'step-up' });
    });

    it('steps up when swap keeps growing past the allowed amount', () => {
      // Act
      const decision = decideResize(
        input({
          metrics: withSeries(
            healthy(),
            'swap-growth',
            series((index) => GIB + index * 1e6, 60),
          ),
        }),
      );

      // Assess
      expect(decision).toMatchObject({
        action: 'step-up',
        rule: 'step-up',
        reason: expect.stringContaining('swap-growth'),
      });
    });

    it('steps up on high CDC latency', () => {
      // Act
      const decision = decideResize(
        input({ metrics: withSeries(healthy(), 'cdc-latency-high', series(600, 60)) }),
      );

      // Assess
      expect(decision).toMatchObject({
        action: 'step-up',
        targetClass: 'dms.r5.xlarge',
        reason: expect.stringContaining('cdc-latency-high'),
      });
    });

    it('stays at the ceiling, saying why', () => {
      // Act
      const decision = decideResize(
        input({
          currentClass: 'dms.r5.4xlarge',
          metrics: withSeries(healthy(), 'cpu-high', series(99, 60)),
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'at-ceiling' });
    });

    it('skips a rung that would add memory but no vCPU when CPU is short', () => {
      // Prepare: t3.large (2 vCPU) → r5.large has 2 vCPU too; r5.xlarge has 4.
      const cpu = series(95, 60);

      // Act
      const decision = decideResize(
        input({
          currentClass: 'dms.t3.large',
          metrics: withSeries(healthy('dms.t3.large'), 'cpu-high', cpu),
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'step-up', targetClass: 'dms.r5.xlarge' });
    });
  });

  describe('step down', () => {
    /** dms.r5.xlarge idling: CPU peaks at 10%, 28 of its 32 GiB free. */
    const quietCdc = (): ResizeMetrics =>
      withSeries(
        withSeries(healthy('dms.r5.xlarge'), 'cpu-low', series(10, 72, 300)),
        'memory-low',
        series(28 * GIB, 400),
      );

    it('steps one rung down after a whole quiet window when the smaller class fits', () => {
      // Act
      const decision = decideResize(input({ currentClass: 'dms.r5.xlarge', metrics: quietCdc() }));

      // Assess
      expect(decision).toMatchObject({
        action: 'step-down',
        targetClass: 'dms.r5.large',
        rule: 'step-down',
        reason: 'cpu-low (72 of 72 datapoints past 25 over 360 min): dms.r5.xlarge → dms.r5.large',
      });
    });

    it('stays when one datapoint of the quiet window was busy', () => {
      // Prepare
      const cpuLow = series((index) => (index === 10 ? 60 : 10), 72, 300);

      // Act
      const decision = decideResize(
        input({ currentClass: 'dms.r5.xlarge', metrics: withSeries(quietCdc(), 'cpu-low', cpuLow) }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'within-thresholds' });
    });

    it('stays when the quiet window has too few datapoints to judge', () => {
      // Act
      const decision = decideResize(
        input({
          currentClass: 'dms.r5.xlarge',
          metrics: withSeries(quietCdc(), 'cpu-low', series(10, 50, 300)),
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'within-thresholds' });
    });

    it('waits a whole quiet window after the last change', () => {
      // Act
      const decision = decideResize(
        input({ currentClass: 'dms.r5.xlarge', metrics: quietCdc(), history: [change(120)] }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'quiet-too-short' });
    });

    it('stays when the smaller class could not hold the memory in use', () => {
      // Prepare: 4 GiB free of 32 GiB: 28 GiB used would not fit 16 GiB.
      const memory = series(4 * GIB, 400);

      // Act
      const decision = decideResize(
        input({ currentClass: 'dms.r5.xlarge', metrics: withSeries(quietCdc(), 'memory-low', memory) }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'step-down-would-not-fit' });
      expect(decision.reason).toContain('28.00 GiB in use');
    });

    it('stays when the smaller class would run hot on fewer vCPUs', () => {
      // Prepare: a 24% peak on 4 vCPU is 48% on 2 vCPU; with 30% headroom that passes a 60% step-up threshold.
      const strict = { ...settings, stepUp: { ...settings.stepUp, cpuPercent: 60 } };
      const metrics = withSeries(quietCdc(), 'cpu-low', series(24, 72, 300));

      // Act
      const decision = decideResize(input({ currentClass: 'dms.r5.xlarge', settings: strict, metrics }));

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'step-down-would-not-fit' });
      expect(decision.reason).toContain('would be 48%');
    });

    it('stays at the floor', () => {
      // Act
      const decision = decideResize(
        input({
          currentClass: 'dms.t3.medium',
          metrics: withSeries(healthy('dms.t3.medium'), 'cpu-low', series(5, 72, 300)),
        }),
      );

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'at-floor' });
    });
  });

  describe('bounds and manual requests', () => {
    it('brings a class above the ceiling back down to it', () => {
      // Act
      const decision = decideResize(input({ currentClass: 'dms.r5.8xlarge' }));

      // Assess
      expect(decision).toMatchObject({
        action: 'step-down',
        targetClass: 'dms.r5.4xlarge',
        rule: 'above-ceiling',
      });
    });

    it('brings a class below the floor up to it', () => {
      // Act
      const decision = decideResize(input({ currentClass: 'dms.t3.micro', settings: { ...settings } }));

      // Assess
      expect(decision).toMatchObject({
        action: 'step-up',
        targetClass: 'dms.t3.medium',
        rule: 'below-floor',
      });
    });

    it('moves to an operator’s target when it is an allowed rung', () => {
      // Act
      const decision = decideResize(input({ trigger: { kind: 'manual', targetClass: 'dms.r5.2xlarge' } }));

      // Assess
      expect(decision).toMatchObject({
        action: 'step-up',
        targetClass: 'dms.r5.2xlarge',
        rule: 'manual',
        reason: 'requested by hand: dms.r5.large → dms.r5.2xlarge',
      });
    });

    it('refuses an operator’s target outside the ladder', () => {
      // Act
      const decision = decideResize(input({ trigger: { kind: 'manual', targetClass: 'dms.c5.xlarge' } }));

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'manual-not-allowed' });
    });
  });

  describe('inputs', () => {
    it('stays with no metrics at all', () => {
      // Act
      const decision = decideResize(input({ metrics: {} }));

      // Assess
      expect(decision).toMatchObject({ action: 'stay', rule: 'within-thresholds' });
      expect(decision.metrics['cpu-high']).toMatchObject({
        samples: 0,
        expected: 15,
        fired: false,
        latest: null,
      });
    });

    it('ignores datapoints newer than now or older than the window', () => {
      // Prepare
      const future = {
        periodSeconds: 60,
        samples: Array.from({ length: 15 }, (_, index) => ({
          at: new Date(NOW_MS + (index + 1) * 60_000).toISOString(),
          value: 99,
        })),
      };

      // Act
      const decision = decideResize(input({ metrics: withSeries(healthy(), 'cpu-high', future) }));

      // Assess
      expect(decision.metrics['cpu-high']?.samples).toBe(0);
      expect(decision.action).toBe('stay');
    });

    it('rejects a now that is not an ISO date-time', () => {
      // Act
      const decide = () => decideResize(input({ now: 'noon' }));

      // Assess
      expect(decide).toThrow(
        expect.objectContaining({
          name: 'InvalidHandlerInput',
          message: 'now: must be an ISO date-time, got "noon"',
        }),
      );
    });
  });
});
