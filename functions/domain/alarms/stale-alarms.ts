/**
 * Alarms left in ALARM, and when lakeshift evaluates them again (docs/design.md §3.4). CloudWatch speaks only when
 * an alarm changes state, so an alarm that stays in ALARM (at the floor or the ceiling, after a step-down that would
 * not fit, after a resize that failed before re-arming) never wakes the policy again by itself. The scheduled
 * reconciler puts such an alarm back to OK once it has been in ALARM for its own window: by then every datapoint
 * the last decision read has been replaced, so a new decision reads new metrics. Each alarm is reset at most once
 * per window, whatever the decisions say, so nothing can loop faster than that; a decision that repeats the
 * previous one is not recorded again (`#domain/resize/decision-history`).
 */
import type { Phase } from '#contracts/phases';
import type { ResizeSettings } from '#domain/request/resize-settings';
import { alarmName } from './alarm-specs.ts';
import { RESIZE_SIGNALS, type ResizeSignal, signalWindowMinutes } from './signals.ts';

const MINUTE_MS = 60_000;

export interface WatchedDatabase {
  readonly phase: Phase;
  readonly alarmPrefix: string;
  readonly settings: ResizeSettings;
}

export interface AlarmState {
  readonly AlarmName?: string | undefined;
  readonly StateValue?: string | undefined;
  readonly StateUpdatedTimestamp?: Date | undefined;
}

export interface StaleAlarmReset {
  readonly alarmName: string;
  readonly reason: string;
}

/** When an alarm in the ALARM state entered it (epoch ms); undefined for an alarm in any other state, or none. */
const inAlarmSinceMs = (alarm: AlarmState | undefined): number | undefined =>
  alarm?.StateValue === 'ALARM' ? alarm.StateUpdatedTimestamp?.getTime() : undefined;

/** A resize alarm of a database in CDC that is in the ALARM state, and since when (epoch ms). */
export interface AlarmInAlarm<Database extends WatchedDatabase> {
  readonly database: Database;
  readonly signal: ResizeSignal;
  readonly alarmName: string;
  readonly since: number;
}

/**
 * The resize alarms in ALARM of the databases in CDC (a resize in flight re-arms its own alarms at its end): what
 * both kinds of reset start from, this window-based one and the time-bound stays' (`#domain/resize/time-bound-stays`).
 */
export const cdcAlarmsInAlarm = <Database extends WatchedDatabase>(
  databases: readonly Database[],
  alarms: readonly AlarmState[],
): AlarmInAlarm<Database>[] => {
  const byName = new Map(alarms.map((alarm) => [alarm.AlarmName, alarm]));
  return databases
    .filter((database) => database.phase === 'CDC')
    .flatMap((database) =>
      RESIZE_SIGNALS.flatMap((signal) => {
        const name = alarmName(database.alarmPrefix, signal);
        const since = inAlarmSinceMs(byName.get(name));
        return since === undefined ? [] : [{ database, signal, alarmName: name, since }];
      }),
    );
};

/** The alarms to put back to OK at `now`: those that have been in ALARM for at least their signal's window. */
export const staleAlarmResets = (
  databases: readonly WatchedDatabase[],
  alarms: readonly AlarmState[],
  now: string,
): StaleAlarmReset[] => {
  const nowMs = Date.parse(now);
  return cdcAlarmsInAlarm(databases, alarms).flatMap(({ database, signal, alarmName: name, since }) => {
    const windowMinutes = signalWindowMinutes(signal, database.settings);
    if (nowMs - since < windowMinutes * MINUTE_MS) return [];
    return [
      {
        alarmName: name,
        reason: `lakeshift re-evaluates an alarm left in ALARM since ${new Date(since).toISOString()}: its ${windowMinutes}-minute window has passed`,
      },
    ];
  });
};
