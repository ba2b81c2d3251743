/**
 * When an alarm left in ALARM after a time-bound "stay" is evaluated again (docs/design.md §3.4). A stay in the
 * cooldown on a step-down signal, or because the class has not run a whole quiet window since its last change, can
 * turn into an action at a time the decision already knows: the change plus the cooldown, or plus the quiet window. Such a stay leaves
 * its alarm in ALARM (alarm-reset.ts), and the reconciler puts it back to OK once that time has come, so the next
 * decision comes then: not every evaluation period until then, and not a whole alarm window later. Only an alarm
 * still in the ALARM state that decision saw is reset: after one reset, its next decision is recorded afresh.
 */
import { type ResizeSignal, SIGNAL_DEFINITIONS } from '#domain/alarms/signals';
import {
  type AlarmState,
  cdcAlarmsInAlarm,
  type StaleAlarmReset,
  type WatchedDatabase,
} from '#domain/alarms/stale-alarms';
import type { ResizeSettings } from '#domain/request/resize-settings';
import type { ResizeHistoryEntry, ResizeRule } from './types.ts';

const MINUTE_MS = 60_000;

/** Epoch ms of the latest decision that changed the class: the cooldown and the quiet window count from it. */
export const lastClassChangeMs = (history: readonly ResizeHistoryEntry[]): number | undefined => {
  const changes = history
    .filter((entry) => entry.action !== 'stay')
    .map((entry) => Date.parse(entry.at))
    .filter(Number.isFinite);
  return changes.length > 0 ? Math.max(...changes) : undefined;
};

/**
 * The stays that end a known number of minutes after the last class change, what that wait is called, and whether
 * only a step-down signal waits for it.
 */
const TIME_BOUND_STAYS: Partial<
  Record<ResizeRule, { minutes: (settings: ResizeSettings) => number; wait: string; stepDownOnly: boolean }>
> = {
  cooldown: { minutes: (settings) => settings.cooldownMinutes, wait: 'cooldown', stepDownOnly: true },
  'quiet-too-short': {
    minutes: (settings) => settings.stepDown.quietMinutes,
    wait: 'quiet window',
    stepDownOnly: false,
  },
};

/**
 * True for the stays whose alarm waits in ALARM for the reconciler (`timeBoundStayResets`): a quiet window not yet
 * full, and a cooldown that held a step-down signal. A cooldown that held a step-up signal is re-fired at once
 * instead (alarm-reset.ts): a busy instance should step up within a minute of the cooldown's end, not a sweep later.
 */
export const waitsForItsEnd = (rule: ResizeRule, signal: ResizeSignal | undefined): boolean => {
  const stay = TIME_BOUND_STAYS[rule];
  if (stay === undefined) return false;
  return !stay.stepDownOnly || (signal !== undefined && SIGNAL_DEFINITIONS[signal].direction === 'step-down');
};

export interface DecidedDatabase extends WatchedDatabase {
  readonly history: readonly ResizeHistoryEntry[];
}

export const timeBoundStayResets = (
  databases: readonly DecidedDatabase[],
  alarms: readonly AlarmState[],
  now: string,
): StaleAlarmReset[] => {
  const nowMs = Date.parse(now);
  return cdcAlarmsInAlarm(databases, alarms).flatMap(({ database, signal, alarmName, since }) => {
    const changedAt = lastClassChangeMs(database.history);
    if (changedAt === undefined) return [];
    const latest = database.history.findLast(
      (entry) => entry.trigger.kind === 'alarm' && entry.trigger.alarmName === alarmName,
    );
    if (latest?.action !== 'stay' || !waitsForItsEnd(latest.rule, signal)) return [];
    const stay = TIME_BOUND_STAYS[latest.rule];
    if (stay === undefined) return [];
    const minutes = stay.minutes(database.settings);
    const endsAt = changedAt + minutes * MINUTE_MS;
    if (nowMs < endsAt || since >= endsAt) return [];
    return [
      {
        alarmName,
        reason: `lakeshift re-evaluates an alarm: the ${minutes}-minute ${stay.wait} since the class changed at ${new Date(changedAt).toISOString()} is over`,
      },
    ];
  });
};
