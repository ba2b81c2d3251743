/**
 * `scale`: synthetic databases through CDC on the local AWS in one migration (migrate-fleet at the request's default
 * concurrency), through the same harness as `dmsApiBudget`. Reports the DMS requests per second of emulated time in
 * the busiest 25 s window, counted at DMS across every handler and execution (target <= 4), the state transitions
 * per database (target <= 120) and the wall time. `LAKESHIFT_SCALE_DATABASES` sets the fleet size (default
 * DEFAULT_DATABASES, a size this machine class finishes in minutes; 1,000 is the size the targets are set for and
 * takes far longer, see README.md), `LAKESHIFT_SCALE_CLOCK_SPEED` the clock speed (default: the local runtime's). A
 * clock much faster than the machine can follow distorts the run: a handler's wall time becomes hours of emulated
 * time. Handlers log at ERROR: every synthetic source is unreachable by design, and the warnings saying so for each
 * database and step are no figures of this section.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLOCK_SPEED } from '#local/aws/index';
import { BUDGET_TARGET, runBudgetedFleet } from './dms-api-budget.ts';
import { inFreshProcess, reportWhenForked, TARGETS, wholeNumberFromEnv } from './fleet.ts';

const DEFAULT_DATABASES = 100;
const DEADLINE_MS = 60 * 60_000;

export interface ScaleFigures {
  readonly databases: number;
  readonly clockSpeed: number;
  readonly dmsRequests: number;
  readonly busiest25sRequestsPerSec: number;
  readonly throttledRequests: number;
  readonly stateTransitionsPerDatabase: number;
  readonly emulatedSeconds: number;
  readonly wallSeconds: number;
}

export const runScale = async (databases: number, clockSpeed: number): Promise<ScaleFigures> => {
  const figures = await runBudgetedFleet({
    databases,
    clockSpeed,
    migrationId: 'bench-scale',
    deadlineMs: DEADLINE_MS,
    handlerLogLevel: 'ERROR',
  });
  return {
    databases,
    clockSpeed,
    dmsRequests: figures.dmsApiCalls,
    busiest25sRequestsPerSec: figures.maxSustained25sRequestsPerSec,
    throttledRequests: figures.throttledCalls,
    stateTransitionsPerDatabase: figures.stateTransitionsPerDatabase,
    emulatedSeconds: figures.emulatedSeconds,
    wallSeconds: figures.wallSeconds,
  };
};

reportWhenForked(import.meta, ([databases, clockSpeed]) => runScale(Number(databases), Number(clockSpeed)));

const mark = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

export default {
  title: `Scale: synthetic databases through CDC (default ${DEFAULT_DATABASES}, LAKESHIFT_SCALE_DATABASES=1000 for the full size): DMS requests per emulated second, transitions, wall time`,
  key: 'scale',
  // A process of its own, as for the fleet runs: one local AWS per process.
  run: () =>
    inFreshProcess<ScaleFigures>(fileURLToPath(import.meta.url), [
      String(wholeNumberFromEnv('LAKESHIFT_SCALE_DATABASES', DEFAULT_DATABASES)),
      String(wholeNumberFromEnv('LAKESHIFT_SCALE_CLOCK_SPEED', DEFAULT_CLOCK_SPEED)),
    ]),
  format: (result: unknown): string[] => {
    const figures = result as ScaleFigures;
    return [
      `${figures.databases} databases at ${figures.clockSpeed}x: ${figures.wallSeconds} s wall, ${figures.emulatedSeconds} s emulated, ${figures.dmsRequests} DMS requests (${figures.throttledRequests} throttled by DMS)`,
      `busiest ${BUDGET_TARGET.windowSeconds} s window: ${figures.busiest25sRequestsPerSec} requests/s (target <= ${BUDGET_TARGET.requestsPerSecond}: ${mark(
        figures.busiest25sRequestsPerSec <= BUDGET_TARGET.requestsPerSecond,
      )})`,
      `per database: ${figures.stateTransitionsPerDatabase} state transitions (target <= ${TARGETS.stateTransitionsPerDatabase}: ${mark(
        figures.stateTransitionsPerDatabase <= TARGETS.stateTransitionsPerDatabase,
      )})`,
    ];
  },
};
