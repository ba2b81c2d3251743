import { describe, expect, it } from 'vitest';
import type { ResizeSettings } from '#domain/request/resize-settings';
import { peakNeeds, stepDownTarget } from '#domain/resize/step-down-target';
import { measuredPeak as measured } from './peak-fixture.ts';
import { resizeSettings } from './settings-fixture.ts';

const GIB = 1024 ** 3;

const settings = (overrides: Partial<ResizeSettings> = {}): ResizeSettings =>
  resizeSettings({ steadyClass: 'auto', ...overrides });

describe('stepDownTarget', () => {
  it('returns the configured steady class', () => {
    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings({ steadyClass: 'dms.t3.large' }));

    // Assess
    expect(target).toEqual({ targetClass: 'dms.t3.large', reason: 'configured steady class dms.t3.large' });
  });

  it('keeps a configured steady class below the floor at the floor', () => {
    // Act
    const target = stepDownTarget(
      'dms.r5.xlarge',
      settings({ steadyClass: 'dms.t3.medium', floor: 'dms.r5.large' }),
    );

    // Assess
    expect(target).toEqual({
      targetClass: 'dms.r5.large',
      reason: 'configured steady class dms.t3.medium kept within floor/ceiling: dms.r5.large',
    });
  });

  it('with auto and no peak metrics, goes one rung below the full-load class and says why', () => {
    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), {
      found: false,
      why: 'CloudWatch holds no CPUUtilization datapoints',
    });

    // Assess
    expect(target).toEqual({
      targetClass: 'dms.r5.large',
      reason:
        'auto without peak metrics (CloudWatch holds no CPUUtilization datapoints): one rung below dms.r5.xlarge',
    });
  });

  it('with auto, adds the swap used to the memory the peak needs', () => {
    // Prepare: 1 GiB in use plus 3 GiB swapped is 5.2 GiB with headroom: more than dms.t3.medium holds.
    const peak = measured({ cpuPercent: 5, freeableMemoryBytes: 31 * GIB, swapUsageBytes: 3 * GIB });

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(target.targetClass).toBe('dms.t3.large');
  });

  it('with auto, sizes the vCPU by the CDC apply rate when it asks more than the CPU peak', () => {
    // Prepare: 2,500 changes/s at 1,000 per vCPU is 2.5 vCPU, 3.25 with headroom: more than 2 vCPU hold at 80%.
    const peak = measured({ cpuPercent: 5, freeableMemoryBytes: 31 * GIB, cdcChangesPerSecond: 2500 });

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(target.targetClass).toBe('dms.r5.xlarge');
  });

  it('with auto, takes the smallest rung when the peak was tiny', () => {
    // Prepare: about 1 GiB in use and 3% CPU, as a small database's full load uses.
    const peak = measured({ cpuPercent: 3, freeableMemoryBytes: 31 * GIB });

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(target.targetClass).toBe('dms.t3.medium');
  });

  it('with auto, picks the smallest rung whose vCPU and memory cover the peak plus headroom', () => {
    // Prepare: 60% of 4 vCPU = 2.4 (3.12 with headroom); 32 - 22 = 10 GiB used (13 with headroom).
    const peak = measured({ cpuPercent: 60, freeableMemoryBytes: 22 * GIB });

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(peak.found && peakNeeds('dms.r5.xlarge', peak.peak, settings())).toEqual({
      vCpu: 3.12,
      memoryGiB: 13,
    });
    expect(target).toEqual({
      targetClass: 'dms.r5.xlarge',
      reason:
        'auto: peak 60% CPU, 22 GiB freeable, 0 GiB swap and 0 changes/s arriving on dms.r5.xlarge (60 datapoints of 60 s, 2026-03-01T10:00:00.000Z to 2026-03-01T11:00:00.000Z) needs 3.12 vCPU and 13 GiB with 30% headroom; smallest rung covering it is dms.r5.xlarge',
    });
  });

  it('with auto, steps far down when the cached changes barely used the instance', () => {
    // Prepare: 1.56 vCPU and 5.2 GiB with headroom: more memory than dms.t3.medium's 4 GiB.
    const peak = measured({ cpuPercent: 30, freeableMemoryBytes: 28 * GIB });

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(target.targetClass).toBe('dms.t3.large');
  });

  it('with auto, never goes above the full-load class even when the peak needs more', () => {
    // Act
    const target = stepDownTarget(
      'dms.r5.large',
      settings(),
      measured({ cpuPercent: 100, freeableMemoryBytes: 0 }),
    );

    // Assess
    expect(target.targetClass).toBe('dms.r5.large');
    expect(target.reason).toContain('no smaller rung covers it, keeping dms.r5.large');
  });

  it('with auto, stays within the ceiling for a full-load class above it', () => {
    // Act
    const target = stepDownTarget(
      'dms.r5.8xlarge',
      settings({ ceiling: 'dms.r5.xlarge' }),
      measured({ cpuPercent: 90, freeableMemoryBytes: 10 * GIB }),
    );

    // Assess
    expect(target.targetClass).toBe('dms.r5.xlarge');
  });

  it('refuses settings whose floor and ceiling leave no rung', () => {
    // Act
    const pick = () =>
      stepDownTarget('dms.r5.xlarge', settings({ floor: 'dms.r5.2xlarge', ceiling: 'dms.r5.large' }));

    // Assess
    expect(pick).toThrow(expect.objectContaining({ name: 'InvalidHandlerInput' }));
  });
});
