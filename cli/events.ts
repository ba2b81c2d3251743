/** Sends one of lakeshift's own events to the stack's bus, as any producer would: PutEvents. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LAKESHIFT_EVENT_SOURCE, type LakeshiftDetailType } from '#contracts/events';
import type { StackConnection } from './connection.ts';
import { SendEventError } from './errors.ts';

export const sendLakeshiftEvent = async (
  connection: StackConnection,
  detailType: LakeshiftDetailType,
  detail: Readonly<Record<string, unknown>>,
): Promise<string> => {
  const events = new EventBridgeClient(connection.config);
  try {
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: connection.eventBusName,
            Source: LAKESHIFT_EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    const entry = put.Entries?.[0];
    if (put.FailedEntryCount || !entry?.EventId) {
      throw new SendEventError(
        `${detailType} was not accepted by bus ${connection.eventBusName}: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
    return entry.EventId;
  } finally {
    events.destroy();
  }
};
