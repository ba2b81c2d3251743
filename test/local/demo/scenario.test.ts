import { describe, expect, it } from 'vitest';
import type { Phase } from '#contracts/phases';
import { DemoScenario, type ScenarioView } from '#local/demo/scenario';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

const view = (
  now: number,
  phases: Record<string, Phase>,
  classes: Record<string, string[]> = {},
): ScenarioView => ({
  now: T0 + now * MIN,
  phases: new Map(Object.entries(phases)),
  classes: new Map(Object.entries(classes)),
});

const config = {
  databaseIds: ['orders', 'settings'],
  spikeDatabase: 'orders',
  cdcDeadlineMs: 100 * MIN,
  stepUpDeadlineMs: 30 * MIN,
  stepDownDeadlineMs: 60 * MIN,
};

describe('DemoScenario', () => {
  it('spikes once every database is in CDC, calms after the step up, finishes after the step down', () => {
    // Prepare
    const scenario = new DemoScenario(config);
    const small = ['dms.r5.xlarge', 'dms.t3.medium'];
    // Act / Assess
    expect(scenario.step(view(0, { orders: 'FULL_LOAD', settings: 'CDC' }))).toEqual([]);
    expect(scenario.step(view(40, { orders: 'CDC', settings: 'CDC' }, { orders: small }))).toEqual([
      { kind: 'message', text: 'every database is in CDC; spiking the writes on orders' },
      { kind: 'spike-start', databaseId: 'orders' },
    ]);
    expect(scenario.step(view(45, { orders: 'RESIZING', settings: 'CDC' }, { orders: small }))).toEqual([]);
    expect(
      scenario.step(view(55, { orders: 'CDC', settings: 'CDC' }, { orders: [...small, 'dms.t3.large'] })),
    ).toEqual([
      { kind: 'spike-stop', databaseId: 'orders' },
      { kind: 'message', text: 'orders stepped up to dms.t3.large; writes back to normal' },
    ]);
    expect(scenario.finished).toBe(false);
    expect(
      scenario.step(
        view(90, { orders: 'CDC', settings: 'CDC' }, { orders: [...small, 'dms.t3.large', 'dms.t3.medium'] }),
      ),
    ).toEqual([
      { kind: 'message', text: 'orders stepped down to dms.t3.medium after the quiet window' },
      { kind: 'finish' },
    ]);
    expect(scenario.finished).toBe(true);
    expect(scenario.step(view(91, { orders: 'CDC', settings: 'CDC' }))).toEqual([]);
  });

  it('finishes as soon as every database is in CDC when there is no spike', () => {
    // Prepare
    const scenario = new DemoScenario({ ...config, spikeDatabase: undefined });
    // Act
    const actions = scenario.step(view(10, { orders: 'CDC', settings: 'CDC' }));
    // Assess
    expect(actions).toEqual([{ kind: 'message', text: 'every database is in CDC' }, { kind: 'finish' }]);
  });

  it('ends the spike and finishes when no step up comes in time', () => {
    // Prepare
    const scenario = new DemoScenario(config);
    scenario.step(view(0, { orders: 'CDC', settings: 'CDC' }, { orders: ['dms.r5.large'] }));
    // Act
    const early = scenario.step(view(30, { orders: 'CDC', settings: 'CDC' }, { orders: ['dms.r5.large'] }));
    const late = scenario.step(view(31, { orders: 'CDC', settings: 'CDC' }, { orders: ['dms.r5.large'] }));
    // Assess
    expect(early).toEqual([]);
    expect(late).toEqual([
      { kind: 'spike-stop', databaseId: 'orders' },
      { kind: 'message', text: 'no step up on orders within the spike; finishing' },
      { kind: 'finish' },
    ]);
  });

  it('fails when a database fails or does not reach CDC in time', () => {
    // Prepare
    const failing = new DemoScenario(config);
    const slow = new DemoScenario(config);
    slow.step(view(0, { orders: 'PROVISIONING', settings: 'CDC' }));
    // Act / Assess
    expect(failing.step(view(5, { orders: 'FAILED', settings: 'CDC' }))).toEqual([
      { kind: 'fail', reason: 'database orders FAILED' },
    ]);
    expect(slow.step(view(100, { orders: 'FULL_LOAD', settings: 'CDC' }))).toEqual([]);
    expect(slow.step(view(101, { orders: 'FULL_LOAD', settings: 'CDC' }))).toEqual([
      { kind: 'fail', reason: 'not in CDC in time: orders' },
    ]);
  });
});
