import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_KEYS } from '#contracts/tags';
import type { NamedFault } from '#local/aws/faults/plan';
import type { SourceLogin } from '#local/aws/synthetic-fleet';
import { credentialsOf, replicationSlotsOf, type TestDatabase, usePostgres } from '#test/postgres';
import { type E2eRun, executionsOf, startE2eRun } from './harness.ts';

/** One database per point a teardown can meet, each torn down the moment it gets there. */
const TEARDOWN_POINTS = {
  requested: { phase: 'REQUESTED' },
  // The instance is still `creating`: DMS deletes it only once it is available.
  creating: { afterHandler: 'ensure-replication-instance' },
  // Both endpoints' connection tests are running.
  testing: { afterHandler: 'test-connections' },
  loading: { phase: 'FULL_LOAD' },
  'stepping-down': { phase: 'STEPPING_DOWN' },
  cdc: { phase: 'CDC' },
  resizing: { phase: 'RESIZING' },
  failed: { phase: 'FAILED' },
} as const;
const DATABASES = Object.keys(TEARDOWN_POINTS) as (keyof typeof TEARDOWN_POINTS)[];

const pg = usePostgres();
let run: E2eRun;
const databases = new Map<string, TestDatabase>();
/** A manual resize waits out the cooldown after the step-down. */
const COOLDOWN_MINUTES = 1;

beforeAll(async () => {
  const sources: Record<string, SourceLogin> = {};
  for (const id of DATABASES) {
    const db = await pg.createDatabase(id.replace('-', '_'));
    const client = await db.connect();
    await client.query(
      'CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items SELECT i, $$item $$ || i FROM generate_series(1, 20) AS i',
    );
    sources[id] = { ...credentialsOf(db), dbname: db.name };
    databases.set(id, db);
  }
  const faults: NamedFault[] = [
    ...DATABASES.map((id): NamedFault => ({ fault: 'teardown-at', database: id, at: TEARDOWN_POINTS[id] })),
    // The `failed` database's task fails on its own during the full load.
    { fault: 'task-fails', database: 'failed', at: 'full-load' },
    // The `loading` database's full load hangs part way (its task keeps running), so the teardown sent as it
    // enters FULL_LOAD meets it there however fast the machine loads 20 rows.
    { fault: 'full-load-stalls', database: 'loading' },
  ];
  run = await startE2eRun({
    migrationId: 'e2e-teardown',
    databaseIds: DATABASES,
    clockSpeed: 300,
    resize: { cooldownMinutes: COOLDOWN_MINUTES },
    sources,
    faults: { seed: 'teardown-wins', faults },
  });
}, 60_000);

afterAll(async () => {
  await run?.stop();
});

/** DMS resources (instances, endpoints, tasks) tagged for this database that the local DMS still holds. */
const resourcesTaggedFor = (databaseId: string): string[] => {
  const state = run.aws.dms.snapshot();
  const arns = [
    ...Object.keys(state.instances),
    ...Object.keys(state.endpoints),
    ...Object.keys(state.tasks),
  ];
  return arns.filter((arn) =>
    (state.tags[arn] ?? []).some((tag) => tag.Key === TAG_KEYS.database && tag.Value === databaseId),
  );
};

const slotsOn = async (databaseId: string): Promise<string[]> => {
  const db = databases.get(databaseId);
  if (!db) throw new Error(`no source database for ${databaseId}`);
  return replicationSlotsOf(db);
};

describe('teardown started from every phase, on the local AWS', () => {
  it('leaves no DMS resource and no replication slot for any database, and the registry DELETED', async () => {
    // Prepare: the `resizing` database is resized by hand once it is in CDC.
    let manualResize: { readonly status: string } | undefined;
    let cdcSince: number | undefined;
    // Act
    await run.requestMigration();
    await run.waitFor(
      'every database torn down',
      () => {
        if (cdcSince === undefined && run.phases.get('resizing')?.at(-1) === 'CDC')
          cdcSince = run.aws.clock.now();
        const cooledDown =
          cdcSince !== undefined && run.aws.clock.now() - cdcSince > 2 * COOLDOWN_MINUTES * 60_000;
        if (manualResize === undefined && cooledDown) {
          manualResize = run.aws.stepFunctions.startExecution({
            stateMachineArn: run.aws.stack.stateMachineArns['resize-instance'],
            input: JSON.stringify({
              migrationId: run.migrationId,
              databaseId: 'resizing',
              targetClass: 'dms.t3.large',
            }),
          });
        }
        const teardowns = executionsOf(run, 'teardown');
        return (
          teardowns.length === DATABASES.length &&
          teardowns.every((execution) => execution.status !== 'RUNNING')
        );
      },
      240_000,
    );
    // Assess
    expect(run.teardownsSent.toSorted()).toEqual(DATABASES.toSorted());
    expect(executionsOf(run, 'teardown').map((execution) => execution.status)).toEqual(
      DATABASES.map(() => 'SUCCEEDED'),
    );
    expect(Object.fromEntries(DATABASES.map((id) => [id, run.phases.get(id)?.at(-1)]))).toEqual(
      Object.fromEntries(DATABASES.map((id) => [id, 'DELETED'])),
    );
    // Each teardown met its database where it was meant to.
    expect(Object.fromEntries(DATABASES.map((id) => [id, run.phases.get(id)?.at(-3)]))).toMatchObject({
      loading: 'FULL_LOAD',
      'stepping-down': 'STEPPING_DOWN',
      cdc: 'CDC',
      resizing: 'RESIZING',
      failed: 'FAILED',
    });
    for (const id of DATABASES) expect({ id, left: resourcesTaggedFor(id) }).toEqual({ id, left: [] });
    // Every database whose task started had a slot on its source, recorded by lakeshift; none is left.
    const started = DATABASES.filter((id) => run.items.get(id)?.replicationSlot);
    expect(started.toSorted()).toEqual(['cdc', 'failed', 'loading', 'resizing', 'stepping-down']);
    for (const id of DATABASES) expect({ id, slots: await slotsOn(id) }).toEqual({ id, slots: [] });
    // Nothing kept running for a database that teardown owned: the resize in flight was stopped, not finished.
    const working = [...executionsOf(run, 'migrate-database'), ...executionsOf(run, 'resize-instance')];
    expect(working.filter((execution) => execution.status === 'RUNNING')).toEqual([]);
    // Alarm-driven resizes of other databases may have run and ended; the one teardown met was stopped.
    expect(manualResize?.status).toBe('ABORTED');
    // IAM was enforced throughout: listing and stopping executions needed nothing the template lacks.
    expect(run.aws.iam?.record.denied()).toEqual([]);
  }, 300_000);
});
