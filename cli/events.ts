/** Sends one of lakeshift's own events to the stack's bus, as any producer would: PutEvents. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PUT_EVENTS_MAX_BYTES, putEventsEntryBytes } from '#contracts/event-size';
import { LAKESHIFT_EVENT_SOURCE, type LakeshiftDetailType } from '#contracts/events';
import type { StackConnection } from './connection.ts';
import { SendEventError } from './errors.ts';

export const sendLakeshiftEvent = async (
  connection: StackConnection,
  detailType: LakeshiftDetailType,
  detail: Readonly<Record<string, unknown>>,
): Promise<string> => {
  const entry = {
    EventBusName: connection.eventBusName,
    Source: LAKESHIFT_EVENT_SOURCE,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
  };
  const bytes = putEventsEntryBytes(entry);
  if (bytes >= PUT_EVENTS_MAX_BYTES) {
    throw new SendEventError(
      `${detailType} would be ${bytes} bytes, and EventBridge takes less than ${PUT_EVENTS_MAX_BYTES}: split the databases into several migrations`,
    );
  }
  const events = new EventBridgeClient(connection.config);
  try {
    const put = await events.send(new PutEventsCommand({ Entries: [entry] }));
    const result = put.Entries?.[0];
    if (put.FailedEntryCount || !result?.EventId) {
      throw new SendEventError(
        `${detailType} was not accepted by bus ${connection.eventBusName}: ${result?.ErrorCode ?? 'no event id'} ${result?.ErrorMessage ?? ''}`.trim(),
      );
    }
    return result.EventId;
  } finally {
    events.destroy();
  }
};
