import { describe, expect, it } from 'vitest';
import { decisionResetReason, rearmResetReason, resetsTriggeringAlarm } from '#domain/resize/alarm-reset';
import { repeatsLatestStay } from '#domain/resize/decision-history';
import type { ResizeDecision, ResizeHistoryEntry, ResizeRule } from '#domain/resize/types';

const CPU_ALARM = 'lakeshift-m-orders-cpu-high';
const LATENCY_ALARM = 'lakeshift-m-orders-cdc-latency-high';

const stay = (rule: ResizeRule, reason = `because of ${rule}`): ResizeDecision => ({
  action: 'stay',
  rule,
  reason,
  metrics: {},
});

const entry = (
  decision: ResizeDecision,
  overrides: Partial<ResizeHistoryEntry> = {},
): ResizeHistoryEntry => ({
  ...decision,
  at: '2026-03-01T12:00:00.000Z',
  fromClass: 'dms.r5.large',
  trigger: { kind: 'alarm', alarmName: CPU_ALARM, signal: 'cpu-high' },
  ...overrides,
});

const stepUp = entry({
  action: 'step-up',
  targetClass: 'dms.r5.xlarge',
  rule: 'step-up',
  reason: 'cpu-high: dms.r5.large → dms.r5.xlarge',
  metrics: {},
});

describe('resetsTriggeringAlarm', () => {
  it('resets after the stays in CDC that time alone can turn into an action', () => {
    // Prepare
    const rules: ResizeRule[] = ['within-thresholds', 'resize-in-flight'];
    // Act
    const resets = rules.map((rule) => resetsTriggeringAlarm(stay(rule), 'CDC'));
    const cooldownOnStepUp = resetsTriggeringAlarm(stay('cooldown'), 'CDC', 'cpu-high');
    // Assess
    expect(resets).toEqual([true, true]);
    expect(cooldownOnStepUp).toBe(true);
  });

  it('leaves the alarm in ALARM after a quiet window not yet full or a cooldown on a step-down signal: the reconciler resets it when that ends', () => {
    // Act
    const resets = [
      resetsTriggeringAlarm(stay('quiet-too-short'), 'CDC', 'cpu-low'),
      resetsTriggeringAlarm(stay('cooldown'), 'CDC', 'cpu-low'),
    ];
    // Assess
    expect(resets).toEqual([false, false]);
  });

  it('leaves the alarm in ALARM after stays that only a new class, phase or metrics window can change', () => {
    // Prepare
    const rules: ResizeRule[] = [
      'at-ceiling',
      'at-floor',
      'no-allowed-rung',
      'step-down-would-not-fit',
      'manual-not-allowed',
      'already-there',
    ];
    // Act
    const resets = rules.map((rule) => resetsTriggeringAlarm(stay(rule), 'CDC'));
    // Assess
    expect(resets).toEqual([false, false, false, false, false, false]);
  });

  it('leaves the alarm in ALARM outside CDC: arming the alarms on the way back into CDC resets it', () => {
    // Act
    const resets = [
      resetsTriggeringAlarm(stay('resize-in-flight'), 'RESIZING'),
      resetsTriggeringAlarm(stay('not-in-cdc'), 'STOPPED'),
      resetsTriggeringAlarm(stay('full-load'), 'FULL_LOAD'),
    ];
    // Assess
    expect(resets).toEqual([false, false, false]);
  });

  it('never resets after an acting decision: the re-arm at the end of its resize does', () => {
    // Act
    const reset = resetsTriggeringAlarm(stepUp, 'CDC');
    // Assess
    expect(reset).toBe(false);
  });
});

describe('alarm reset reasons', () => {
  it('name the decision, or the class the alarms were armed for', () => {
    // Act
    const afterDecision = decisionResetReason(
      stay('cooldown', 'cooling down until 2026-03-01T12:30:00.000Z'),
    );
    const afterRearm = rearmResetReason('dms.r5.xlarge');
    // Assess
    expect(afterDecision).toBe(
      'lakeshift evaluated: stay (cooldown: cooling down until 2026-03-01T12:30:00.000Z)',
    );
    expect(afterRearm).toBe('lakeshift re-armed the alarms for dms.r5.xlarge: evaluate afresh');
  });
});

describe('repeatsLatestStay', () => {
  it('spots a stay that repeats the same alarm’s latest one, even with a different reason text', () => {
    // Prepare
    const history = [stepUp, entry(stay('at-ceiling', '3 of 15 datapoints'))];
    // Act
    const repeats = repeatsLatestStay(history, entry(stay('at-ceiling', '5 of 15 datapoints')));
    // Assess
    expect(repeats).toBe(true);
  });

  it('looks past other alarms’ stays to the same alarm’s latest decision', () => {
    // Prepare
    const history = [
      entry(stay('cooldown')),
      entry(stay('cooldown'), { trigger: { kind: 'alarm', alarmName: LATENCY_ALARM } }),
      entry(stay('quiet-too-short'), { trigger: { kind: 'manual' } }),
    ];
    // Act
    const repeats = repeatsLatestStay(history, entry(stay('cooldown')));
    // Assess
    expect(repeats).toBe(true);
  });

  it('keeps a stay whose rule or class differs from the alarm’s latest one', () => {
    // Prepare
    const history = [entry(stay('cooldown'))];
    // Act
    const differentRule = repeatsLatestStay(history, entry(stay('within-thresholds')));
    const differentClass = repeatsLatestStay(
      history,
      entry(stay('cooldown'), { fromClass: 'dms.r5.xlarge' }),
    );
    // Assess
    expect([differentRule, differentClass]).toEqual([false, false]);
  });

  it('keeps the first stay after a class change, and the first of an alarm never seen', () => {
    // Prepare
    const history = [entry(stay('cooldown')), stepUp];
    // Act
    const afterChange = repeatsLatestStay(history, entry(stay('cooldown')));
    const newAlarm = repeatsLatestStay(
      [entry(stay('cooldown'))],
      entry(stay('cooldown'), { trigger: { kind: 'alarm', alarmName: LATENCY_ALARM } }),
    );
    const emptyHistory = repeatsLatestStay([], entry(stay('cooldown')));
    // Assess
    expect([afterChange, newAlarm, emptyHistory]).toEqual([false, false, false]);
  });

  it('always keeps decisions by hand, after the full load, and acting ones', () => {
    // Prepare
    const history = [entry(stay('resize-in-flight'), { trigger: { kind: 'manual' } }), stepUp];
    // Act
    const kept = [
      repeatsLatestStay(history, entry(stay('resize-in-flight'), { trigger: { kind: 'manual' } })),
      repeatsLatestStay(history, entry(stay('resize-in-flight'), { trigger: { kind: 'full-load-done' } })),
      repeatsLatestStay([...history, stepUp], stepUp),
    ];
    // Assess
    expect(kept).toEqual([false, false, false]);
  });
});
