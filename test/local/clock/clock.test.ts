import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock } from '#local/clock';

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
