/**
 * Drives a running CDC task on a ManualClock: each step moves the clock and waits for the data plane to report
 * the cycle it ran, so tests wait for conditions, never for time.
 */
import type { ManualClock } from '#local/clock';
import type { CdcCycle } from '#local/dataplane/cdc';
import type { DataPlaneObserver } from '#local/dataplane/workload';

const MAX_STEPS = 200;

export class CdcDriver {
  readonly cycles: CdcCycle[] = [];
  private waiters: Array<(cycle: CdcCycle) => void> = [];
  private streamingBegan = false;
  private firstStreamingCycleFinished: () => void = () => undefined;
  private started = new Promise<void>((resolve) => {
    this.firstStreamingCycleFinished = resolve;
  });

  /**
   * Resolves once the task streams and its first cycle has finished, so the loop is waiting on the clock: a change
   * made after this is read by a cycle a step starts, never by one already under way. Fails if the run ends first
   * (see `watch`).
   */
  get streaming(): Promise<void> {
    return Promise.race([this.started, this.ended]);
  }

  /** Observer hooks to pass to the workload (merged with the caller's own). */
  observer(extra: DataPlaneObserver = {}): DataPlaneObserver {
    return {
      ...extra,
      streaming: () => {
        this.streamingBegan = true;
        extra.streaming?.();
      },
      cycleFinished: (cycle) => {
        this.cycles.push(cycle);
        if (this.streamingBegan) this.firstStreamingCycleFinished();
        const waiting = this.waiters;
        this.waiters = [];
        for (const resolve of waiting) resolve(cycle);
        extra.cycleFinished?.(cycle);
      },
    };
  }

  /** The next cycle to finish. Call before the action that triggers it. */
  nextCycle(): Promise<CdcCycle> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private ended: Promise<never> = new Promise(() => undefined);

  /** Makes steps fail, instead of waiting forever, once the task's run has ended. */
  watch(outcome: Promise<unknown>): void {
    this.ended = outcome.then((result) => {
      throw new Error(`the task ended while a CDC cycle was awaited: ${JSON.stringify(result)}`);
    });
    this.ended.catch(() => undefined);
  }

  /** Moves the clock by `ms` and waits for the cycle that follows. */
  async step(clock: ManualClock, ms: number): Promise<CdcCycle> {
    const next = this.nextCycle();
    await clock.advance(ms);
    return Promise.race([next, this.ended]);
  }

  /** Steps until a cycle satisfies `done`; fails after a bounded number of steps. */
  async stepUntil(clock: ManualClock, ms: number, done: (cycle: CdcCycle) => boolean): Promise<CdcCycle> {
    for (let step = 0; step < MAX_STEPS; step++) {
      const cycle = await this.step(clock, ms);
      if (done(cycle)) return cycle;
    }
    throw new Error(`no CDC cycle met the condition within ${MAX_STEPS} steps of ${ms} ms`);
  }
}
