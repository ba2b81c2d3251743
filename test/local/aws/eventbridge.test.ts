import { describe, expect, it } from 'vitest';
import { migrationRequestedPattern } from '#contracts/patterns';
import { type Delivery, LocalEventBridge } from '#local/aws/events/service';
import { ManualClock } from '#local/clock';
import { eventually } from './helpers.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:lakeshift-migrate-fleet';
const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:lakeshift-reconcile';

const harness = (functionErrors: (string | undefined)[] = []) => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const started: { arn: string; input: unknown }[] = [];
  const invoked: { arn: string; event: unknown; rule: string }[] = [];
  const deliveries: Delivery[] = [];
  const events = new LocalEventBridge({
    clock,
    onDelivery: (delivery) => deliveries.push(delivery),
    targets: {
      startExecution: (arn, input) => {
        started.push({ arn, input: JSON.parse(input) });
      },
      invokeFunction: async (arn, event, rule) => {
        invoked.push({ arn, event, rule });
        return functionErrors.shift();
      },
    },
  });
  return { clock, events, started, invoked, deliveries };
};

const putMigrationRule = async (events: LocalEventBridge) => {
  await events.handle('CreateEventBus', { Name: 'lakeshift' });
  await events.handle('PutRule', {
    Name: 'lakeshift-MigrationRequested',
    EventBusName: 'lakeshift',
    EventPattern: JSON.stringify(migrationRequestedPattern),
  });
  await events.handle('PutTargets', {
    Rule: 'lakeshift-MigrationRequested',
    EventBusName: 'lakeshift',
    Targets: [{ Id: 'fleet', Arn: STATE_MACHINE, InputPath: '$.detail' }],
  });
};

describe('LocalEventBridge PutEvents', () => {
  it('starts the target state machine with the input path of a matching event, on its bus only', async () => {
    // Prepare
    const h = harness();
    await putMigrationRule(h.events);
    const entry = {
      Source: 'lakeshift',
      DetailType: 'Migration Requested',
      Detail: JSON.stringify({ migrationId: 'm-1' }),
    };

    // Act
    const onLakeshiftBus = (await h.events.handle('PutEvents', {
      Entries: [{ ...entry, EventBusName: 'lakeshift' }],
    })) as {
      FailedEntryCount: number;
      Entries: { EventId?: string }[];
    };
    await h.events.handle('PutEvents', { Entries: [entry] });
    await eventually(() => h.deliveries.length >= 1);

    // Assess
    expect(onLakeshiftBus.FailedEntryCount).toBe(0);
    expect(onLakeshiftBus.Entries[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.started).toEqual([{ arn: STATE_MACHINE, input: { migrationId: 'm-1' } }]);
    expect(h.deliveries[0]).toMatchObject({
      rule: 'lakeshift-MigrationRequested',
      ok: true,
      detailType: 'Migration Requested',
    });
  });

  it('reports bad entries one by one, refusing aws.* sources and malformed detail', async () => {
    // Prepare
    const h = harness();

    // Act
    const result = (await h.events.handle('PutEvents', {
      Entries: [
        { Source: 'aws.dms', DetailType: 'DMS Replication Task State Change', Detail: '{}' },
        { Source: 'lakeshift', DetailType: 'Migration Requested', Detail: 'not json' },
        { Source: 'lakeshift', DetailType: 'Migration Requested' },
        { Source: 'lakeshift', DetailType: 'Migration Requested', Detail: '{}', EventBusName: 'missing' },
      ],
    })) as { FailedEntryCount: number; Entries: { ErrorCode?: string; ErrorMessage?: string }[] };

    // Assess
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries.map((e) => e.ErrorCode)).toEqual([
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
    ]);
    expect(result.Entries[2]?.ErrorMessage).toBe('Parameter Detail is not valid.');
  });
});

describe('LocalEventBridge PutEvents size', () => {
  /** An entry whose size, as the EventBridge user guide counts it, is exactly `bytes` (with a Time: 14 bytes). */
  const entryOf = (bytes: number) => {
    const fixed = 14 + 'lakeshift'.length + 'Migration Requested'.length + '{"a":""}'.length + 'é'.length * 2;
    return {
      Source: 'lakeshift',
      DetailType: 'Migration Requested',
      Time: 1_767_225_600,
      // A two-byte character counts twice: sizes are UTF-8 bytes, not characters.
      Detail: JSON.stringify({ a: `é${'x'.repeat(bytes - fixed)}` }),
    };
  };

  it('refuses a call whose entries total 256 KB or more, and accepts one a byte under', async () => {
    // Prepare
    const h = harness();
    const half = 128 * 1024;

    // Act
    const under = await h.events.handle('PutEvents', { Entries: [entryOf(half), entryOf(half - 1)] });
    const at = h.events.handle('PutEvents', { Entries: [entryOf(half), entryOf(half)] });

    // Assess
    expect(under).toMatchObject({ FailedEntryCount: 0 });
    await expect(at).rejects.toMatchObject({
      type: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });
});

describe('LocalEventBridge service events and schedules', () => {
  it('routes an AWS service event on the default bus to a handler with the whole envelope', async () => {
    // Prepare
    const h = harness();
    await h.events.handle('PutRule', {
      Name: 'dms',
      EventPattern: JSON.stringify({
        source: ['aws.dms'],
        detail: { eventType: ['REPLICATION_TASK_STOPPED'] },
      }),
    });
    await h.events.handle('PutTargets', { Rule: 'dms', Targets: [{ Id: 'handler', Arn: FUNCTION }] });

    // Act
    h.events.publish({
      source: 'aws.dms',
      detailType: 'DMS Replication Task State Change',
      resources: ['arn:aws:dms:us-east-1:000000000000:task:ABC'],
      detail: { eventType: 'REPLICATION_TASK_STOPPED' },
    });
    await eventually(() => h.invoked.length === 1);

    // Assess
    expect(h.invoked[0]).toMatchObject({
      arn: FUNCTION,
      rule: 'dms',
      event: {
        version: '0',
        source: 'aws.dms',
        'detail-type': 'DMS Replication Task State Change',
        account: '000000000000',
        region: 'us-east-1',
        time: '2026-01-01T00:00:00Z',
        resources: ['arn:aws:dms:us-east-1:000000000000:task:ABC'],
        detail: { eventType: 'REPLICATION_TASK_STOPPED' },
      },
    });
  });

  it('retries a failing asynchronous invocation twice, one and two minutes apart', async () => {
    // Prepare
    const h = harness(['Throttled', 'Throttled', 'Throttled']);
    await h.events.handle('PutRule', { Name: 'dms', EventPattern: JSON.stringify({ source: ['aws.dms'] }) });
    await h.events.handle('PutTargets', { Rule: 'dms', Targets: [{ Id: 'handler', Arn: FUNCTION }] });
    h.events.publish({ source: 'aws.dms', detailType: 'x', detail: {} });
    await eventually(() => h.invoked.length === 1);

    // Act
    await h.clock.advance(59_999);
    const beforeFirstRetry = h.invoked.length;
    await h.clock.advance(1);
    await eventually(() => h.invoked.length === 2);
    await h.clock.advance(120_000);
    await eventually(() => h.invoked.length === 3);
    await h.clock.advance(600_000);

    // Assess
    expect(beforeFirstRetry).toBe(1);
    expect(h.invoked).toHaveLength(3);
  });

  it('fires a rate schedule on the shared clock with a Scheduled Event', async () => {
    // Prepare
    const h = harness();
    await h.events.handle('PutRule', { Name: 'reconcile', ScheduleExpression: 'rate(5 minutes)' });
    await h.events.handle('PutTargets', { Rule: 'reconcile', Targets: [{ Id: 'handler', Arn: FUNCTION }] });

    // Act
    await h.clock.advance(4 * 60_000);
    const beforeFirst = h.invoked.length;
    await h.clock.advance(60_000);
    await eventually(() => h.invoked.length === 1);
    await h.clock.advance(10 * 60_000);
    await eventually(() => h.invoked.length === 3);

    // Assess
    expect(beforeFirst).toBe(0);
    expect(h.invoked[0]?.event).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/reconcile'],
      detail: {},
    });
  });

  it('refuses invalid patterns, cron schedules and schedules off the default bus', async () => {
    // Prepare
    const h = harness();
    await h.events.handle('CreateEventBus', { Name: 'lakeshift' });

    // Act + Assess
    await expect(
      h.events.handle('PutRule', { Name: 'bad', EventPattern: '{"source":"aws.dms"}' }),
    ).rejects.toMatchObject({
      type: 'InvalidEventPatternException',
    });
    await expect(
      h.events.handle('PutRule', { Name: 'cron', ScheduleExpression: 'cron(0 12 * * ? *)' }),
    ).rejects.toThrow(/cron expressions are not supported locally/);
    await expect(
      h.events.handle('PutRule', {
        Name: 'elsewhere',
        EventBusName: 'lakeshift',
        ScheduleExpression: 'rate(1 minute)',
      }),
    ).rejects.toThrow('ScheduleExpression is supported only on the default event bus.');
  });
});
