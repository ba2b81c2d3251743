import { describe, expect, it } from 'vitest';
import { staleAlarmResets, type WatchedDatabase } from '#domain/alarms/stale-alarms';
import { resetsTriggeringAlarm } from '#domain/resize/alarm-reset';
import { decideResize } from '#domain/resize/decide-resize';
import { repeatsLatestStay } from '#domain/resize/decision-history';
import type { MetricSeries, ResizeHistoryEntry, ResizeInput } from '#domain/resize/types';
import { resizeSettings } from '../resize/settings-fixture.ts';

const NOW = '2026-03-01T12:00:00.000Z';
const PREFIX = 'lakeshift-m-orders-0a1b2c3d';
const settings = resizeSettings({
  stepUp: { ...resizeSettings().stepUp, sustainedMinutes: 5 },
  stepDown: { cpuPercent: 40, quietMinutes: 20 },
});
const database: WatchedDatabase = { phase: 'CDC', alarmPrefix: PREFIX, settings };
const minutesAfter = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** One-minute datapoints of `value` ending at `now`. */
const series = (value: number, count: number, now: string): MetricSeries => ({
  periodSeconds: 60,
  samples: Array.from({ length: count }, (_, index) => ({
    at: new Date(Date.parse(now) - (count - index) * 60_000).toISOString(),
    value,
  })),
});

describe('staleAlarmResets', () => {
  it("resets an alarm in ALARM only once its signal's window has passed", () => {
    // Prepare
    const alarms = [
      { AlarmName: `${PREFIX}-cpu-low`, StateValue: 'ALARM', StateUpdatedTimestamp: new Date(NOW) },
    ];

    // Act
    const early = staleAlarmResets([database], alarms, minutesAfter(NOW, 19));
    const due = staleAlarmResets([database], alarms, minutesAfter(NOW, 20));

    // Assess
    expect(early).toEqual([]);
    expect(due).toEqual([
      {
        alarmName: `${PREFIX}-cpu-low`,
        reason: `lakeshift re-evaluates an alarm left in ALARM since ${NOW}: its 20-minute window has passed`,
      },
    ]);
  });

  it('leaves alarms in OK, alarms of other databases, and databases not in CDC alone', () => {
    // Prepare
    const old = new Date(minutesAfter(NOW, -600));
    const alarms = [
      { AlarmName: `${PREFIX}-cpu-high`, StateValue: 'OK', StateUpdatedTimestamp: old },
      { AlarmName: 'lakeshift-m-other-cpu-high', StateValue: 'ALARM', StateUpdatedTimestamp: old },
      { AlarmName: `${PREFIX}-memory-low`, StateValue: 'ALARM', StateUpdatedTimestamp: old },
    ];

    // Act
    const resets = staleAlarmResets([{ ...database, phase: 'RESIZING' }], alarms, NOW);

    // Assess
    expect(resets).toEqual([]);
  });
});

describe('an alarm left in ALARM at a bound', () => {
  it('is decided once, re-checked once per window, and its repeats are not recorded', () => {
    // Prepare: quiet for the whole window on the floor class.
    const input: ResizeInput = {
      currentClass: 'dms.t3.medium',
      phase: 'CDC',
      trigger: { kind: 'alarm', alarmName: `${PREFIX}-cpu-low`, signal: 'cpu-low' },
      metrics: { 'cpu-low': series(3, 20, NOW) },
      history: [],
      settings,
      now: NOW,
    };
    const history: ResizeHistoryEntry[] = [];
    const decideAt = (now: string) => {
      const decision = decideResize({ ...input, history, now, metrics: { 'cpu-low': series(3, 20, now) } });
      const entry: ResizeHistoryEntry = {
        ...decision,
        at: now,
        fromClass: input.currentClass,
        trigger: input.trigger,
      };
      const recorded = !repeatsLatestStay(history, entry);
      if (recorded) history.push(entry);
      return { decision, recorded, reset: resetsTriggeringAlarm(decision, 'CDC') };
    };

    // Act: the alarm fires; an hour of reconciler sweeps every 5 minutes follows, each re-fire decides again.
    const first = decideAt(NOW);
    let alarmSince = NOW;
    const later = [];
    for (let minute = 5; minute <= 60; minute += 5) {
      const at = minutesAfter(NOW, minute);
      const alarms = [
        { AlarmName: `${PREFIX}-cpu-low`, StateValue: 'ALARM', StateUpdatedTimestamp: new Date(alarmSince) },
      ];
      if (staleAlarmResets([database], alarms, at).length === 0) continue;
      // The condition persists: the reset alarm goes back to ALARM at once and wakes the policy again.
      alarmSince = at;
      later.push(decideAt(at));
    }

    // Assess
    expect(first).toMatchObject({ decision: { rule: 'at-floor' }, recorded: true, reset: false });
    expect(later).toHaveLength(3);
    expect(later.every((outcome) => outcome.decision.rule === 'at-floor' && !outcome.recorded)).toBe(true);
    expect(history).toHaveLength(1);
  });

  it('remembers "would not fit": the stay is recorded once and the alarm is not reset at once', () => {
    // Prepare: quiet CPU, but 14 of 16 GiB in use on dms.r5.large: dms.t3.large (8 GiB) would not hold it.
    const GIB = 1024 ** 3;
    const now = NOW;
    const input: ResizeInput = {
      currentClass: 'dms.r5.large',
      phase: 'CDC',
      trigger: { kind: 'alarm', alarmName: `${PREFIX}-cpu-low`, signal: 'cpu-low' },
      metrics: { 'cpu-low': series(3, 20, now), 'memory-low': series(2 * GIB, 20, now) },
      history: [],
      settings,
      now,
    };

    // Act
    const decision = decideResize(input);
    const entry: ResizeHistoryEntry = {
      ...decision,
      at: now,
      fromClass: 'dms.r5.large',
      trigger: input.trigger,
    };
    const again: ResizeHistoryEntry = { ...entry, at: minutesAfter(now, 20) };

    // Assess
    expect(decision.rule).toBe('step-down-would-not-fit');
    expect(resetsTriggeringAlarm(decision, 'CDC')).toBe(false);
    expect(repeatsLatestStay([entry], again)).toBe(true);
  });
});
