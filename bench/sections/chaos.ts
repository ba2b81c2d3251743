/**
 * `chaos`: synthetic databases (50; `LAKESHIFT_CHAOS_DATABASES` changes that) migrated through CDC on the local AWS
 * with every fault of the fault plan injected at once: 20% of DMS calls throttled, lost and duplicated events, busy
 * resources, a capacity fault on a step-down, handlers crashing before and after their work and timing out,
 * SendTaskSuccess failing, a task failing in its full load, and a teardown sent during provisioning for 5
 * databases. Every database that ends FAILED is retried with `Retry Requested` (up to `RETRY_ROUNDS` times). Then
 * the run is judged from what the local DMS, the registry and Step Functions hold:
 * - `converged`: databases not torn down whose registry says CDC and whose task runs;
 * - `duplicateResources`: instances, endpoints and tasks beyond one of each (two endpoints) tagged for a database;
 * - `orphanedResourcesAfterTeardown`: DMS resources still tagged for a torn-down database;
 * - `tasksLeftStopped`: tasks of databases not torn down that do not run;
 * - `tokensLost`: executions that ended because a task-token wait timed out (the token never came back).
 * The target is `converged` equal to the databases not torn down and the four others at 0 (docs/failure-semantics.md).
 */
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createRegistry } from '#adapters/registry';
import { TAG_KEYS } from '#contracts/tags';
import { compileFaultPlan, type FaultPlan, type NamedFault } from '#local/aws/faults/plan';
import { armTeardowns } from '#local/aws/faults/teardown-triggers';
import { prepareSyntheticFleet } from '#local/aws/synthetic-fleet';
import { startLocalLakeshift } from '#local/local-lakeshift';
import { IdlePacedClock } from '#test/idle-paced-clock';
import { quotasFor } from './dms-api-budget.ts';
import { fleetDatabaseIds, inFreshProcess, reportWhenForked, round, wholeNumberFromEnv } from './fleet.ts';

const DEFAULT_DATABASES = 50;
const TORN_DOWN_IN_PROVISIONING = 5;
const RETRY_ROUNDS = 3;
const CLOCK_SPEED = 300;
const SETTLE_DEADLINE_MS = 15 * 60_000;
const POLL_MS = 250;
const MIGRATION_ID = 'bench-chaos';

export interface ChaosFigures {
  readonly databases: number;
  readonly tornDown: number;
  readonly converged: number;
  readonly duplicateResources: number;
  readonly orphanedResourcesAfterTeardown: number;
  readonly tasksLeftStopped: number;
  readonly tokensLost: number;
  readonly retried: number;
  readonly throttledDmsRequests: number;
  readonly wallSeconds: number;
}

export class ChaosRunError extends Error {
  override readonly name = 'ChaosRunError';
}

/** Every fault at once; database ids are those of `fleetDatabaseIds`. */
export const chaosFaultPlan = (databaseIds: readonly string[]): FaultPlan => {
  const tornDown = databaseIds.slice(-TORN_DOWN_IN_PROVISIONING);
  const [stepDownFault, failingTask] = databaseIds;
  const faults: NamedFault[] = [
    { fault: 'throttling', probability: 0.2 },
    { fault: 'lost-events', probability: 0.1 },
    { fault: 'duplicated-events', probability: 0.1 },
    {
      fault: 'busy',
      operations: ['StartReplicationTask', 'StopReplicationTask', 'ModifyReplicationInstance'],
      probability: 0.1,
    },
    ...(stepDownFault ? [{ fault: 'capacity-on-modify', database: stepDownFault, nth: [1] } as const] : []),
    ...(failingTask
      ? [{ fault: 'task-fails', database: failingTask, at: 'full-load', times: 1 } as const]
      : []),
    { fault: 'handler-crash', when: 'before', probability: 0.02 },
    { fault: 'handler-crash', when: 'after', probability: 0.02 },
    { fault: 'handler-timeout', probability: 0.01 },
    { fault: 'send-task-success-fails', probability: 0.2 },
    ...tornDown.map(
      (database): NamedFault => ({ fault: 'teardown-at', database, at: { phase: 'PROVISIONING' } }),
    ),
  ];
  return { seed: 'chaos', faults };
};

const SETTLED_PHASES = new Set(['CDC', 'FAILED', 'DELETED']);
const TOKEN_TIMEOUTS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

export const runChaos = async (databases: number): Promise<ChaosFigures> => {
  const databaseIds = fleetDatabaseIds(databases);
  const plan = compileFaultPlan(chaosFaultPlan(databaseIds), MIGRATION_ID);
  const clock = new IdlePacedClock(CLOCK_SPEED);
  const aws = await startLocalLakeshift({
    clock,
    dms: { quotas: quotasFor(databases) },
    dmsFaults: plan.dmsFaults,
    awsFaults: plan.awsFaults,
  });
  clock.standStillDuringInvocations(aws.lambda);
  const fleet = prepareSyntheticFleet(aws, { migrationId: MIGRATION_ID, databaseIds });
  const teardowns = armTeardowns(aws, plan.teardowns, fleet.requestTeardown);
  const clientOptions = { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials };
  const dynamo = new DynamoDBClient(clientOptions);
  const sfn = new SFNClient(clientOptions);
  const registry = createRegistry({
    tableName: aws.stack.registryTableName,
    client: DynamoDBDocumentClient.from(dynamo),
  });
  const started = performance.now();
  const runningExecutions = () => aws.counters.executions().filter((e) => e.status === 'RUNNING');

  /** Until every database is in CDC, FAILED or DELETED and no execution runs. */
  const settle = async (label: string): Promise<void> => {
    const deadline = performance.now() + SETTLE_DEADLINE_MS;
    for (;;) {
      const items = await registry.listByMigration(MIGRATION_ID);
      const settled =
        items.length === databases &&
        items.every((item) => SETTLED_PHASES.has(item.phase)) &&
        runningExecutions().length === 0;
      if (settled) return;
      if (performance.now() > deadline) {
        const phases = items.map((item) => `${item.databaseId}:${item.phase}`).join(' ');
        throw new ChaosRunError(`${label}: not settled after ${SETTLE_DEADLINE_MS} ms (${phases})`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };

  try {
    await fleet.requestMigration();
    await settle('migration');
    let retried = 0;
    for (let round = 1; round <= RETRY_ROUNDS; round++) {
      const failed = (await registry.listByMigration(MIGRATION_ID)).filter((item) => item.phase === 'FAILED');
      if (failed.length === 0) break;
      retried += failed.length;
      await fleet.requestRetry(Object.fromEntries(failed.map((item) => [item.databaseId, item.attempt])));
      // A retry's migrate-fleet starts at once; wait for each database to leave its failed attempt first.
      const failedAttempt = new Map(failed.map((item) => [item.databaseId, item.attempt]));
      const deadline = performance.now() + SETTLE_DEADLINE_MS;
      const stillOnFailedAttempt = (item: { databaseId: string; phase: string; attempt: number }) =>
        item.phase === 'FAILED' && item.attempt === failedAttempt.get(item.databaseId);
      while ((await registry.listByMigration(MIGRATION_ID)).some(stillOnFailedAttempt)) {
        if (performance.now() > deadline) throw new ChaosRunError(`retry round ${round} never started`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await settle(`retry round ${round}`);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    teardowns.disarm();

    const items = await registry.listByMigration(MIGRATION_ID);
    const tornDown = new Set(teardowns.sent);
    const state = aws.dms.snapshot();
    const taggedFor = (databaseId: string) => {
      const of = (arns: string[]) =>
        arns.filter((arn) =>
          (state.tags[arn] ?? []).some((tag) => tag.Key === TAG_KEYS.database && tag.Value === databaseId),
        );
      return {
        instances: of(Object.keys(state.instances)),
        endpoints: of(Object.keys(state.endpoints)),
        tasks: of(Object.keys(state.tasks)),
      };
    };
    let duplicateResources = 0;
    let orphanedResourcesAfterTeardown = 0;
    let tasksLeftStopped = 0;
    let converged = 0;
    for (const item of items) {
      const held = taggedFor(item.databaseId);
      if (tornDown.has(item.databaseId)) {
        orphanedResourcesAfterTeardown += held.instances.length + held.endpoints.length + held.tasks.length;
        continue;
      }
      duplicateResources +=
        Math.max(0, held.instances.length - 1) +
        Math.max(0, held.endpoints.length - 2) +
        Math.max(0, held.tasks.length - 1);
      const notRunning = held.tasks.filter((arn) => state.tasks[arn]?.status !== 'running');
      tasksLeftStopped += notRunning.length;
      if (item.phase === 'CDC' && held.tasks.length === 1 && notRunning.length === 0) converged++;
    }

    let tokensLost = 0;
    for (const execution of aws.counters.executions().filter((e) => e.status !== 'SUCCEEDED')) {
      const described = await sfn.send(
        new DescribeExecutionCommand({ executionArn: execution.executionArn }),
      );
      if (described.error !== undefined && TOKEN_TIMEOUTS.has(described.error)) tokensLost++;
    }

    return {
      databases,
      tornDown: tornDown.size,
      converged,
      duplicateResources,
      orphanedResourcesAfterTeardown,
      tasksLeftStopped,
      tokensLost,
      retried,
      throttledDmsRequests: aws.counters
        .dmsRequests()
        .filter((request) => request.errorCode === 'ThrottlingException').length,
      wallSeconds: round(wallSeconds),
    };
  } finally {
    teardowns.disarm();
    fleet.close();
    dynamo.destroy();
    sfn.destroy();
    await aws.stop();
  }
};

reportWhenForked(import.meta, ([databases]) => runChaos(Number(databases)));

export default {
  title: 'Chaos: synthetic databases through CDC with every fault at once, failures retried',
  key: 'chaos',
  // A process of its own, as for the fleet runs: one local AWS per process.
  run: () =>
    inFreshProcess<ChaosFigures>(fileURLToPath(import.meta.url), [
      String(wholeNumberFromEnv('LAKESHIFT_CHAOS_DATABASES', DEFAULT_DATABASES)),
    ]),
  format: (result: unknown): string[] => {
    const figures = result as ChaosFigures;
    const ok = (value: boolean) => (value ? 'ok' : 'OFF TARGET');
    const expected = figures.databases - figures.tornDown;
    return [
      JSON.stringify({
        databases: figures.databases,
        converged: figures.converged,
        duplicateResources: figures.duplicateResources,
        orphanedResourcesAfterTeardown: figures.orphanedResourcesAfterTeardown,
        tasksLeftStopped: figures.tasksLeftStopped,
        tokensLost: figures.tokensLost,
      }),
      `converged ${figures.converged} of ${expected} not torn down (${ok(figures.converged === expected)}); ${figures.tornDown} torn down, ${figures.retried} retries, ${figures.throttledDmsRequests} DMS requests throttled, ${figures.wallSeconds} s wall`,
      `duplicates, orphans, stopped tasks, lost tokens all 0: ${ok(
        figures.duplicateResources +
          figures.orphanedResourcesAfterTeardown +
          figures.tasksLeftStopped +
          figures.tokensLost ===
          0,
      )}`,
    ];
  },
};
