/**
 * Publishes lakeshift's own events (source `lakeshift`, detail-types from #contracts/events) on the bus, so users
 * can hang notifications on phase changes, resizes and failures.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsFaultError, InvalidInputError } from '#contracts/errors';
import { PUT_EVENTS_MAX_BYTES, putEventsEntryBytes } from '#contracts/event-size';
import { LAKESHIFT_EVENT_SOURCE, type LakeshiftEvent } from '#contracts/events';
import { eventBridgeClient, eventBridgeSdk } from './clients.ts';
import { awsCall } from './retry.ts';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/** The entries in calls of at most 10 and under 256 KB each, in order; an entry too large alone is refused. */
const batchesOf = (entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] => {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const bytes = putEventsEntryBytes(entry);
    if (bytes >= PUT_EVENTS_MAX_BYTES) {
      throw new InvalidInputError(
        `event ${entry.DetailType} is ${bytes} bytes; EventBridge takes less than ${PUT_EVENTS_MAX_BYTES} per PutEvents call`,
      );
    }
    if (current.length === MAX_ENTRIES_PER_CALL || currentBytes + bytes >= PUT_EVENTS_MAX_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/** Entry errors worth sending again (the rest are bad entries and would fail again). */
const RETRYABLE_ENTRY_ERRORS = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/** Thrown inside an attempt so that the retry policy backs off and re-sends the entries that failed. */
class EntriesThrottledError extends Error {
  override readonly name = 'ThrottlingException';
  readonly $metadata = {};
}

const toEntry = (busName: string, event: LakeshiftEvent): PutEventsRequestEntry => {
  const time = new Date(event.time);
  if (Number.isNaN(time.getTime())) {
    throw new InvalidInputError(`event time must be an ISO date-time, got "${event.time}"`);
  }
  return {
    EventBusName: busName,
    Source: LAKESHIFT_EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Time: time,
    Resources: event.resources ? [...event.resources] : undefined,
  };
};

const putBatch = (entries: readonly PutEventsRequestEntry[]): Promise<void> => {
  let pending = [...entries];
  return awsCall('PutEvents', async () => {
    const output = await (await eventBridgeClient()).send(
      new (await eventBridgeSdk()).PutEventsCommand({ Entries: pending }),
    );
    if (!output.FailedEntryCount) return;
    const results = output.Entries ?? [];
    const failed = pending.flatMap((entry, index) => {
      const errorCode = results[index]?.ErrorCode;
      return errorCode ? [{ entry, errorCode, message: results[index]?.ErrorMessage ?? '' }] : [];
    });
    const permanent = failed.filter((failure) => !RETRYABLE_ENTRY_ERRORS.has(failure.errorCode));
    if (permanent.length > 0) {
      throw new AwsFaultError(
        `PutEvents rejected ${permanent.length} event(s): ${permanent
          .map((failure) => `${failure.entry.DetailType}: ${failure.errorCode} ${failure.message}`.trimEnd())
          .join('; ')}`,
      );
    }
    pending = failed.map((failure) => failure.entry);
    throw new EntriesThrottledError(`PutEvents: ${pending.length} event(s) throttled`);
  });
};

/**
 * Publishes every event, in calls of at most 10 entries under 256 KB; entries EventBridge throttled are re-sent with
 * backoff. An event too large to send is refused, naming it, before any is sent.
 */
export const publishEvents = async (busName: string, events: readonly LakeshiftEvent[]): Promise<void> => {
  for (const batch of batchesOf(events.map((event) => toEntry(busName, event)))) await putBatch(batch);
};

export const publishEvent = (busName: string, event: LakeshiftEvent): Promise<void> =>
  publishEvents(busName, [event]);
