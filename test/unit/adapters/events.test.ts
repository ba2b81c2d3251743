import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { publishEvent, publishEvents } from '#adapters/events';
import type { LakeshiftEvent } from '#contracts/events';
import { LAKESHIFT_DETAIL_TYPES, LAKESHIFT_EVENT_SOURCE } from '#contracts/events';
import { LocalEventBridge } from '#local/aws/events/service';
import { ManualClock } from '#local/clock';

const eventBridge = mockClient(EventBridgeClient);

const phaseChanged = (databaseId: string): LakeshiftEvent => ({
  detailType: LAKESHIFT_DETAIL_TYPES.phaseChanged,
  detail: { migrationId: 'mig-1', databaseId, from: 'FULL_LOAD', to: 'STEPPING_DOWN' },
  time: '2026-01-01T00:00:00Z',
  resources: ['arn:aws:dms:us-east-1:123456789012:task:ABC'],
});

beforeEach(() => {
  eventBridge.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('events adapter', () => {
  it('publishes with lakeshift’s source, the detail-type, the caller’s time and the resources', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });

    // Act
    await publishEvent('lakeshift', phaseChanged('orders'));

    // Assess
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'lakeshift',
          Source: LAKESHIFT_EVENT_SOURCE,
          DetailType: 'Database Phase Changed',
          Detail: '{"migrationId":"mig-1","databaseId":"orders","from":"FULL_LOAD","to":"STEPPING_DOWN"}',
          Time: new Date('2026-01-01T00:00:00Z'),
          Resources: ['arn:aws:dms:us-east-1:123456789012:task:ABC'],
        },
      ],
    });
  });

  it('sends at most ten entries per call', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const events = Array.from({ length: 23 }, (_, index) => phaseChanged(`db-${index}`));

    // Act
    await publishEvents('lakeshift', events);

    // Assess
    const sizes = eventBridge
      .commandCalls(PutEventsCommand)
      .map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('splits a burst of large events into calls the local EventBridge accepts, each under 256 KB', async () => {
    // Prepare: the local EventBridge judges each call, as AWS would (it refuses a call of 256 KB or more).
    const local = new LocalEventBridge({
      clock: new ManualClock(0),
      targets: { startExecution: () => undefined, invokeFunction: async () => undefined },
    });
    await local.handle('CreateEventBus', { Name: 'lakeshift' });
    eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) =>
      local.handle('PutEvents', {
        Entries: (input.Entries ?? []).map((entry) => ({ ...entry, Time: entry.Time?.toISOString() })),
      }),
    );
    const wide = (index: number): LakeshiftEvent => ({
      ...phaseChanged(`db-${index}`),
      detail: { ...phaseChanged(`db-${index}`).detail, note: 'x'.repeat(60_000) },
    });

    // Act
    await publishEvents(
      'lakeshift',
      Array.from({ length: 10 }, (_, index) => wide(index)),
    );

    // Assess: four events of about 60 KB fit in a call, a fifth would not.
    const sizes = eventBridge
      .commandCalls(PutEventsCommand)
      .map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('refuses an event too large to send alone, naming it, before sending anything', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const huge: LakeshiftEvent = {
      ...phaseChanged('orders'),
      detail: { ...phaseChanged('orders').detail, note: 'x'.repeat(300_000) },
    };

    // Act
    const attempt = publishEvents('lakeshift', [phaseChanged('billing'), huge]);

    // Assess
    await expect(attempt).rejects.toThrow(
      /^event Database Phase Changed is \d+ bytes; EventBridge takes less than 262144 per PutEvents call$/,
    );
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('re-sends only the entries EventBridge throttled', async () => {
    // Prepare
    vi.useFakeTimers();
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: '1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '2' }] });

    // Act
    const pending = publishEvents('lakeshift', [phaseChanged('first'), phaseChanged('second')]);
    await vi.runAllTimersAsync();
    await pending;

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(
      calls[1]?.args[0].input.Entries?.map((entry) => JSON.parse(entry.Detail ?? '{}').databaseId),
    ).toEqual(['second']);
  });

  it('fails naming the rejected event when an entry is refused for good', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed' }],
    });

    // Act
    const attempt = publishEvent('lakeshift', phaseChanged('orders'));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'AwsFault',
      message: 'PutEvents rejected 1 event(s): Database Phase Changed: MalformedDetail Detail is malformed',
    });
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('refuses an event whose time is not an ISO date-time before sending anything', async () => {
    // Act
    const attempt = publishEvent('lakeshift', { ...phaseChanged('orders'), time: 'now-ish' });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'InvalidHandlerInput',
      message: expect.stringContaining('now-ish'),
    });
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});
