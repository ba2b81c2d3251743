/**
 * `dmsApiBudget`: 100 synthetic databases migrated through CDC on the local AWS (real handlers and state machines),
 * with the emulated time of every DMS API request the control plane makes. Reports the peak and mean request rate
 * per second of emulated time and the highest rate sustained over any 25 s window. Target: that never exceeds 4
 * requests per second, the refill rate of the DMS API's token bucket. The emulator throttles on DMS's own bucket
 * (100 tokens, 4 per emulated second, as it always does), so `throttledCalls` counts what DMS refused.
 * `LAKESHIFT_BUDGET_DATABASES` changes the fleet size, `LAKESHIFT_BUDGET_CLOCK_SPEED` the clock speed.
 */
import { fileURLToPath } from 'node:url';
import { APP_NAME } from '#contracts/names';
import { busiestWindow } from '#local/aws/busiest-window';
import { DEFAULT_CLOCK_SPEED } from '#local/aws/index';
import { prepareSyntheticFleet } from '#local/aws/synthetic-fleet';
import { LoadPacedClock } from '#local/clock';
import { DEFAULT_QUOTAS } from '#local/dms/index';
import { createSyntheticWorkload } from '#local/dms/synthetic-workload';
import { startLocalLakeshift } from '#local/local-lakeshift';
import {
  fleetDatabaseIds,
  inFreshProcess,
  migrateFleetToCdc,
  reportWhenForked,
  round,
  wholeNumberFromEnv,
} from './fleet.ts';

export const BUDGET_TARGET = { requestsPerSecond: 4, windowSeconds: 25 } as const;

const DEFAULT_DATABASES = 100;
const THROTTLING = 'ThrottlingException';
/** A hundred databases take longer than the fleet run's deadline allows. */
const DEADLINE_MS = 20 * 60_000;

export interface DmsApiBudgetFigures {
  readonly databases: number;
  readonly clockSpeed: number;
  /** DMS API requests from the migration request to the last database in CDC, throttled ones included. */
  readonly dmsApiCalls: number;
  /** The busiest single second of emulated time. */
  readonly peakRequestsPerSec: number;
  readonly meanRequestsPerSec: number;
  /** The busiest 25 s window of emulated time, as requests per second. */
  readonly maxSustained25sRequestsPerSec: number;
  /** Requests DMS's own token bucket refused. */
  readonly throttledCalls: number;
  readonly emulatedSeconds: number;
  readonly wallSeconds: number;
  readonly withinTarget: boolean;
}

/** Highest count of timestamps inside any window of `windowMs`, divided by the window in seconds. */
export const peakRate = (times: readonly number[], windowMs: number): number =>
  busiestWindow(times, windowMs) / (windowMs / 1000);

export interface BudgetedFleetOptions {
  readonly databases: number;
  readonly clockSpeed: number;
  readonly migrationId: string;
  readonly deadlineMs: number;
  /** The handlers' log level (the local default, WARN, when absent). */
  readonly handlerLogLevel?: string;
  /** The request's `maxConcurrency` (its default when absent). */
  readonly maxConcurrency?: number;
  /** How often to say on stderr how many databases are in CDC (never when absent). */
  readonly progressEveryMs?: number;
  /** Wall time between two looks at the executions (the fleet run's default when absent). */
  readonly pollMs?: number;
  /** Emulated time between two steps of each synthetic task (the simulation's default when absent). */
  readonly simulationTickMs?: number;
}

/** The storage the request's default gives each replication instance, in GB. */
const INSTANCE_STORAGE_GB = 100;

/**
 * Quotas a fleet this size has had raised: an instance, its storage and a task per database, two endpoints per
 * database. Without them the local DMS refuses the instance past its quota, as DMS does.
 */
export const quotasFor = (databases: number) => ({
  ...DEFAULT_QUOTAS,
  replicationInstances: Math.max(DEFAULT_QUOTAS.replicationInstances, databases),
  allocatedStorage: Math.max(DEFAULT_QUOTAS.allocatedStorage, databases * INSTANCE_STORAGE_GB),
  replicationTasks: Math.max(DEFAULT_QUOTAS.replicationTasks, databases),
  endpoints: Math.max(DEFAULT_QUOTAS.endpoints, 2 * databases),
});

/** The state machine that refreshes catalogs on a schedule: its cost grows with time in CDC, not per migration. */
const REFRESH_MACHINE = `${APP_NAME}-refresh-catalogs`;
const MIGRATE_DATABASE_MACHINE = `${APP_NAME}-migrate-database`;

export interface TransitionFigures {
  /** Every execution's transitions, per database. */
  readonly stateTransitionsPerDatabase: number;
  /** Per database, by the state machine whose executions made them. */
  readonly stateTransitionsPerDatabaseByMachine: Readonly<Record<string, number>>;
  /** Transitions of the migration itself (every machine but the scheduled catalog refresh), per database. */
  readonly migrationTransitionsPerDatabase: number;
  /** The scheduled catalog refresh's transitions per hour a database spent in CDC during the run. */
  readonly refreshTransitionsPerDatabaseHourInCdc: number;
}

/** Transitions split into the migration's and the scheduled refresh's, which runs as long as databases are in CDC. */
const transitionFigures = (
  executions: readonly { stateMachineName: string; transitions: number; status: string; stopDate?: number }[],
  databases: number,
  endedAt: number,
): TransitionFigures => {
  const totals = new Map<string, number>();
  for (const execution of executions) {
    totals.set(
      execution.stateMachineName,
      (totals.get(execution.stateMachineName) ?? 0) + execution.transitions,
    );
  }
  const all = [...totals.values()].reduce((sum, count) => sum + count, 0);
  const refresh = totals.get(REFRESH_MACHINE) ?? 0;
  const cdcHours = executions
    .filter(
      (execution) =>
        execution.stateMachineName === MIGRATE_DATABASE_MACHINE && execution.status === 'SUCCEEDED',
    )
    .reduce((sum, execution) => sum + (endedAt - (execution.stopDate ?? endedAt)) / 3_600_000, 0);
  return {
    stateTransitionsPerDatabase: round(all / databases),
    stateTransitionsPerDatabaseByMachine: Object.fromEntries(
      [...totals].map(([machine, total]) => [machine, round(total / databases)]),
    ),
    migrationTransitionsPerDatabase: round((all - refresh) / databases),
    refreshTransitionsPerDatabaseHourInCdc: cdcHours > 0 ? round(refresh / cdcHours) : 0,
  };
};

/**
 * Migrates a synthetic fleet through CDC on the local AWS, whose DMS throttles on the account's bucket, and measures
 * every DMS request the control plane made (all handlers, all executions) by the emulated time it arrived.
 */
export const runBudgetedFleet = async (
  options: BudgetedFleetOptions,
): Promise<DmsApiBudgetFigures & TransitionFigures> => {
  const { databases, clockSpeed } = options;
  // The clock slows down rather than run ahead of a saturated process (see LoadPacedClock).
  const clock = new LoadPacedClock(clockSpeed);
  const aws = await startLocalLakeshift({
    clock,
    dms: { quotas: quotasFor(databases) },
    handlerLogLevel: options.handlerLogLevel,
    ...(options.simulationTickMs === undefined
      ? {}
      : {
          workloads: { synthetic: createSyntheticWorkload({ rates: { tickMs: options.simulationTickMs } }) },
        }),
  });
  const fleet = prepareSyntheticFleet(aws, {
    migrationId: options.migrationId,
    databaseIds: fleetDatabaseIds(databases),
    maxConcurrency: options.maxConcurrency,
  });
  try {
    // The stack's own DMS calls (the subnet group) are not the control plane's.
    const before = aws.counters.dmsRequests().length;
    const startedWall = performance.now();
    const startedAt = aws.clock.now();
    await migrateFleetToCdc(aws, fleet, databases, {
      deadlineMs: options.deadlineMs,
      progressEveryMs: options.progressEveryMs,
      pollMs: options.pollMs,
    }).catch((error: unknown) => {
      // Said before the local AWS stops: requests still in flight may fail loudly while it shuts down.
      console.error(error);
      throw error;
    });
    const emulatedSeconds = (aws.clock.now() - startedAt) / 1000;
    const requests = aws.counters.dmsRequests().slice(before);
    const times = requests.map((request) => request.at).sort((a, b) => a - b);
    const sustained = peakRate(times, BUDGET_TARGET.windowSeconds * 1000);
    return {
      databases,
      clockSpeed,
      dmsApiCalls: requests.length,
      peakRequestsPerSec: round(peakRate(times, 1000), 2),
      meanRequestsPerSec: round(requests.length / Math.max(emulatedSeconds, 1), 2),
      maxSustained25sRequestsPerSec: round(sustained, 2),
      throttledCalls: requests.filter((request) => request.errorCode === THROTTLING).length,
      emulatedSeconds: round(emulatedSeconds, 0),
      wallSeconds: round((performance.now() - startedWall) / 1000),
      withinTarget: sustained <= BUDGET_TARGET.requestsPerSecond,
      ...transitionFigures(
        aws.stepFunctions.listAll().map((execution) => ({
          stateMachineName: execution.target.stateMachineName,
          transitions: execution.transitions,
          status: execution.status,
          stopDate: execution.stopDate,
        })),
        databases,
        aws.clock.now(),
      ),
    };
  } finally {
    fleet.close();
    await aws.stop();
    clock.stop();
  }
};

export const runDmsApiBudget = async (
  databases: number,
  clockSpeed = DEFAULT_CLOCK_SPEED,
): Promise<DmsApiBudgetFigures> => {
  const {
    stateTransitionsPerDatabase: _all,
    stateTransitionsPerDatabaseByMachine: _byMachine,
    migrationTransitionsPerDatabase: _migration,
    refreshTransitionsPerDatabaseHourInCdc: _refresh,
    ...figures
  } = await runBudgetedFleet({
    databases,
    clockSpeed,
    migrationId: 'bench-budget',
    deadlineMs: DEADLINE_MS,
  });
  return figures;
};

reportWhenForked(import.meta, ([databases, clockSpeed]) =>
  runDmsApiBudget(Number(databases), Number(clockSpeed)),
);

export default {
  title: 'DMS API budget: synthetic databases through CDC (requests per second of emulated time)',
  key: 'dmsApiBudget',
  // A process of its own, as for the fleet runs: one local AWS per process.
  run: () =>
    inFreshProcess<DmsApiBudgetFigures>(fileURLToPath(import.meta.url), [
      String(wholeNumberFromEnv('LAKESHIFT_BUDGET_DATABASES', DEFAULT_DATABASES)),
      String(wholeNumberFromEnv('LAKESHIFT_BUDGET_CLOCK_SPEED', DEFAULT_CLOCK_SPEED)),
    ]),
  format: (result: unknown): string[] => {
    const figures = result as DmsApiBudgetFigures;
    return [
      `${figures.databases} databases at ${figures.clockSpeed}x: ${figures.dmsApiCalls} DMS requests over ${figures.emulatedSeconds} s emulated (${figures.wallSeconds} s wall), ${figures.throttledCalls} throttled by DMS`,
      `mean ${figures.meanRequestsPerSec}/s, peak second ${figures.peakRequestsPerSec}/s, peak ${BUDGET_TARGET.windowSeconds} s window ${figures.maxSustained25sRequestsPerSec}/s (target <= ${BUDGET_TARGET.requestsPerSecond}: ${figures.withinTarget ? 'ok' : 'OVER TARGET'})`,
    ];
  },
};
