import { describe, expect, it } from 'vitest';
import { LocalLambda } from '#local/aws/lambda/functions';
import { IdlePacedClock } from '#test/idle-paced-clock';

// A million emulated milliseconds per wall millisecond: any wall time at all moves a running clock.
const SPEED = 1_000_000;

/** A Lambda whose one function runs until `finish` is called. */
const lambdaRunningUntilFinished = () => {
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const lambda = new LocalLambda({ loadHandler: async () => () => finished.then(() => ({})) });
  lambda.register('slow', 'slow');
  return { lambda, finish };
};

const wallMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IdlePacedClock', () => {
  it('stands still while an invocation runs, and fires the timers due only once it has ended', async () => {
    // Prepare
    const clock = new IdlePacedClock(SPEED, 0);
    const { lambda, finish } = lambdaRunningUntilFinished();
    clock.standStillDuringInvocations(lambda);
    const fired: number[] = [];

    // Act
    const invocation = lambda.invoke('slow', {});
    const stoppedAt = clock.now();
    clock.schedule(1, () => fired.push(clock.now()));
    await wallMs(20);
    const whileRunning = { now: clock.now(), fired: [...fired] };
    finish();
    await invocation;
    await clock.sleep(1_000);

    // Assess
    expect(whileRunning).toEqual({ now: stoppedAt, fired: [] });
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(stoppedAt + 1);
  });

  it('runs at its speed while no invocation runs, firing timers in time order', async () => {
    // Prepare
    const clock = new IdlePacedClock(SPEED, 0);
    const fired: string[] = [];
    clock.schedule(3_000_000, () => fired.push('later'));
    clock.schedule(1_000_000, () => fired.push('sooner'));

    // Act
    await clock.sleep(5_000_000);

    // Assess
    expect(fired).toEqual(['sooner', 'later']);
    expect(clock.now()).toBeGreaterThanOrEqual(5_000_000);
  });

  it('fires a later timer only after what an earlier one set off has run, even when both are due at once', async () => {
    // Prepare
    const clock = new IdlePacedClock(SPEED, 0);
    const { lambda, finish } = lambdaRunningUntilFinished();
    clock.standStillDuringInvocations(lambda);
    const order: string[] = [];
    let invocation: Promise<unknown> | undefined;
    // As a DMS task's stop reaches its event's target: a promise continuation, then a delivery in setImmediate.
    clock.schedule(1, () => {
      void Promise.resolve().then(() =>
        setImmediate(() => {
          order.push('invocation started');
          invocation = lambda.invoke('slow', {}).then(() => order.push('invocation ended'));
        }),
      );
    });
    clock.schedule(2, () => order.push('later timer'));

    // Act
    await wallMs(20);
    const whileRunning = [...order];
    finish();
    await clock.sleep(1_000);
    await invocation;

    // Assess
    expect(whileRunning).toEqual(['invocation started']);
    expect(order).toEqual(['invocation started', 'invocation ended', 'later timer']);
  });
});
