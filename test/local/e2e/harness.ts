/**
 * End-to-end harness: the local AWS on a fast clock with the stack applied, a synthetic fleet with its migration
 * request, and observers that record what happened (registry phases as written, events routed). Waits poll
 * conditions against a wall-clock deadline. The clock stands still while a handler runs, so what happens in
 * emulated time (how often an alarm re-fires within a cooldown, how soon a decision follows) does not depend on how
 * fast the machine is.
 */
import type { Phase } from '#contracts/phases';
import { compileFaultPlan, type FaultPlan } from '#local/aws/faults/plan';
import { armTeardowns } from '#local/aws/faults/teardown-triggers';
import type { StartLocalAwsOptions } from '#local/aws/index';
import { registryWriteOf } from '#local/aws/registry-writes';
import type { EventEnvelope } from '#local/aws/shared/service-event';
import { prepareSyntheticFleet, type SyntheticFleetOptions } from '#local/aws/synthetic-fleet';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { IdlePacedClock } from '#test/idle-paced-clock';

export const STEADY_CLASS = 'dms.t3.medium';

interface ObservedEvent {
  readonly bus: string;
  readonly event: EventEnvelope;
}

export interface E2eRun {
  readonly aws: LocalLakeshift;
  readonly migrationId: string;
  readonly databaseIds: readonly string[];
  /** The migration request (detail of Migration Requested). */
  readonly request: Record<string, unknown>;
  /** Phases each database's registry item was written with, in order, consecutive repeats collapsed. */
  readonly phases: Map<string, Phase[]>;
  readonly events: ObservedEvent[];
  /** Latest registry item attributes per database (see RegistryWrite.item). */
  readonly items: Map<string, Record<string, string>>;
  requestMigration(): Promise<void>;
  requestTeardown(databaseIds: readonly string[]): Promise<void>;
  requestRetry(attempts: Readonly<Record<string, number>>): Promise<void>;
  waitFor(label: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** Databases a `teardown-at` fault sent Teardown Requested for, in order. */
  readonly teardownsSent: readonly string[];
  /** Routed events of one detail-type. */
  eventsOf(detailType: string): EventEnvelope[];
  stop(): Promise<void>;
}

/** The request's `defaults.resize` unless a run overrides some of it: short windows for a fast clock. */
const E2E_RESIZE = {
  steadyClass: STEADY_CLASS,
  floor: STEADY_CLASS,
  cooldownMinutes: 10,
  stepUp: { sustainedMinutes: 5 },
  stepDown: { quietMinutes: 20 },
};

export const startE2eRun = async (
  options: {
    migrationId: string;
    databaseIds: readonly string[];
    clockSpeed: number;
    /** Top-level fields of `defaults.resize` to use instead of the run's defaults. */
    resize?: Partial<typeof E2E_RESIZE>;
    /** Real PostgreSQL databases to migrate instead of synthetic ones, by database id. */
    sources?: SyntheticFleetOptions['sources'];
    /** The deployment network each database's request names, by database id; `default` otherwise. */
    networks?: SyntheticFleetOptions['networks'];
    /** Faults by name (local/aws/faults/plan.ts), teardowns at a phase included; or the two rule sets directly. */
    faults?: FaultPlan;
    /** Optional handler settings by variable name (OPTIONAL_ENV), e.g. a short full-load stall time. */
    handlerSettings?: Readonly<Record<string, string>>;
    /** The data plane's readings of undocumented DMS behaviour, for the real sources. */
    dataPlaneChoices?: NonNullable<StartLocalAwsOptions['workloads']>['dataPlaneChoices'];
  } & Pick<StartLocalAwsOptions, 'dmsFaults' | 'awsFaults'>,
): Promise<E2eRun> => {
  const clock = new IdlePacedClock(options.clockSpeed);
  const plan = options.faults ? compileFaultPlan(options.faults, options.migrationId) : undefined;
  const aws = await startLocalLakeshift({
    clock,
    dmsFaults: plan?.dmsFaults ?? options.dmsFaults,
    awsFaults: plan?.awsFaults ?? options.awsFaults,
    ...(options.handlerSettings ? { handlerSettings: options.handlerSettings } : {}),
    ...(options.dataPlaneChoices ? { workloads: { dataPlaneChoices: options.dataPlaneChoices } } : {}),
  });
  clock.standStillDuringInvocations(aws.lambda);
  const registryTable = aws.stack.registryTableName;
  const phases = new Map<string, Phase[]>();
  const items = new Map<string, Record<string, string>>();
  const events: ObservedEvent[] = [];
  aws.events.observe((event, bus) => events.push({ bus, event }));
  aws.dynamoDb.observe((exchange) => {
    const write = registryWriteOf(exchange, registryTable);
    if (!write) return;
    items.set(write.databaseId, write.item);
    const seen = phases.get(write.databaseId) ?? [];
    if (seen.at(-1) !== write.phase) seen.push(write.phase);
    phases.set(write.databaseId, seen);
  });

  const fleet = prepareSyntheticFleet(aws, {
    migrationId: options.migrationId,
    databaseIds: options.databaseIds,
    resize: { ...E2E_RESIZE, ...options.resize },
    ...(options.sources ? { sources: options.sources } : {}),
    ...(options.networks ? { networks: options.networks } : {}),
  });
  const teardowns = armTeardowns(aws, plan?.teardowns ?? [], fleet.requestTeardown);

  return {
    aws,
    migrationId: options.migrationId,
    databaseIds: options.databaseIds,
    request: fleet.request,
    phases,
    events,
    items,
    requestMigration: fleet.requestMigration,
    requestTeardown: fleet.requestTeardown,
    requestRetry: fleet.requestRetry,
    waitFor: async (label, condition, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) {
          const state = [...phases].map(([id, seen]) => `${id}: ${seen.join(' > ')}`).join('; ');
          const executions = aws.counters
            .executions()
            .map((e) => `${e.stateMachineName}/${e.name}: ${e.status}`)
            .join('; ');
          throw new Error(`timed out waiting for ${label} (phases ${state}; executions ${executions})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    eventsOf: (detailType) =>
      events.filter((observed) => observed.event['detail-type'] === detailType).map((o) => o.event),
    teardownsSent: teardowns.sent,
    stop: async () => {
      teardowns.disarm();
      fleet.close();
      await aws.stop();
    },
  };
};

/** The lifecycle every database goes through to CDC. */
export const LIFECYCLE_TO_CDC: readonly Phase[] = [
  'REQUESTED',
  'PROVISIONING',
  'FULL_LOAD',
  'STEPPING_DOWN',
  'CDC',
];

/** Sends Migration Requested and waits until every database is in CDC and migrate-fleet has ended. */
export const migrateToCdc = async (run: E2eRun): Promise<void> => {
  await run.requestMigration();
  await run.waitFor('every database in CDC', () => allIn(run, 'CDC'), 150_000);
  await run.waitFor('migrate-fleet to finish', () =>
    executionsOf(run, 'migrate-fleet').every((e) => e.status !== 'RUNNING'),
  );
};

/** Sends Migration Requested and waits until the (first) migrate-database execution has ended, however it ended. */
export const migrateUntilDatabaseRunEnds = async (run: E2eRun): Promise<void> => {
  await run.requestMigration();
  await run.waitFor('migrate-database to end', () =>
    executionsOf(run, 'migrate-database').some((e) => e.status !== 'RUNNING'),
  );
};

/** Per database: the phases it went through and the class the registry records. */
export const lifecycleOf = (run: E2eRun) =>
  Object.fromEntries(
    run.databaseIds.map((id) => [
      id,
      { phases: run.phases.get(id), currentClass: run.items.get(id)?.currentClass },
    ]),
  );

/** What `lifecycleOf` shows for a fleet that reached CDC on the steady class. */
export const steadyInCdc = (run: E2eRun) =>
  Object.fromEntries(
    run.databaseIds.map((id) => [id, { phases: LIFECYCLE_TO_CDC, currentClass: STEADY_CLASS }]),
  );

/** Every database of the run is in `phase` in the registry. */
export const allIn = (run: E2eRun, phase: Phase): boolean =>
  run.databaseIds.every((id) => run.phases.get(id)?.at(-1) === phase);

/** The status of every replication task the local DMS holds. */
export const taskStatuses = (run: E2eRun): string[] =>
  Object.values(run.aws.dms.snapshot().tasks).map((task) => task.status);

/** Executions of one state machine (by short name, e.g. `migrate-database`). */
export const executionsOf = (run: E2eRun, stateMachine: string) =>
  run.aws.counters
    .executions()
    .filter((execution) => execution.stateMachineName === `lakeshift-${stateMachine}`);

/** DMS resources the local DMS holds, by kind: one of each per database, whatever retries and duplicates did. */
export const resourceCounts = (run: E2eRun) => {
  const state = run.aws.dms.snapshot();
  return {
    instances: Object.keys(state.instances).length,
    endpoints: Object.keys(state.endpoints).length,
    tasks: Object.keys(state.tasks).length,
  };
};
