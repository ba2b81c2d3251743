/** Resize settings as a plan carries them with the defaults, for tests; override what a test is about. */
import { DEFAULT_LADDER } from '#domain/instance-classes';
import { RESIZE_DEFAULTS, type ResizeSettings } from '#domain/request/resize-settings';

export const resizeSettings = (overrides: Partial<ResizeSettings> = {}): ResizeSettings => ({
  steadyClass: 'dms.r5.large',
  ladder: [...DEFAULT_LADDER],
  floor: 'dms.t3.medium',
  ceiling: 'dms.r5.4xlarge',
  cooldownMinutes: RESIZE_DEFAULTS.cooldownMinutes,
  headroom: RESIZE_DEFAULTS.headroom,
  cdcChangesPerVcpuSecond: RESIZE_DEFAULTS.cdcChangesPerVcpuSecond,
  stepUp: { ...RESIZE_DEFAULTS.stepUp },
  stepDown: { ...RESIZE_DEFAULTS.stepDown },
  ...overrides,
});
