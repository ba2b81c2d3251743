import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { slotWatchMetrics } from '#domain/metrics';
import type { RegistryItem } from '#domain/registry-item';
import { nextSlotWatch, slotAlarm } from '#domain/source-safety/slot-watch';
import { evaluateAlarm } from '#local/aws/cloudwatch/alarm-evaluation';
import { ManualClock } from '#local/clock';
import { createPostgresToS3Workload, generatedSlotName } from '#local/dataplane/workload';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { CdcDriver } from './cdc-driver.ts';
import { newLake } from './lake-queries.ts';
import { type FakeTaskOptions, fakeTask, secretFor, taskArnOf } from './task-context.ts';

const postgres = usePostgres();

const startTask = async (db: TestDatabase, task: Omit<FakeTaskOptions, 'db'>) => {
  const driver = new CdcDriver();
  const fake = fakeTask({ db, taskArn: taskArnOf(db), ...task });
  const workload = createPostgresToS3Workload({
    lakeDir: await newLake(),
    resolveSecret: secretFor(db),
    observer: driver.observer(),
  });
  const outcome = workload.run(fake.ctx);
  driver.watch(outcome);
  return { driver, fake, outcome };
};

const failureOf = (outcome: unknown): string =>
  typeof outcome === 'object' && outcome !== null && 'message' in outcome ? String(outcome.message) : '';

/** Bytes of WAL the slot keeps on the server (what fills a source's disk). */
const retainedWal = async (client: pg.Client, slot: string): Promise<number> => {
  const result = await client.query<{ bytes: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text AS bytes
     FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  return Number(result.rows[0]?.bytes ?? Number.NaN);
};

describe('the local data plane: SlotName as DMS documents it', () => {
  it('fails the task start when the slot named by SlotName does not exist, and creates none', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');

    // Act
    const { outcome } = await startTask(db, {
      migrationType: 'cdc',
      cdcStartPosition: '0/1000000',
      postgreSqlSettings: { SlotName: `missing_${db.name}` },
    });
    const result = await outcome;

    // Assess
    expect(result).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(failureOf(result)).toContain(
      `Replication slot "missing_${db.name}" named by SlotName does not exist`,
    );
    const slots = await client.query('SELECT slot_name FROM pg_replication_slots WHERE database = $1', [
      db.name,
    ]);
    expect(slots.rows).toEqual([]);
  });

  it('fails the task start when SlotName is given without a CdcStartPosition', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    await client.query(`SELECT pg_create_logical_replication_slot('named_${db.name}', 'test_decoding')`);

    // Act
    const { outcome } = await startTask(db, {
      migrationType: 'cdc',
      postgreSqlSettings: { SlotName: `named_${db.name}` },
    });
    const result = await outcome;

    // Assess
    expect(result).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(failureOf(result)).toContain('requires a valid CdcStartPosition');
    await client.query(`SELECT pg_drop_replication_slot('named_${db.name}')`);
  });

  it('reads from a slot created beforehand from its CdcStartPosition, and leaves the slot in place', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY)');
    const created = await client.query<{ lsn: string }>(
      `SELECT lsn::text FROM pg_create_logical_replication_slot('named_${db.name}', 'test_decoding')`,
    );
    const start = created.rows[0]?.lsn ?? '';

    // Act
    const { driver, fake, outcome } = await startTask(db, {
      migrationType: 'cdc',
      cdcStartPosition: start,
      postgreSqlSettings: { SlotName: `named_${db.name}` },
    });
    await driver.streaming;
    await client.query('INSERT INTO t VALUES (1)');
    const cycle = await driver.stepUntil(fake.clock, 1000, (next) => next.changesRead > 0);
    fake.controller.abort();
    await outcome;

    // Assess
    expect(cycle.changesRead).toBe(1);
    const slots = await client.query('SELECT slot_name FROM pg_replication_slots WHERE database = $1', [
      db.name,
    ]);
    expect(slots.rows).toEqual([{ slot_name: `named_${db.name}` }]);
    await client.query(`SELECT pg_drop_replication_slot('named_${db.name}')`);
  });
});

describe('the local data plane: heartbeat', () => {
  /**
   * One idle source database beside a busy one on the same server, for an hour of task time in one-minute
   * steps: the WAL the idle database's slot retains at the end.
   */
  const idleDatabaseRetains = async (heartbeat: boolean): Promise<{ retained: number; written: number }> => {
    const idle = await postgres.createDatabase('idle');
    const busy = await postgres.createDatabase('busy');
    const idleClient = await idle.connect();
    const busyClient = await busy.connect();
    await idleClient.query('CREATE TABLE quiet (id int PRIMARY KEY); INSERT INTO quiet VALUES (1)');
    await busyClient.query('CREATE TABLE noisy (id serial PRIMARY KEY, body text)');
    const { driver, fake, outcome } = await startTask(idle, {
      clock: new ManualClock(),
      postgreSqlSettings: { HeartbeatEnable: heartbeat, HeartbeatFrequency: 5 },
    });
    await driver.streaming;
    const slot = generatedSlotName(taskArnOf(idle));
    const before = await busyClient.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    for (let minute = 0; minute < 60; minute++) {
      await busyClient.query(`INSERT INTO noisy (body) SELECT repeat('x', 200) FROM generate_series(1, 200)`);
      await driver.step(fake.clock, 60_000);
    }
    // Two more cycles: the last heartbeat is read and acknowledged.
    await driver.step(fake.clock, 1000);
    await driver.step(fake.clock, 1000);
    const written = await busyClient.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes',
      [before.rows[0]?.lsn],
    );
    const retained = await retainedWal(idleClient, slot);
    fake.controller.abort();
    await outcome;
    await idleClient.query('SELECT pg_drop_replication_slot($1)', [slot]);
    return { retained, written: Number(written.rows[0]?.bytes) };
  };

  /** The state lakeshift's retained-WAL alarm takes on the metric the slot watch publishes for `retained`. */
  const alarmStateFor = (retained: number, thresholdBytes: number): string => {
    const item = { migrationId: 'idle-test', databaseId: 'idle' } as RegistryItem;
    const watch = nextSlotWatch(
      undefined,
      { active: true, retainedWalBytes: retained },
      '2026-03-01T13:00:00.000Z',
    );
    const spec = slotAlarm(item, { retainedWalAlarmBytes: thresholdBytes, inactiveIncidentMinutes: 30 });
    const point = slotWatchMetrics(item, watch).find((metric) => metric.name === spec.MetricName);
    return evaluateAlarm(
      {
        threshold: spec.Threshold ?? Number.NaN,
        comparisonOperator: 'GreaterThanThreshold',
        evaluationPeriods: spec.EvaluationPeriods ?? 1,
        datapointsToAlarm: spec.EvaluationPeriods ?? 1,
        treatMissingData: 'notBreaching',
      },
      [point?.value],
      'OK',
    ).state;
  };

  it('keeps an idle database slot close to the present with heartbeats, and lets it fall an hour behind without, raising the retained-WAL alarm', async () => {
    // Act
    const withHeartbeat = await idleDatabaseRetains(true);
    const withoutHeartbeat = await idleDatabaseRetains(false);

    // Assess: with heartbeats at most about one interval of the other database's WAL; without, all of it.
    expect(withHeartbeat.retained).toBeLessThan(withHeartbeat.written / 4);
    expect(withoutHeartbeat.retained).toBeGreaterThanOrEqual(withoutHeartbeat.written);
    // An alarm set at half an hour of the busy database's WAL fires only without heartbeats.
    const threshold = withoutHeartbeat.written / 2;
    expect(alarmStateFor(withHeartbeat.retained, threshold)).toBe('OK');
    expect(alarmStateFor(withoutHeartbeat.retained, threshold)).toBe('ALARM');
  });
});
