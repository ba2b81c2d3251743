/** Sends one of lakeshift's own events (`Migration Requested`, `Teardown Requested`) as a user does: PutEvents. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LAKESHIFT_EVENT_SOURCE } from '#contracts/events';
import type { AwsConnection } from './observe.ts';

export class PutEventsError extends Error {
  override readonly name = 'PutEventsError';
}

export const putLakeshiftEvent = async (
  aws: AwsConnection,
  eventBusName: string,
  detailType: string,
  detail: unknown,
): Promise<void> => {
  const events = new EventBridgeClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: aws.credentials,
  });
  try {
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: eventBusName,
            Source: LAKESHIFT_EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    if (put.FailedEntryCount) throw new PutEventsError(`PutEvents failed: ${JSON.stringify(put.Entries)}`);
  } finally {
    events.destroy();
  }
};
