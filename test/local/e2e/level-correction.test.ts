/**
 * Alarm-driven resizing is level-corrected: CloudWatch speaks only when an alarm changes state, so a condition that
 * outlasts a "stay" must be decided on again with no new trigger from outside. Here the CPU goes high as soon as the
 * database is in CDC, while the step-down after the full load is still cooling down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { type E2eRun, executionsOf, migrateToCdc, startE2eRun } from './harness.ts';

// 300 emulated seconds per wall second: CDC after about 45 emulated minutes, then the cooldown below.
const CLOCK_SPEED = 300;
const COOLDOWN_MINUTES = 30;
const MINUTE_MS = 60_000;

interface Decision {
  readonly databaseId: string;
  readonly action: string;
  readonly rule: string;
  readonly at: string;
  readonly fromClass: string;
  readonly targetClass?: string;
  readonly trigger: { readonly kind: string; readonly alarmName?: string };
}

interface ExecutionOutcome {
  readonly rule?: string;
  readonly recorded?: boolean;
  readonly alarmReset?: boolean;
  /** The alarm whose state change started the execution (from its input). */
  readonly alarmName?: string;
}

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({
    migrationId: 'e2e-level',
    databaseIds: ['orders'],
    clockSpeed: CLOCK_SPEED,
    resize: { cooldownMinutes: COOLDOWN_MINUTES },
  });
});

afterAll(async () => {
  await run?.stop();
});

/** Every recorded (and so published) decision. */
const decisions = () =>
  run.eventsOf(LAKESHIFT_DETAIL_TYPES.resizeDecided).map((event) => event.detail as Decision);
const alarmDecisions = () => decisions().filter((decision) => decision.trigger.kind === 'alarm');
const actingOnAlarm = () => alarmDecisions().filter((decision) => decision.action !== 'stay');

/** What each resize-instance execution decided: a stay ends there, so its output is the decision. */
const executionOutcomes = (): ExecutionOutcome[] =>
  executionsOf(run, 'resize-instance').map((execution) => {
    const described = run.aws.stepFunctions.getExecution(execution.executionArn);
    const input = JSON.parse(described?.input ?? '{}') as { detail?: { alarmName?: string } };
    return {
      ...(JSON.parse(described?.output ?? '{}') as ExecutionOutcome),
      alarmName: input.detail?.alarmName,
    };
  });

/** The quiet alarm's name ends with its step-down signal. */
const isQuietAlarm = (name: string | undefined) => name?.endsWith('-cpu-low') ?? false;

describe('alarm-driven resizing, on the local AWS', () => {
  it('acts once the cooldown is over on a condition that lasted through it, with no new trigger from outside', {
    timeout: 150_000,
  }, async () => {
    // Prepare
    await migrateToCdc(run);
    const stepDown = decisions().find((decision) => decision.trigger.kind === 'full-load-done');
    const cooldownEnd = Date.parse(stepDown?.at ?? '') + COOLDOWN_MINUTES * MINUTE_MS;

    // Act
    // Far more changes than the steady class takes: its CPU stays high from now on, and nothing else is sent.
    run.aws.synthetic.setChangeRateMultiplier('orders', 20_000);
    await run.waitFor('a decision to act on an alarm', () => actingOnAlarm().length >= 1, 90_000);
    run.aws.synthetic.setChangeRateMultiplier('orders', 0);

    // Assess
    const [stepUp] = actingOnAlarm();
    const cooling = alarmDecisions().filter((decision) => decision.rule === 'cooldown');
    const coolingAlarms = cooling.map((decision) => decision.trigger.alarmName);
    const coolingExecutions = executionOutcomes().filter((outcome) => outcome.rule === 'cooldown');
    expect(stepDown?.action).toBe('step-down');
    expect(stepUp).toMatchObject({ action: 'step-up', fromClass: stepDown?.targetClass });
    // It acted within the alarm's first evaluations after the cooldown: the alarm had been kept re-firing.
    const afterCooldownMs = Date.parse(stepUp?.at ?? '') - cooldownEnd;
    expect(afterCooldownMs).toBeGreaterThanOrEqual(0);
    expect(afterCooldownMs).toBeLessThan(3 * MINUTE_MS);
    expect(coolingAlarms).toContain(stepUp?.trigger.alarmName);
    // Each step-up alarm was decided on at every re-fire during the cooldown, and put back to OK each time, but its
    // repeated "stay" was recorded (and published) only once. A quiet alarm held by the cooldown waits in ALARM for
    // the reconciler instead (docs/design.md §3.4).
    const busyCooling = coolingExecutions.filter((outcome) => !isQuietAlarm(outcome.alarmName));
    const quietCooling = coolingExecutions.filter((outcome) => isQuietAlarm(outcome.alarmName));
    expect(new Set(coolingAlarms).size).toBe(coolingAlarms.length);
    expect(busyCooling.length).toBeGreaterThan(
      2 * cooling.filter((d) => !isQuietAlarm(d.trigger.alarmName)).length,
    );
    expect(coolingExecutions.filter((outcome) => outcome.recorded).length).toBe(cooling.length);
    expect(busyCooling.every((outcome) => outcome.alarmReset === true)).toBe(true);
    expect(quietCooling.every((outcome) => outcome.alarmReset === false)).toBe(true);
    expect(executionsOf(run, 'resize-instance').filter((e) => e.status === 'FAILED')).toEqual([]);
  });
});
