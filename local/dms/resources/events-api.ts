/** DescribeEvents: the event history (kept even when EventBridge delivery dropped an event). */
import type {
  DescribeEventsMessage,
  DescribeEventsResponse,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { describePage } from '../protocol/describe.ts';
import { invalidParameterCombination } from '../protocol/errors.ts';
import { epochMillis, epochSeconds, type Wire } from '../protocol/wire.ts';

/** Without a time range DescribeEvents covers the past hour. */
const DEFAULT_WINDOW_MINUTES = 60;

export const describeEvents = (
  ctx: DmsContext,
  input: Wire<DescribeEventsMessage>,
): Wire<DescribeEventsResponse> => {
  const now = ctx.clock.now();
  if (input.Duration !== undefined && input.StartTime !== undefined && input.EndTime !== undefined)
    throw invalidParameterCombination('Specify at most two of StartTime, EndTime and Duration');
  const durationMs = (input.Duration ?? DEFAULT_WINDOW_MINUTES) * 60_000;
  const end = input.EndTime !== undefined ? epochMillis(input.EndTime) : undefined;
  const start = input.StartTime !== undefined ? epochMillis(input.StartTime) : undefined;
  const from = start ?? (end ?? now) - durationMs;
  const to = end ?? (start !== undefined && input.Duration !== undefined ? from + durationMs : now);
  const inRange = ctx.state.events.filter(
    (event) =>
      event.date >= from &&
      event.date <= to &&
      (input.SourceIdentifier === undefined ||
        event.sourceIdentifier === input.SourceIdentifier.toLowerCase()) &&
      (input.SourceType === undefined || event.sourceType === input.SourceType) &&
      (input.EventCategories === undefined ||
        input.EventCategories.length === 0 ||
        event.categories.some((category) => input.EventCategories?.includes(category))),
  );
  const { items, ...marker } = describePage(
    inRange,
    input,
    {
      fields: {
        'replication-instance-id': (event) =>
          event.sourceType === 'replication-instance' ? [event.sourceIdentifier] : [],
      },
      what: 'events',
      emptyIsNotFound: false,
    },
    (event) => ({
      SourceIdentifier: event.sourceIdentifier,
      SourceType: event.sourceType as 'replication-instance',
      Message: event.message,
      EventCategories: [...event.categories],
      Date: epochSeconds(event.date),
    }),
  );
  return { Events: items, ...marker };
};
