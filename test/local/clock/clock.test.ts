import { describe, expect, it } from 'vitest';
import { LoadPacedClock, ManualClock, ScaledClock } from '#local/clock';

describe('ManualClock', () => {
  it('fires timers in time order, and in scheduling order at the same time, only when advanced', async () => {
    // Prepare
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.schedule(300, () => fired.push('c'));
    clock.schedule(100, () => fired.push('a'));
    clock.schedule(100, () => fired.push('b'));

    // Act
    await clock.advance(99);
    const beforeDue = [...fired];
    await clock.advance(201);

    // Assess
    expect(beforeDue).toEqual([]);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(1_300);
    expect(clock.pending()).toBe(0);
  });

  it('resolves a sleep when emulated time reaches it, and lets work scheduled by a timer run in the same advance', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const woke: number[] = [];
    void clock.sleep(60_000).then(async () => {
      woke.push(clock.now());
      await clock.sleep(30_000);
      woke.push(clock.now());
    });

    // Act
    await clock.advance(120_000);

    // Assess
    expect(woke).toEqual([60_000, 90_000]);
    expect(clock.now()).toBe(120_000);
  });

  it('rejects a sleep with the reason of its aborted signal and cancels its timer', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const sleeping = clock.sleep(10_000, controller.signal);

    // Act
    controller.abort(new Error('task stopped'));

    // Assess
    await expect(sleeping).rejects.toThrow('task stopped');
    expect(clock.pending()).toBe(0);
  });

  it('cancels a scheduled timer', async () => {
    // Prepare
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.schedule(10, () => {
      fired = true;
    });

    // Act
    cancel();
    await clock.advance(100);

    // Assess
    expect(fired).toBe(false);
  });
});

describe('ScaledClock', () => {
  it('refuses a speed that is not positive, naming it', () => {
    expect(() => new ScaledClock(0)).toThrow('clock speed must be > 0, got 0');
  });

  it('starts at the given emulated time and never runs backwards', () => {
    // Prepare
    const clock = new ScaledClock(1_000, Date.UTC(2026, 0, 1));

    // Act
    const first = clock.now();
    const second = clock.now();

    // Assess
    expect(first).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 1));
    expect(second).toBeGreaterThanOrEqual(first);
  });
});

/** Keeps the event loop busy for `ms` of wall time, as a saturated process does. */
const blockEventLoop = (ms: number): void => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
};

describe('LoadPacedClock', () => {
  it('lets little emulated time pass while the event loop is blocked, where a ScaledClock lets it all pass', () => {
    // Prepare
    const paced = new LoadPacedClock(1_000, 10, 15, Date.UTC(2026, 0, 1));
    const scaled = new ScaledClock(1_000, Date.UTC(2026, 0, 1));
    const pacedBefore = paced.now();
    const scaledBefore = scaled.now();

    // Act
    blockEventLoop(300);
    const pacedAdvance = paced.now() - pacedBefore;
    const scaledAdvance = scaled.now() - scaledBefore;
    paced.stop();

    // Assess: at most the check interval and its tolerance count, 25 ms of wall time at 1,000x.
    expect(scaledAdvance).toBeGreaterThanOrEqual(300_000);
    expect(pacedAdvance).toBeLessThanOrEqual(25_000);
  });

  it('fires a timer only once emulated time reaches it, even when the loop was blocked meanwhile', async () => {
    // Prepare
    const clock = new LoadPacedClock(1_000, 10, 15);
    const scheduledAt = clock.now();
    const firedAt = new Promise<number>((resolve) => clock.schedule(100_000, () => resolve(clock.now())));

    // Act
    blockEventLoop(150);
    const fired = await firedAt;
    clock.stop();

    // Assess
    expect(fired - scheduledAt).toBeGreaterThanOrEqual(100_000);
  });

  it('keeps time moving forward', () => {
    // Prepare
    const clock = new LoadPacedClock(500);

    // Act
    const readings = Array.from({ length: 1_000 }, () => clock.now());
    clock.stop();

    // Assess
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
  });
});
