import { describe, expect, it } from 'vitest';
import type { ResizeSettings } from '#domain/request/resize-settings';
import { peakNeeds, stepDownTarget } from '#domain/resize/step-down-target';
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

  it('with auto and no peak metrics, goes one rung below the full-load class', () => {
    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings());

    // Assess
    expect(target).toEqual({
      targetClass: 'dms.r5.large',
      reason: 'auto without peak metrics: one rung below dms.r5.xlarge',
    });
  });

  it('with auto, picks the smallest rung whose vCPU and memory cover the peak plus headroom', () => {
    // Prepare: 60% of 4 vCPU = 2.4 (3.12 with headroom); 32 - 22 = 10 GiB used (13 with headroom).
    const peak = { cpuPercent: 60, freeableMemoryBytes: 22 * GIB };

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(peakNeeds('dms.r5.xlarge', peak, 0.3)).toEqual({ vCpu: 3.12, memoryGiB: 13 });
    expect(target).toEqual({
      targetClass: 'dms.r5.xlarge',
      reason:
        'auto: peak 60% CPU and 22 GiB freeable on dms.r5.xlarge needs 3.12 vCPU and 13 GiB with 30% headroom; smallest rung covering it is dms.r5.xlarge',
    });
  });

  it('with auto, steps far down when the cached changes barely used the instance', () => {
    // Prepare: 1.56 vCPU and 5.2 GiB with headroom: more memory than dms.t3.medium's 4 GiB.
    const peak = { cpuPercent: 30, freeableMemoryBytes: 28 * GIB };

    // Act
    const target = stepDownTarget('dms.r5.xlarge', settings(), peak);

    // Assess
    expect(target.targetClass).toBe('dms.t3.large');
  });

  it('with auto, never goes above the full-load class even when the peak needs more', () => {
    // Act
    const target = stepDownTarget('dms.r5.large', settings(), { cpuPercent: 100, freeableMemoryBytes: 0 });

    // Assess
    expect(target.targetClass).toBe('dms.r5.large');
    expect(target.reason).toContain('no smaller rung covers it, keeping dms.r5.large');
  });

  it('with auto, stays within the ceiling for a full-load class above it', () => {
    // Act
    const target = stepDownTarget('dms.r5.8xlarge', settings({ ceiling: 'dms.r5.xlarge' }), {
      cpuPercent: 90,
      freeableMemoryBytes: 10 * GIB,
    });

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
