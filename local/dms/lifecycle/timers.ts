/**
 * Durable lifecycle timers: "this instance becomes available at T". Each timer lives in the state (so a restarted
 * emulator picks it up with the time left) and on the injected clock.
 */
import type { Clock } from '../../clock.ts';
import type { StateData, TimerAction, TimerRecord } from '../state/records.ts';

export type TimerHandler = (action: TimerAction) => void;

export class Timers {
  private readonly cancels = new Map<number, () => void>();
  private handler: TimerHandler = () => {};

  constructor(
    private readonly clock: Clock,
    private readonly state: () => StateData,
    private readonly changed: () => void,
  ) {}

  onFire(handler: TimerHandler): void {
    this.handler = handler;
  }

  schedule(action: TimerAction, delayMs: number): void {
    const state = this.state();
    state.timerCounter += 1;
    const timer: TimerRecord = { id: state.timerCounter, dueAt: this.clock.now() + delayMs, action };
    state.timers.push(timer);
    this.arm(timer);
    this.changed();
  }

  /** Cancels the timers of one resource (by ARN). */
  cancelFor(arn: string): void {
    const state = this.state();
    for (const timer of state.timers.filter((candidate) => timerArn(candidate.action) === arn)) {
      this.cancels.get(timer.id)?.();
      this.cancels.delete(timer.id);
    }
    state.timers = state.timers.filter((candidate) => timerArn(candidate.action) !== arn);
    this.changed();
  }

  has(type: TimerAction['type'], arn: string): boolean {
    return this.state().timers.some((timer) => timer.action.type === type && timerArn(timer.action) === arn);
  }

  /** Re-arms every stored timer (after loading persisted state); overdue ones fire at once. */
  restore(): void {
    for (const timer of this.state().timers) this.arm(timer);
  }

  /** Disarms everything without touching the stored timers (the emulator is shutting down). */
  disarm(): void {
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
  }

  private arm(timer: TimerRecord): void {
    const cancel = this.clock.schedule(Math.max(0, timer.dueAt - this.clock.now()), () => {
      this.cancels.delete(timer.id);
      const state = this.state();
      const index = state.timers.findIndex((candidate) => candidate.id === timer.id);
      if (index < 0) return;
      state.timers.splice(index, 1);
      this.handler(timer.action);
      this.changed();
    });
    this.cancels.set(timer.id, cancel);
  }
}

const timerArn = (action: TimerAction): string => ('arn' in action ? action.arn : action.endpointArn);
