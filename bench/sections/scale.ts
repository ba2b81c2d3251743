/**
 * `scale`: synthetic databases through CDC on the local AWS in one migration, sent at the request's highest
 * concurrency (`LAKESHIFT_SCALE_CONCURRENCY` changes it), through the same harness as `dmsApiBudget`. Reports the DMS
 * requests per second of emulated time in the busiest 25 s window, counted at DMS across every handler and execution
 * (target <= 4), the state transitions per database of the migration itself (target <= 120), the scheduled catalog
 * refresh's transitions per database-hour in CDC (a running cost, not a per-migration one) and the wall time.
 * `LAKESHIFT_SCALE_DATABASES` sets the fleet size (default DEFAULT_DATABASES, a size this machine class finishes in
 * minutes; 1,000 is the size the targets are set for and takes far longer, see README.md),
 * `LAKESHIFT_SCALE_CLOCK_SPEED` the highest clock speed (default: the local runtime's). The run's clock is a
 * LoadPacedClock: when the one process that hosts every handler and service is saturated, emulated time slows down
 * instead of turning a handler's wall time into emulated minutes (which once made a full-load wait miss its hourly
 * heartbeat at 552 databases). The effective speed is printed. The handlers' own DMS budget refills by the same
 * clock (local/aws/README.md), so a slowed clock does not let it spend more per emulated second than it would in an
 * account. The migration's transitions count every state machine but the scheduled
 * catalog refresh, so the resizes the alarms start in CDC are in them. Handlers log at ERROR: every synthetic source
 * is unreachable by design, and the warnings saying so for each database and step are no figures of this section.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLOCK_SPEED } from '#local/aws/index';
import { BUDGET_TARGET, runBudgetedFleet, type TransitionFigures } from './dms-api-budget.ts';
import { inFreshProcess, reportWhenForked, TARGETS, wholeNumberFromEnv } from './fleet.ts';

const DEFAULT_DATABASES = 100;
/** The most the request schema allows: a fleet this size is sent at full concurrency. */
const MAX_CONCURRENCY = 40;
const DEADLINE_MS = 120 * 60_000;
/** A long run says how far it got once a minute, and looks at its thousands of executions once a second. */
const PROGRESS_EVERY_MS = 60_000;
const POLL_MS = 1_000;
/**
 * Each synthetic task steps once an emulated minute, the period DMS publishes its metrics at, instead of every 5 s:
 * this section counts the control plane's requests and transitions, which a finer simulated data plane does not
 * change, and a thousand tasks stepping every 5 s would cost the process most of its time.
 */
const SIMULATION_TICK_MS = 60_000;
/**
 * Every execution's history stays in the local AWS, plans and payloads included: 1,000 databases run out of Node's
 * default heap (about 4 GB) before they all reach CDC, so the run's heap grows with the fleet.
 */
const HEAP_MB_PER_DATABASE = 12;
const MIN_HEAP_MB = 4096;

export interface ScaleFigures extends TransitionFigures {
  readonly databases: number;
  readonly clockSpeed: number;
  readonly dmsRequests: number;
  readonly busiest25sRequestsPerSec: number;
  readonly throttledRequests: number;
  readonly maxConcurrency: number;
  readonly emulatedSeconds: number;
  readonly wallSeconds: number;
}

export const runScale = async (
  databases: number,
  clockSpeed: number,
  maxConcurrency: number,
): Promise<ScaleFigures> => {
  const figures = await runBudgetedFleet({
    databases,
    clockSpeed,
    maxConcurrency,
    migrationId: 'bench-scale',
    deadlineMs: DEADLINE_MS,
    handlerLogLevel: 'ERROR',
    progressEveryMs: PROGRESS_EVERY_MS,
    pollMs: POLL_MS,
    simulationTickMs: SIMULATION_TICK_MS,
  });
  return {
    databases,
    clockSpeed,
    maxConcurrency,
    dmsRequests: figures.dmsApiCalls,
    busiest25sRequestsPerSec: figures.maxSustained25sRequestsPerSec,
    throttledRequests: figures.throttledCalls,
    stateTransitionsPerDatabase: figures.stateTransitionsPerDatabase,
    stateTransitionsPerDatabaseByMachine: figures.stateTransitionsPerDatabaseByMachine,
    migrationTransitionsPerDatabase: figures.migrationTransitionsPerDatabase,
    refreshTransitionsPerDatabaseHourInCdc: figures.refreshTransitionsPerDatabaseHourInCdc,
    emulatedSeconds: figures.emulatedSeconds,
    wallSeconds: figures.wallSeconds,
  };
};

reportWhenForked(import.meta, ([databases, clockSpeed, maxConcurrency]) =>
  runScale(Number(databases), Number(clockSpeed), Number(maxConcurrency)),
);

const mark = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

export default {
  title: `Scale: synthetic databases through CDC (default ${DEFAULT_DATABASES}, LAKESHIFT_SCALE_DATABASES=1000 for the full size): DMS requests per emulated second, transitions, wall time`,
  key: 'scale',
  // A process of its own, as for the fleet runs: one local AWS per process.
  run: () => {
    const databases = wholeNumberFromEnv('LAKESHIFT_SCALE_DATABASES', DEFAULT_DATABASES);
    return inFreshProcess<ScaleFigures>(
      fileURLToPath(import.meta.url),
      [
        String(databases),
        String(wholeNumberFromEnv('LAKESHIFT_SCALE_CLOCK_SPEED', DEFAULT_CLOCK_SPEED)),
        String(wholeNumberFromEnv('LAKESHIFT_SCALE_CONCURRENCY', MAX_CONCURRENCY)),
      ],
      Math.max(MIN_HEAP_MB, databases * HEAP_MB_PER_DATABASE),
    );
  },
  format: (result: unknown): string[] => {
    const figures = result as ScaleFigures;
    return [
      `${figures.databases} databases at up to ${figures.clockSpeed}x, ${figures.maxConcurrency} at a time: ${figures.wallSeconds} s wall, ${figures.emulatedSeconds} s emulated (${Math.round(
        figures.emulatedSeconds / Math.max(figures.wallSeconds, 1),
      )}x on average), ${figures.dmsRequests} DMS requests (${figures.throttledRequests} throttled by DMS)`,
      `busiest ${BUDGET_TARGET.windowSeconds} s window: ${figures.busiest25sRequestsPerSec} requests/s (target <= ${BUDGET_TARGET.requestsPerSecond}: ${mark(
        figures.busiest25sRequestsPerSec <= BUDGET_TARGET.requestsPerSecond,
      )})`,
      `per database, the migration (resizes in CDC included): ${figures.migrationTransitionsPerDatabase} state transitions (target <= ${TARGETS.stateTransitionsPerDatabase}: ${mark(
        figures.migrationTransitionsPerDatabase <= TARGETS.stateTransitionsPerDatabase,
      )}); by state machine, the scheduled catalog refresh included: ${JSON.stringify(figures.stateTransitionsPerDatabaseByMachine)}`,
      `scheduled catalog refresh: ${figures.refreshTransitionsPerDatabaseHourInCdc} state transitions per database-hour in CDC (${figures.stateTransitionsPerDatabase} per database in all over this run)`,
    ];
  },
};
