/**
 * The local clock: emulated time shared by the DMS emulator, the Step Functions runtime (Wait states), CloudWatch
 * (alarm periods) and the schedules. It runs `speed` times faster than real time, or only when advanced by hand
 * (`ManualClock`) so that tests drive time and never sleep.
 */
export interface Clock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of emulated time (rejects with the signal's reason if aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms` of emulated time; returns a cancel function. */
  schedule(ms: number, fn: () => void): () => void;
  /**
   * Time as it passes while a handler runs, for waits inside a handler (the DMS API budget); the clock itself when
   * absent. A clock that stands still while handlers run gives another one, or such a wait would never end.
   */
  readonly handlerTime?: Pick<Clock, 'now' | 'sleep'>;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock whose time moves only through `advance`/`advanceTo`/`runUntilIdle`. Deterministic. */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promise callbacks settle between them. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await settle();
      const next = this.nextTimer();
      if (!next || next.at > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }

  /** Number of timers waiting. */
  pending(): number {
    return this.timers.length;
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}

/** Emulated time that runs `speed` times faster than the wall clock, starting from the wall clock's now. */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  private readonly emulatedStart: number;

  constructor(
    readonly speed: number,
    start: number = Date.now(),
  ) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
    this.emulatedStart = start;
  }

  now(): number {
    return this.emulatedStart + (Date.now() - this.realStart) * this.speed;
  }

  schedule(ms: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, ms / this.speed));
    return () => clearTimeout(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/**
 * A scaled clock that never runs ahead of what the machine can follow. It checks the event loop every `checkMs` of
 * wall time; wall time the loop could not account for (a check that came late, because the loop was busy) counts
 * only up to `checkMs + toleranceMs`. On an idle machine it is a ScaledClock. On a saturated one, emulated time
 * slows down instead of turning a handler's wall time into minutes of emulated time, which would make heartbeats
 * and Wait states expire on work the emulated account would have finished (a fleet of hundreds on one process).
 * Timers fire once emulated time reaches them. `stop` ends the checks.
 */
export class LoadPacedClock extends ScaledClock {
  private emulatedAt: number;
  private checkedAt = Date.now();
  private readonly monitor: NodeJS.Timeout;

  constructor(
    speed: number,
    private readonly checkMs = 10,
    private readonly toleranceMs = 15,
    start: number = Date.now(),
  ) {
    super(speed, start);
    this.emulatedAt = start;
    this.monitor = setInterval(() => {
      this.emulatedAt = this.now();
      this.checkedAt = Date.now();
    }, checkMs);
    this.monitor.unref();
  }

  override now(): number {
    const sinceCheck = Math.min(Date.now() - this.checkedAt, this.checkMs + this.toleranceMs);
    return this.emulatedAt + sinceCheck * this.speed;
  }

  override schedule(ms: number, fn: () => void): () => void {
    const at = this.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout | undefined;
    const fireWhenDue = () => {
      const remaining = at - this.now();
      if (remaining <= 0) fn();
      else handle = setTimeout(fireWhenDue, Math.max(1, remaining / this.speed));
    };
    handle = setTimeout(fireWhenDue, Math.max(0, ms / this.speed));
    return () => clearTimeout(handle);
  }

  stop(): void {
    clearInterval(this.monitor);
  }
}

/** A sleep built on a clock's `schedule`, cancelled (and rejected with the signal's reason) when the signal aborts. */
const sleepOn = (clock: Pick<Clock, 'schedule'>, ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const cancel = clock.schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = () => {
      cancel();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Lets pending promise callbacks and I/O callbacks run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};
