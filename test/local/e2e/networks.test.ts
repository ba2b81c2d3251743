import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_HANDLER_NAMES, sourceFunctionName } from '#contracts/names';
import type { SourceLogin } from '#local/aws/synthetic-fleet';
import { credentialsOf, replicationSlotsOf, type TestDatabase, usePostgres } from '#test/postgres';
import { type E2eRun, executionsOf, migrateToCdc, startE2eRun } from './harness.ts';

/** The local stack's second network (local/aws/iam/local-stack-config.json). */
const SECOND_NETWORK = 'partner';
/** `home` names no network (so `default`); `away` names the second one. */
const DATABASES = ['home', 'away'] as const;

const pg = usePostgres();
let run: E2eRun;
const databases = new Map<string, TestDatabase>();

beforeAll(async () => {
  const sources: Record<string, SourceLogin> = {};
  for (const id of DATABASES) {
    const db = await pg.createDatabase(`net_${id}`);
    const client = await db.connect();
    await client.query(
      'CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items SELECT i, $$item $$ || i FROM generate_series(1, 20) AS i',
    );
    sources[id] = { ...credentialsOf(db), dbname: db.name };
    databases.set(id, db);
  }
  run = await startE2eRun({
    migrationId: 'e2e-networks',
    databaseIds: DATABASES,
    clockSpeed: 300,
    sources,
    networks: { away: SECOND_NETWORK },
  });
}, 60_000);

afterAll(async () => {
  await run?.stop();
});

const slotsOn = async (databaseId: string): Promise<string[]> => {
  const db = databases.get(databaseId);
  if (!db) throw new Error(`no source database for ${databaseId}`);
  return replicationSlotsOf(db);
};

/** Invocations of each source handler's copy in `network`. */
const invocationsIn = (network: string): Record<string, number> =>
  Object.fromEntries(
    SOURCE_HANDLER_NAMES.map((handler) => [
      handler,
      run.aws.counters.lambdaInvocationsByFunction().get(sourceFunctionName('lakeshift', handler, network)) ??
        0,
    ]),
  );

describe('a database in a second network, on the local AWS', () => {
  it("has its slot recorded, inspected and dropped by that network's copies of the source handlers, and none left", async () => {
    // Act: migrate both to CDC, let each network's scheduled inspection look at its slots, then tear both down.
    await migrateToCdc(run);
    const slotsInCdc = Object.fromEntries(
      await Promise.all(DATABASES.map(async (id) => [id, await slotsOn(id)] as const)),
    );
    await run.waitFor('both slots inspected', () =>
      DATABASES.every((id) => run.items.get(id)?.slotWatch !== undefined),
    );
    await run.requestTeardown(DATABASES);
    await run.waitFor('both databases torn down', () =>
      DATABASES.every((id) => run.phases.get(id)?.at(-1) === 'DELETED'),
    );
    // Assess
    for (const id of DATABASES) expect({ id, slots: slotsInCdc[id]?.length }).toEqual({ id, slots: 1 });
    expect(executionsOf(run, 'teardown').map((execution) => execution.status)).toEqual(['SUCCEEDED']);
    for (const id of DATABASES) expect({ id, slots: await slotsOn(id) }).toEqual({ id, slots: [] });
    // Each database's source handlers ran as its network's copies: the pre-flight, the inspection for values the
    // lake may lose, the two looks around the first start, the catalog's table read, the scheduled inspection and
    // the drop.
    const inSecond = invocationsIn(SECOND_NETWORK);
    const inDefault = invocationsIn('default');
    for (const counts of [inSecond, inDefault]) {
      expect(counts).toMatchObject({
        'inspect-source': 1,
        'inspect-toast-exposure': 1,
        'drop-replication-slot': 1,
      });
      // The look after the start is retried until the task's slot shows.
      expect(counts['record-replication-slot']).toBeGreaterThanOrEqual(2);
      expect(counts['read-source-tables']).toBeGreaterThanOrEqual(1);
      expect(counts['inspect-replication-slots']).toBeGreaterThanOrEqual(1);
    }
    // The connection tests call only the DMS API: its one function, outside the networks, started both databases'.
    expect(run.aws.counters.lambdaInvocationsByFunction().get('lakeshift-test-connections')).toBe(
      DATABASES.length,
    );
    // IAM was enforced throughout: each copy's role, and each state machine's grant on the copies, sufficed.
    expect(run.aws.iam?.record.denied()).toEqual([]);
  }, 240_000);
});
