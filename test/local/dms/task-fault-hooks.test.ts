import { describe, expect, it } from 'vitest';
import { ManualClock } from '#local/clock';
import type { TaskFailureRule } from '#local/dms/faults/config';
import { FaultInjector } from '#local/dms/faults/injector';
import { taskFaultHooks } from '#local/dms/faults/task-hooks';

const injectorWith = (tasks: readonly TaskFailureRule[]) => {
  const injector = new FaultInjector(new ManualClock(0), 'seed');
  injector.configure({ tasks });
  return injector;
};

const ORDERS_ARN = 'arn:aws:dms:us-east-1:000000000000:task:ORDERS';
const orders = { names: ['orders-task', ORDERS_ARN] };

describe('taskFaultHooks', () => {
  it('fails a run that begins in the full load with the rule of that point, with the default text of its stop reason', () => {
    // Prepare
    const hooks = taskFaultHooks(
      injectorWith([{ task: 'orders-task', at: 'full-load', stopReason: 'FATAL_ERROR' }]),
    );

    // Act
    const inCdc = hooks.runBegan(orders, 'cdc');
    const inFullLoad = hooks.runBegan(orders, 'full-load');

    // Assess
    expect(inCdc).toBeUndefined();
    expect(inFullLoad).toEqual({
      stopReason: 'FATAL_ERROR',
      message: 'Error executing source loop (injected fault).',
    });
  });

  it('answers at each named point only for its own rules, by task identifier or ARN', () => {
    // Prepare
    const hooks = taskFaultHooks(
      injectorWith([
        { task: 'orders-task', at: 'starting', stopReason: 'RECOVERABLE_ERROR', message: 'at start' },
        { task: ORDERS_ARN, at: { fullLoadPercent: 50 }, stopReason: 'FATAL_ERROR', message: 'half' },
        { task: 'orders-task', at: 'cdc', stopReason: 'FATAL_ERROR', message: 'cdc' },
        { task: 'other-task', at: 'starting', stopReason: 'FATAL_ERROR' },
      ]),
    );

    // Act
    const answers = {
      beforeRun: hooks.beforeRun(orders)?.message,
      at40: hooks.fullLoadProgressed(orders, 40)?.message,
      at60: hooks.fullLoadProgressed(orders, 60)?.message,
      cdc: hooks.cdcBegan(orders)?.message,
    };

    // Assess
    expect(answers).toEqual({ beforeRun: 'at start', at40: undefined, at60: 'half', cdc: 'cdc' });
  });

  it('hands delayed rules to the lifecycle as a delay and a check that fires once per configured time', () => {
    // Prepare
    const hooks = taskFaultHooks(
      injectorWith([{ task: 'orders-task', at: { afterMs: 60_000 }, stopReason: 'FATAL_ERROR', times: 1 }]),
    );

    // Act
    const [delayed, ...rest] = hooks.delayedFaults(orders);
    const first = delayed?.check();
    const second = delayed?.check();

    // Assess
    expect(rest).toEqual([]);
    expect(delayed?.afterMs).toBe(60_000);
    expect(first?.stopReason).toBe('FATAL_ERROR');
    expect(second).toBeUndefined();
  });
});
