/**
 * A scaled clock that stands still while any Lambda invocation runs. On a ScaledClock a handler's wall time is
 * emulated time too, so a slow machine gives alarms, Wait states and cooldowns fewer turns between two decisions
 * than a fast one, and tests that count events over emulated time depend on the machine's pace. Here a handler takes
 * no emulated time, as with the manual clock of `local-state-machines.ts`, while the rest still runs `speed` times
 * faster than real time.
 *
 *   const clock = new IdlePacedClock(300);
 *   const aws = await startLocalLakeshift({ clock });
 *   clock.standStillDuringInvocations(aws.lambda);
 */
import type { LocalLambda } from '#local/aws/lambda/functions';
import { ScaledClock } from '#local/clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class IdlePacedClock extends ScaledClock {
  /** Emulated time when the clock last stopped or started. */
  private emulatedAt: number;
  /** Wall time the clock last started; undefined while it stands still. */
  private runningSince: number | undefined = Date.now();
  private busy = 0;
  private timers = new Set<Timer>();
  private seq = 0;
  private wake: NodeJS.Timeout | undefined;
  /** Due timers are being fired (`fireDue`): `arm` leaves the next one to it. */
  private firing = false;

  /**
   * A handler waiting inside an invocation (the DMS API budget) would wait forever on a clock that stands still until
   * it returns: it waits on the wall clock at this clock's speed instead.
   */
  readonly handlerTime: ScaledClock;

  constructor(speed: number, start: number = Date.now()) {
    super(speed, start);
    this.emulatedAt = start;
    this.handlerTime = new ScaledClock(speed, start);
  }

  override now(): number {
    const since = this.runningSince;
    return since === undefined ? this.emulatedAt : this.emulatedAt + (Date.now() - since) * this.speed;
  }

  override schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.now() + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    this.arm();
    return () => {
      this.timers.delete(timer);
      this.arm();
    };
  }

  /** Makes every invocation of `lambda` stop the clock from its start to its end. */
  standStillDuringInvocations(lambda: LocalLambda): void {
    const invoke = lambda.invoke.bind(lambda);
    lambda.invoke = (...args) => this.standingStillDuring(invoke(...args));
  }

  private async standingStillDuring<T>(work: Promise<T>): Promise<T> {
    if (this.busy++ === 0) this.stop();
    try {
      return await work;
    } finally {
      if (--this.busy === 0) this.start();
    }
  }

  private stop(): void {
    this.emulatedAt = this.now();
    this.runningSince = undefined;
    this.arm();
  }

  private start(): void {
    this.runningSince = Date.now();
    this.arm();
  }

  /** One wall timer, for the earliest emulated timer, only while the clock runs and no firing is under way. */
  private arm(): void {
    clearTimeout(this.wake);
    this.wake = undefined;
    const next = this.earliest();
    if (this.firing || !next || this.runningSince === undefined) return;
    this.wake = setTimeout(() => this.fireDue(), Math.max(0, (next.at - this.now()) / this.speed));
  }

  /**
   * Fires due timers one at a time, two `setImmediate` turns apart. What a timer sets off runs in promise
   * continuations and in the `setImmediate` callbacks they queue (a DMS task's run settling, then its event's
   * delivery to the target): the first turn lets those be queued, the second runs after them, so an invocation they
   * start stops the clock before the next timer fires. Firing every due timer at once would let a later timer (the
   * reconciler's schedule) act on the world an earlier one (a task stopping) changed before that change's own
   * consequences (the task event's delivery) had begun.
   */
  private fireDue(): void {
    this.wake = undefined;
    const next = this.earliest();
    if (!next || this.runningSince === undefined || next.at > this.now()) {
      this.firing = false;
      this.arm();
      return;
    }
    this.firing = true;
    this.timers.delete(next);
    next.fn();
    setImmediate(() => setImmediate(() => this.fireDue()));
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}
