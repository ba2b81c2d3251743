/** The slot watch's settings from the environment; a malformed value fails at cold start naming the variable. */

import { OPTIONAL_ENV } from '#contracts/env';
import { ConfigurationError } from '#contracts/errors';
import { DEFAULT_SLOT_WATCH_SETTINGS, type SlotWatchSettings } from './slot-watch.ts';

const positiveNumber = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`${name}: must be a positive number, got "${raw}"`);
  }
  return value;
};

export const slotWatchSettingsFrom = (
  source: Readonly<Record<string, string | undefined>>,
): SlotWatchSettings => {
  const topic = source[OPTIONAL_ENV.healthTopicArn]?.trim();
  return {
    retainedWalAlarmBytes: positiveNumber(
      OPTIONAL_ENV.slotRetainedWalAlarmBytes,
      source[OPTIONAL_ENV.slotRetainedWalAlarmBytes],
      DEFAULT_SLOT_WATCH_SETTINGS.retainedWalAlarmBytes,
    ),
    inactiveIncidentMinutes: positiveNumber(
      OPTIONAL_ENV.slotInactiveIncidentMinutes,
      source[OPTIONAL_ENV.slotInactiveIncidentMinutes],
      DEFAULT_SLOT_WATCH_SETTINGS.inactiveIncidentMinutes,
    ),
    ...(topic ? { healthTopicArn: topic } : {}),
  };
};
