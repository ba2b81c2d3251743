import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER } from '#domain/instance-classes';
import {
  compareInstanceClasses,
  defaultSteadyClass,
  mergeResizeLayers,
  RESIZE_DEFAULTS,
  resizeSettingsSchema,
} from '#domain/request/resize-settings';

describe('compareInstanceClasses', () => {
  it('orders by memory first, then by vCPU', () => {
    // Act
    const sorted = ['dms.r5.large', 'dms.t3.micro', 'dms.c5.xlarge', 'dms.t2.large', 'dms.t2.small'] as const;
    const result = [...sorted].sort(compareInstanceClasses);

    // Assess
    expect(result).toEqual(['dms.t3.micro', 'dms.t2.small', 'dms.t2.large', 'dms.c5.xlarge', 'dms.r5.large']);
  });
});

describe('defaultSteadyClass', () => {
  it('is one rung below the full-load class', () => {
    // Act
    const steady = defaultSteadyClass(DEFAULT_LADDER, 'dms.r5.xlarge');

    // Assess
    expect(steady).toBe('dms.r5.large');
  });

  it('is the largest smaller rung when the full-load class is not on the ladder', () => {
    // Act
    const steady = defaultSteadyClass(['dms.t3.medium', 'dms.r5.large', 'dms.r5.4xlarge'], 'dms.r5.2xlarge');

    // Assess
    expect(steady).toBe('dms.r5.large');
  });

  it('is the first rung when no rung is smaller than the full-load class', () => {
    // Act
    const steady = defaultSteadyClass(['dms.r5.xlarge', 'dms.r5.2xlarge'], 'dms.r5.large');

    // Assess
    expect(steady).toBe('dms.r5.xlarge');
  });
});

describe('mergeResizeLayers', () => {
  it('fills every setting from the built-in defaults and the default ladder', () => {
    // Act
    const settings = mergeResizeLayers([], DEFAULT_LADDER, 'dms.r5.xlarge');

    // Assess
    expect(settings).toEqual({
      steadyClass: 'dms.r5.large',
      ladder: [...DEFAULT_LADDER],
      floor: 'dms.t3.medium',
      ceiling: 'dms.r5.4xlarge',
      cooldownMinutes: RESIZE_DEFAULTS.cooldownMinutes,
      headroom: RESIZE_DEFAULTS.headroom,
      cdcChangesPerVcpuSecond: RESIZE_DEFAULTS.cdcChangesPerVcpuSecond,
      stepUp: { ...RESIZE_DEFAULTS.stepUp },
      stepDown: { ...RESIZE_DEFAULTS.stepDown },
    });
  });

  it('lets a later layer win field by field, down into stepUp and stepDown', () => {
    // Act
    const settings = mergeResizeLayers(
      [
        { cooldownMinutes: 45, stepUp: { cpuPercent: 70, sustainedMinutes: 10 } },
        { stepUp: { cpuPercent: 90 }, stepDown: { quietMinutes: 720 }, steadyClass: 'auto' },
      ],
      DEFAULT_LADDER,
      'dms.r5.xlarge',
    );

    // Assess
    expect(settings.cooldownMinutes).toBe(45);
    expect(settings.steadyClass).toBe('auto');
    expect(settings.stepUp).toEqual({ ...RESIZE_DEFAULTS.stepUp, cpuPercent: 90, sustainedMinutes: 10 });
    expect(settings.stepDown).toEqual({ cpuPercent: 25, quietMinutes: 720 });
  });

  it('takes floor and ceiling from the ends of a replaced ladder', () => {
    // Act
    const settings = mergeResizeLayers(
      [
        { floor: 'dms.t3.large' },
        { ladder: ['dms.r5.large', 'dms.r5.xlarge', 'dms.r5.2xlarge'], floor: 'dms.r5.large' },
      ],
      DEFAULT_LADDER,
      'dms.r5.2xlarge',
    );

    // Assess
    expect(settings.floor).toBe('dms.r5.large');
    expect(settings.ceiling).toBe('dms.r5.2xlarge');
    expect(settings.steadyClass).toBe('dms.r5.xlarge');
  });
});

describe('resizeSettingsSchema', () => {
  it('accepts resolved settings as a plan carries them', () => {
    // Prepare
    const settings = mergeResizeLayers([], DEFAULT_LADDER, 'dms.r5.xlarge');

    // Act
    const parsed = resizeSettingsSchema.parse(JSON.parse(JSON.stringify(settings)));

    // Assess
    expect(parsed).toEqual(settings);
  });

  it('rejects settings whose floor is above the ceiling', () => {
    // Prepare
    const settings = {
      ...mergeResizeLayers([], DEFAULT_LADDER, 'dms.r5.xlarge'),
      floor: 'dms.r5.2xlarge',
      ceiling: 'dms.r5.large',
    };

    // Act
    const result = resizeSettingsSchema.safeParse(settings);

    // Assess
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['floor', 'must not be larger than the ceiling (dms.r5.large)'],
    ]);
  });
});
