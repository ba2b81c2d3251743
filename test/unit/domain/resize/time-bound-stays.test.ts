import { describe, expect, it } from 'vitest';
import { type DecidedDatabase, timeBoundStayResets } from '#domain/resize/time-bound-stays';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { resizeSettings } from './settings-fixture.ts';

const CHANGED_AT = '2026-03-01T06:00:00.000Z';
const PREFIX = 'lakeshift-m-orders-0a1b2c3d';
const QUIET_ALARM = `${PREFIX}-cpu-low`;
const settings = resizeSettings({ cooldownMinutes: 45, stepDown: { cpuPercent: 40, quietMinutes: 360 } });
const minutesAfter = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();

const stepDown: ResizeHistoryEntry = {
  action: 'step-down',
  targetClass: 'dms.r5.large',
  rule: 'step-down-after-full-load',
  reason: 'full load done: dms.r5.xlarge → dms.r5.large',
  metrics: {},
  at: CHANGED_AT,
  fromClass: 'dms.r5.xlarge',
  trigger: { kind: 'full-load-done' },
};

const quietTooShort = (at: string): ResizeHistoryEntry => ({
  action: 'stay',
  rule: 'quiet-too-short',
  reason: 'quiet, but dms.r5.large has not run a whole quiet window yet',
  metrics: {},
  at,
  fromClass: 'dms.r5.large',
  trigger: { kind: 'alarm', alarmName: QUIET_ALARM, signal: 'cpu-low' },
});

/** The quiet alarm went into ALARM 350 minutes after the change, on datapoints partly of the class before. */
const IN_ALARM_SINCE = minutesAfter(CHANGED_AT, 350);
const database: DecidedDatabase = {
  phase: 'CDC',
  alarmPrefix: PREFIX,
  settings,
  history: [stepDown, quietTooShort(IN_ALARM_SINCE)],
};
const quietAlarmInAlarm = [
  { AlarmName: QUIET_ALARM, StateValue: 'ALARM', StateUpdatedTimestamp: new Date(IN_ALARM_SINCE) },
];

describe('timeBoundStayResets', () => {
  it('resets the quiet alarm once the quiet window since the class change is full, not a whole alarm window later', () => {
    // Act
    const early = timeBoundStayResets([database], quietAlarmInAlarm, minutesAfter(CHANGED_AT, 359));
    const due = timeBoundStayResets([database], quietAlarmInAlarm, minutesAfter(CHANGED_AT, 360));

    // Assess
    expect(early).toEqual([]);
    expect(due).toEqual([
      {
        alarmName: QUIET_ALARM,
        reason: `lakeshift re-evaluates an alarm: the 360-minute quiet window since the class changed at ${CHANGED_AT} is over`,
      },
    ]);
  });

  it('resets an alarm a cooldown held on a step-down signal once the cooldown since the change is over', () => {
    // Prepare
    const heldAt = minutesAfter(CHANGED_AT, 10);
    const cooldown: ResizeHistoryEntry = {
      ...quietTooShort(heldAt),
      rule: 'cooldown',
      reason: 'cooling down',
    };
    const alarms = [{ AlarmName: QUIET_ALARM, StateValue: 'ALARM', StateUpdatedTimestamp: new Date(heldAt) }];
    const held = { ...database, history: [stepDown, cooldown] };

    // Act
    const early = timeBoundStayResets([held], alarms, minutesAfter(CHANGED_AT, 44));
    const due = timeBoundStayResets([held], alarms, minutesAfter(CHANGED_AT, 45));

    // Assess
    expect(early).toEqual([]);
    expect(due).toEqual([
      {
        alarmName: QUIET_ALARM,
        reason: `lakeshift re-evaluates an alarm: the 45-minute cooldown since the class changed at ${CHANGED_AT} is over`,
      },
    ]);
  });

  it('leaves a cooldown on a step-up signal alone: its alarm was put back to OK at once', () => {
    // Prepare
    const heldAt = minutesAfter(CHANGED_AT, 10);
    const busyAlarm = `${PREFIX}-cpu-high`;
    const cooldown: ResizeHistoryEntry = {
      ...quietTooShort(heldAt),
      rule: 'cooldown',
      reason: 'cooling down',
      trigger: { kind: 'alarm', alarmName: busyAlarm, signal: 'cpu-high' },
    };
    const alarms = [{ AlarmName: busyAlarm, StateValue: 'ALARM', StateUpdatedTimestamp: new Date(heldAt) }];

    // Act
    const resets = timeBoundStayResets(
      [{ ...database, history: [stepDown, cooldown] }],
      alarms,
      minutesAfter(CHANGED_AT, 45),
    );

    // Assess
    expect(resets).toEqual([]);
  });

  it('resets it only once: an alarm back in ALARM after the window filled is left to its next decision', () => {
    // Prepare
    const again = [
      {
        AlarmName: QUIET_ALARM,
        StateValue: 'ALARM',
        StateUpdatedTimestamp: new Date(minutesAfter(CHANGED_AT, 365)),
      },
    ];

    // Act
    const resets = timeBoundStayResets([database], again, minutesAfter(CHANGED_AT, 400));

    // Assess
    expect(resets).toEqual([]);
  });

  it('leaves alone an alarm whose latest decision was not a short quiet window, one in OK, and databases not in CDC', () => {
    // Prepare
    const atFloor: ResizeHistoryEntry = {
      ...quietTooShort(IN_ALARM_SINCE),
      rule: 'at-floor',
      reason: 'quiet, but dms.r5.large is already the smallest allowed rung',
    };
    const later = minutesAfter(CHANGED_AT, 400);

    // Act
    const otherRule = timeBoundStayResets(
      [{ ...database, history: [stepDown, atFloor] }],
      quietAlarmInAlarm,
      later,
    );
    const inOk = timeBoundStayResets([database], [{ ...quietAlarmInAlarm[0], StateValue: 'OK' }], later);
    const resizing = timeBoundStayResets([{ ...database, phase: 'RESIZING' }], quietAlarmInAlarm, later);

    // Assess
    expect([otherRule, inOk, resizing]).toEqual([[], [], []]);
  });
});
