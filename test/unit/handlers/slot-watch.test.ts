import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { publishMetrics } from '#adapters/metrics';
import { readReplicationSlot } from '#adapters/postgres';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { METRIC_NAMES } from '#contracts/metrics';
import { SLOT_ALARM_NAME_PREFIX } from '#contracts/names';
import { nextSlotWatch } from '#domain/source-safety/slot-watch';
import { functionNameOf, importHandler, invokeHandler, lambdaContext } from '#test/lambda-context';
import { keyOf, NOW, planFor, useHandlerWorld } from './fixtures.ts';

// Reading a slot runs against a real PostgreSQL in the adapter's tests; here only what the handlers do with it.
vi.mock('#adapters/postgres', () => ({ readReplicationSlot: vi.fn() }));
// The metrics go out as embedded-metric-format lines; here only which points the reconciler hands over.
vi.mock('#adapters/metrics', () => ({ publishMetrics: vi.fn() }));

const world = useHandlerWorld();
const secrets = mockClient(SecretsManagerClient);
const cloudWatch = mockClient(CloudWatchClient);
const events = mockClient(EventBridgeClient);
const dms = mockClient(DatabaseMigrationServiceClient);
const minutesAfter = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

beforeEach(() => {
  for (const mock of [secrets, cloudWatch, events, dms]) mock.reset();
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ host: 'db', port: 5432, username: 'u', password: 'p', dbname: 'orders' }),
  });
  cloudWatch.on(PutMetricAlarmCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  dms.on(DescribeReplicationTasksCommand).resolves({ ReplicationTasks: [] });
  vi.mocked(readReplicationSlot).mockReset();
  vi.mocked(publishMetrics).mockReset();
});

const recordedIn = async (migrationId: string, phase: 'CDC' | 'FULL_LOAD', network?: string) => {
  const planned = planFor(migrationId);
  const plan = network === undefined ? planned : { ...planned, network };
  await world.seed(plan, phase);
  await world
    .registry()
    .update(keyOf(plan), { replicationSlot: { name: 'dms_slot', recordedAt: NOW } }, { now: NOW });
  return plan;
};

describe('Function: nextSlotWatch', () => {
  it('keeps the time a slot was first found inactive, and forgets it once the slot is read again', () => {
    // Act
    const first = nextSlotWatch(undefined, { active: false, retainedWalBytes: 10 }, NOW);
    const second = nextSlotWatch(first, { active: false, retainedWalBytes: 20 }, minutesAfter(5));
    const again = nextSlotWatch(second, { active: true, retainedWalBytes: 1 }, minutesAfter(10));
    const gone = nextSlotWatch(again, undefined, minutesAfter(15));
    // Assess
    expect(second).toEqual({
      checkedAt: minutesAfter(5),
      retainedWalBytes: 20,
      active: false,
      inactiveSince: NOW,
    });
    expect(again).toEqual({ checkedAt: minutesAfter(10), retainedWalBytes: 1, active: true });
    expect(gone).toEqual({
      checkedAt: minutesAfter(15),
      retainedWalBytes: null,
      active: false,
      inactiveSince: minutesAfter(15),
    });
  });
});

describe('Handler: inspect-replication-slots', () => {
  it('records, for each recorded slot, whether it is read and the WAL it retains', async () => {
    // Prepare
    const plan = await recordedIn('watch-1', 'CDC');
    vi.mocked(readReplicationSlot).mockResolvedValue({
      name: 'dms_slot',
      plugin: 'test_decoding',
      active: true,
      retainedWalBytes: 4096,
    });
    // Act
    const result = await invokeHandler('inspect-replication-slots', { time: NOW });
    // Assess
    expect(result).toMatchObject({ inspected: 1 });
    expect(readReplicationSlot).toHaveBeenCalledWith(
      expect.objectContaining({ database: plan.source.databaseName }),
      'dms_slot',
    );
    expect((await world.registry().require(keyOf(plan))).slotWatch).toEqual({
      checkedAt: NOW,
      retainedWalBytes: 4096,
      active: true,
    });
  });
});

describe('Handler: reconcile (replication slots)', () => {
  it('publishes the slot metrics, keeps the retained-WAL alarm, and reports a slot inactive too long during CDC', async () => {
    // Prepare
    const plan = await recordedIn('watch-2', 'CDC');
    await world.registry().update(
      keyOf(plan),
      {
        slotWatch: {
          checkedAt: minutesAfter(40),
          retainedWalBytes: 9e9,
          active: false,
          inactiveSince: NOW,
        },
      },
      { now: NOW },
    );
    // Act
    await invokeHandler('reconcile', { time: minutesAfter(45) });
    // Assess
    // The registry is shared by the file's tests: only this database's metrics (and the dimensionless incident).
    const slotMetricNames: readonly string[] = [
      METRIC_NAMES.slotActive,
      METRIC_NAMES.slotRetainedWal,
      METRIC_NAMES.slotIncident,
    ];
    const metrics = vi
      .mocked(publishMetrics)
      .mock.calls.flatMap(([points]) => points)
      .filter((point) => slotMetricNames.includes(point.name))
      .filter(
        (point) => point.dimensions.MigrationId !== 'watch-1' && point.metadata?.migrationId !== 'watch-1',
      )
      .map((point) => [point.name, point.value]);
    expect(metrics).toEqual([
      [METRIC_NAMES.slotActive, 0],
      [METRIC_NAMES.slotRetainedWal, 9e9],
      [METRIC_NAMES.slotIncident, 1],
    ]);
    expect(cloudWatch).toHaveReceivedCommandWith(PutMetricAlarmCommand, {
      AlarmName: `${SLOT_ALARM_NAME_PREFIX}watch-2-orders`,
      MetricName: METRIC_NAMES.slotRetainedWal,
    });
    const published = events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(published.map((entry) => entry.DetailType)).toContain(LAKESHIFT_DETAIL_TYPES.slotInactive);
  });

  it('puts the retained-WAL alarm only when CloudWatch lacks it or holds another definition', async () => {
    // Prepare
    const plan = await recordedIn('watch-4', 'CDC');
    await world
      .registry()
      .update(
        keyOf(plan),
        { slotWatch: { checkedAt: minutesAfter(40), retainedWalBytes: 1, active: true } },
        { now: NOW },
      );
    const alarmName = `${SLOT_ALARM_NAME_PREFIX}watch-4-orders`;
    const putsOfThisAlarm = () =>
      cloudWatch
        .commandCalls(PutMetricAlarmCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.AlarmName === alarmName);
    const sweep = async (described: readonly MetricAlarm[] | Error) => {
      cloudWatch.resetHistory();
      if (described instanceof Error) cloudWatch.on(DescribeAlarmsCommand).rejects(described);
      else cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [...described] });
      const output = await invokeHandler('reconcile', { time: minutesAfter(45) });
      return { output, puts: putsOfThisAlarm() };
    };

    // Act
    const missing = await sweep([]);
    const held = missing.puts.map((put) => ({ ...put, StateValue: 'OK' as const }));
    const unchanged = await sweep(held);
    const changed = await sweep(held.map((alarm) => ({ ...alarm, Threshold: 1 })));
    const unread = await sweep(new Error('Throttling: Rate exceeded'));

    // Assess
    expect(missing.puts).toHaveLength(1);
    expect(unchanged.puts).toEqual([]);
    expect(changed.puts).toEqual(missing.puts);
    expect(unread.puts).toEqual(missing.puts);
    expect(unread.output).toMatchObject({
      slotAlarmsDescribeError: expect.stringContaining('Rate exceeded'),
    });
  });

  it('reports no incident for a slot inactive during the full load', async () => {
    // Prepare
    const plan = await recordedIn('watch-3', 'FULL_LOAD');
    await world.registry().update(
      keyOf(plan),
      {
        slotWatch: { checkedAt: minutesAfter(40), retainedWalBytes: 1, active: false, inactiveSince: NOW },
      },
      { now: NOW },
    );
    // Act
    await invokeHandler('reconcile', { time: minutesAfter(45) });
    // Assess
    const published = events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(published.filter((entry) => entry.Detail?.includes('watch-3'))).toEqual([]);
  });
});

describe('Handler: inspect-replication-slots, one copy per network', () => {
  it('inspects only the databases of the network its function name ends with, and says which it is', async () => {
    // Prepare
    const inDefault = await recordedIn('watch-net-1', 'CDC');
    const inPartner = await recordedIn('watch-net-2', 'CDC', 'partner');
    vi.mocked(readReplicationSlot).mockResolvedValue({
      name: 'dms_slot',
      plugin: 'test_decoding',
      active: true,
      retainedWalBytes: 1,
    });
    // Act
    const partner = await invokeHandler('inspect-replication-slots', { time: NOW }, 'partner');
    // Assess
    expect(partner).toMatchObject({ network: 'partner', slots: [keyOf(inPartner)] });
    expect((await world.registry().require(keyOf(inPartner))).slotWatch).toBeDefined();
    expect((await world.registry().require(keyOf(inDefault))).slotWatch).toBeUndefined();
  });
});

describe('Handler: inspect-replication-slots, at fleet size', () => {
  const slotOf = { name: 'dms_slot', plugin: 'test_decoding', active: true, retainedWalBytes: 1 } as const;
  /** The copy for `network`, as Lambda calls it, with `timeLeft` giving the milliseconds left of its timeout. */
  const invokeWithTimeLeft = async (network: string, timeLeft: () => number, time = NOW) => {
    const handler = await importHandler('inspect-replication-slots');
    const context = {
      ...lambdaContext(functionNameOf('inspect-replication-slots', network)),
      getRemainingTimeInMillis: timeLeft,
    };
    return (await handler({ time }, context)) as {
      inspected: number;
      slots: { migrationId: string }[];
      deferred?: { migrationId: string }[];
    };
  };
  const recordedDatabases = async (network: string, count: number) => {
    const plans = [];
    for (let index = 0; index < count; index++) {
      plans.push(await recordedIn(`fleet-${network}-${index}`, 'CDC', network));
    }
    return plans;
  };

  it('starts no inspection its timeout would cut short, and visits the ones it left first the next time', async () => {
    // Prepare: twelve databases; each inspection takes 6 s of the function's time, and eight start at once, so
    // after the first eight less than the 15 s an inspection needs is left.
    await recordedDatabases('late', 12);
    let remaining = 60_000;
    vi.mocked(readReplicationSlot).mockImplementation(async () => {
      remaining -= 6_000;
      return slotOf;
    });
    const migrationsOf = (keys: readonly { migrationId: string }[] | undefined) =>
      (keys ?? []).map((key) => key.migrationId).sort();

    // Act
    const first = await invokeWithTimeLeft('late', () => remaining);
    remaining = 60_000;
    const second = await invokeWithTimeLeft('late', () => remaining, minutesAfter(5));

    // Assess: the second sweep started with the four the first left; in registry order it would leave them again.
    expect([first.inspected, first.deferred?.length]).toEqual([8, 4]);
    expect([second.inspected, second.deferred?.length]).toEqual([8, 4]);
    const leftFirst = migrationsOf(first.deferred);
    expect(migrationsOf(second.slots).filter((id) => leftFirst.includes(id))).toEqual(leftFirst);
    expect(migrationsOf(second.deferred).filter((id) => leftFirst.includes(id))).toEqual([]);
  });

  it('inspects several sources at once, never more than eight', async () => {
    // Prepare: each inspection waits until the test lets it finish.
    await recordedDatabases('wide', 12);
    let inFlight = 0;
    let mostInFlight = 0;
    const releases: (() => void)[] = [];
    vi.mocked(readReplicationSlot).mockImplementation(async () => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight--;
      return slotOf;
    });
    const releaseAll = () => {
      for (const release of releases.splice(0)) release();
    };

    // Act: the first eight start; once they finish, the last four.
    const sweep = invokeWithTimeLeft('wide', () => 60_000);
    // Generous bounds: these wait for a condition, and a loaded machine takes longer to reach it.
    await vi.waitFor(() => expect(inFlight).toBe(8), { timeout: 30_000 });
    releaseAll();
    await vi.waitFor(() => expect(inFlight).toBe(4), { timeout: 30_000 });
    releaseAll();
    const result = await sweep;

    // Assess
    expect(result.inspected).toBe(12);
    expect(mostInFlight).toBe(8);
  });
});
