/** What every API operation works with: the state, the clock, the emulator's services and its lifecycle. */
import type { Clock } from '../clock.ts';
import type { DmsConfig } from './config.ts';
import type { EventPublisher } from './events/publisher.ts';
import type { DmsLifecycle } from './lifecycle/lifecycle.ts';
import type { StateData } from './state/records.ts';

export interface DmsContext {
  readonly config: DmsConfig;
  readonly clock: Clock;
  readonly state: StateData;
  readonly events: EventPublisher;
  /** Every slow status change: API operations validate, then hand the change to it. */
  readonly lifecycle: DmsLifecycle;
  /** A new resource id for an ARN (deterministic under the seed). */
  nextResourceId(): string;
  /** Marks the state changed (persistence). */
  changed(): void;
}
