/**
 * Announces state changes twice, as DMS does: an EventBridge event (best effort, so faults may drop or duplicate it)
 * to the pluggable sink, and an entry in the event history that DescribeEvents reads (always kept).
 */
import { DMS_EVENT_SOURCE } from '#contracts/events';
import type { Clock } from '../../clock.ts';
import type { FaultInjector } from '../faults/injector.ts';
import { generateUuid } from '../protocol/arn.ts';
import type { StateData } from '../state/records.ts';
import { DMS_EVENTS, type DmsEventKind } from './catalog.ts';

export interface DmsEventDetail {
  readonly type: 'REPLICATION_INSTANCE' | 'REPLICATION_TASK' | 'REPLICATION_ENDPOINT';
  readonly category: string;
  readonly eventType: string;
  readonly eventId?: string;
  readonly eventName?: string;
  readonly resourceLink: string;
  readonly detailMessage: string;
}

/** An event as EventBridge delivers it (`source` `aws.dms`). */
export interface DmsEventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: typeof DMS_EVENT_SOURCE;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: DmsEventDetail;
}

export type DmsEventSink = (event: DmsEventBridgeEvent) => void;

export interface EventSubject {
  readonly arn: string;
  readonly identifier: string;
}

export interface PublisherOptions {
  readonly region: string;
  readonly account: string;
  readonly seed: string;
  readonly clock: Clock;
  readonly faults: FaultInjector;
  readonly state: () => StateData;
  readonly sink?: DmsEventSink;
  /**
   * Captured failure payloads carry no eventId (docs/dms-behaviour.md §3.1); set true to include it anyway.
   */
  readonly failureEventsCarryEventId: boolean;
  /** History kept for DescribeEvents, emulated milliseconds. */
  readonly retentionMs: number;
  /** How task-stopped events read (see DmsEmulatorOptions.taskStopEvents). */
  readonly taskStopEvents: TaskStopEventShape;
  /** The detail field that carries the DMS event id (see DmsEmulatorOptions.eventIdField). */
  readonly eventIdField: 'eventId' | 'eventName';
}

/**
 * `terse`: "Replication task has stopped." with no stop reason, as payloads captured from DMS read; `with-stop-reason`:
 * the message ends in `Stop Reason <reason>`, as some published rules expect.
 */
export type TaskStopEventShape = 'terse' | 'with-stop-reason';

const DETAIL_TYPE = {
  instance: 'REPLICATION_INSTANCE',
  task: 'REPLICATION_TASK',
  endpoint: 'REPLICATION_ENDPOINT',
} as const;
const CONSOLE_PAGE = {
  instance: 'replicationInstanceDetails',
  task: 'taskDetails',
  endpoint: 'endpointDetails',
} as const;

export class EventPublisher {
  constructor(private readonly options: PublisherOptions) {}

  publish(kind: DmsEventKind, subject: EventSubject, message?: string): void {
    const spec = DMS_EVENTS[kind];
    const { clock, region, account } = this.options;
    const state = this.options.state();
    const text = message ?? spec.message;
    if (spec.resource !== 'endpoint') {
      state.events.push({
        sourceIdentifier: subject.identifier,
        sourceType: spec.resource === 'task' ? 'replication-task' : 'replication-instance',
        message: text,
        categories: [...spec.categories],
        date: clock.now(),
      });
      this.prune(state);
    }
    const sink = this.options.sink;
    if (!sink) return;
    const withEventId = spec.eventId && (kind !== 'task-failed' || this.options.failureEventsCarryEventId);
    const detail: DmsEventDetail = {
      type: DETAIL_TYPE[spec.resource],
      category: spec.category,
      eventType: spec.eventType,
      ...(withEventId ? { [this.options.eventIdField]: spec.eventId } : {}),
      resourceLink: `https://console.aws.amazon.com/dms/v2/home?region=${region}#${CONSOLE_PAGE[spec.resource]}/${subject.identifier}`,
      // DescribeEvents keeps the full text; the EventBridge event reads as the setting says.
      detailMessage: kind === 'task-stopped' && this.options.taskStopEvents === 'terse' ? spec.message : text,
    };
    const deliveries = this.options.faults.deliveries({
      ...(spec.eventId ? { eventId: spec.eventId } : {}),
      eventType: spec.eventType,
      detailType: spec.detailType,
      resources: [subject.arn, subject.identifier],
    });
    // A duplicate is a second delivery of the same event, as EventBridge's at-least-once delivery makes it.
    state.eventCounter += 1;
    const id = generateUuid(this.options.seed, state.eventCounter);
    for (let copy = 0; copy < deliveries; copy++) {
      sink({
        version: '0',
        id,
        'detail-type': spec.detailType,
        source: DMS_EVENT_SOURCE,
        account,
        time: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: [subject.arn],
        detail,
      });
    }
  }

  private prune(state: StateData): void {
    const oldest = this.options.clock.now() - this.options.retentionMs;
    const first = state.events.findIndex((event) => event.date >= oldest);
    if (first > 0) state.events.splice(0, first);
  }
}
