/**
 * Which decisions the registry's history keeps. An alarm whose condition persists is reset and re-fires every
 * evaluation period (alarm-reset.ts), each time bringing the same "stay": copies would flood the history, which
 * keeps only its latest entries and is where the cooldown finds the last change. So an alarm's stay is kept only
 * when it says something new.
 */
import type { ResizeHistoryEntry } from './types.ts';

/**
 * True when `entry` is an alarm's stay that repeats the latest decision on the same alarm since the last class
 * change: same rule, same class. Decisions by hand, after the full load, and every acting one are always kept.
 */
export const repeatsLatestStay = (
  history: readonly ResizeHistoryEntry[],
  entry: ResizeHistoryEntry,
): boolean => {
  const trigger = entry.trigger;
  if (entry.action !== 'stay' || trigger.kind !== 'alarm') return false;
  const previous = history.findLast(
    (earlier) =>
      earlier.action !== 'stay' ||
      (earlier.trigger.kind === 'alarm' && earlier.trigger.alarmName === trigger.alarmName),
  );
  return (
    previous !== undefined &&
    previous.action === 'stay' &&
    previous.rule === entry.rule &&
    previous.fromClass === entry.fromClass
  );
};
