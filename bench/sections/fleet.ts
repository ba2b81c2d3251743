/**
 * `fleet`: migrations of synthetic databases through CDC on the local AWS at the default clock speed, each requested
 * by a `Migration Requested` event: 20 databases (`LAKESHIFT_FLEET_DATABASES` changes that), and, under `small`, the
 * 3-database run the local runtime's wall-time target is about. Reports the wall time from the event to the last
 * database in CDC, what it cost per database (DMS API calls, state transitions, Lambda invocations; means), and how
 * long events took to reach their targets.
 * Targets: under 60 s of wall time for 3 databases; at most 60 DMS calls and 120 state transitions per database.
 *
 * Each run gets a process of its own: handlers keep their AWS clients (and the endpoint they point at) for the life
 * of the process, as a Lambda does, so one process hosts one local AWS.
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_CLOCK_SPEED } from '#local/aws/index';
import { prepareSyntheticFleet, type SyntheticFleet } from '#local/aws/synthetic-fleet';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';

export const TARGETS = {
  smallFleetDatabases: 3,
  wallSeconds: 60,
  dmsApiCallsPerDatabase: 60,
  stateTransitionsPerDatabase: 120,
} as const;

const DEFAULT_FLEET_DATABASES = 20;

export interface FleetRunFigures {
  readonly databases: number;
  readonly clockSpeed: number;
  readonly wallSeconds: number;
  readonly perDatabase: {
    readonly dmsApiCalls: number;
    readonly stateTransitions: number;
    readonly lambdaInvocations: number;
  };
  readonly eventToActionMs: { readonly p50: number; readonly max: number };
}

export interface FleetFigures extends FleetRunFigures {
  /** The 3-database run. */
  readonly small: FleetRunFigures;
}

export class FleetRunError extends Error {
  override readonly name = 'FleetRunError';
}

/** Longest wall time a run may take before it is reported as failed. */
const DEADLINE_MS = 600_000;
const POLL_MS = 50;
const MIGRATE_DATABASE = 'lakeshift-migrate-database';

const percentile = (values: readonly number[], share: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? 0;
};

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** `db001`, `db002`, ...: sorted as they are numbered. */
export const fleetDatabaseIds = (count: number): string[] =>
  Array.from(
    { length: count },
    (_, index) => `db${String(index + 1).padStart(Math.max(3, String(count).length), '0')}`,
  );

/** A whole number >= 1 from the environment variable `name`, or `fallback` when it is unset. */
export const wholeNumberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name] ?? String(fallback);
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`${name} must be a whole number >= 1, got "${raw}"`);
  }
  return size;
};

export interface FleetWaitOptions {
  /** Longest wall time the run may take (DEADLINE_MS when absent). */
  readonly deadlineMs?: number;
  /** How often to say on stderr how many databases are in CDC (never when absent). */
  readonly progressEveryMs?: number;
  /** Wall time between two looks at the executions (POLL_MS when absent; a large fleet looks less often). */
  readonly pollMs?: number;
}

/**
 * Sends the fleet's `Migration Requested` and resolves once `databases` migrate-database executions succeeded (every
 * database in CDC). Fails at the first failed or timed-out execution, or after the deadline.
 */
export const migrateFleetToCdc = async (
  aws: LocalLakeshift,
  fleet: SyntheticFleet,
  databases: number,
  options: FleetWaitOptions = {},
): Promise<void> => {
  const { deadlineMs = DEADLINE_MS, progressEveryMs, pollMs = POLL_MS } = options;
  const started = performance.now();
  const startedAt = aws.clock.now();
  let reportedAt = started;
  await fleet.requestMigration();
  for (;;) {
    const executions = aws.counters.executions();
    const inCdc = executions.filter(
      (e) => e.stateMachineName === MIGRATE_DATABASE && e.status === 'SUCCEEDED',
    );
    if (inCdc.length >= databases) return;
    if (progressEveryMs !== undefined && performance.now() - reportedAt >= progressEveryMs) {
      reportedAt = performance.now();
      console.error(
        `${inCdc.length} of ${databases} databases in CDC after ${round((reportedAt - started) / 1000, 0)} s wall, ${round(
          (aws.clock.now() - startedAt) / 3_600_000,
          2,
        )} h emulated`,
      );
    }
    const failed = executions.filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT');
    if (failed.length > 0 || performance.now() - started > deadlineMs) {
      throw new FleetRunError(
        `${inCdc.length} of ${databases} databases reached CDC; failed: ${
          failed
            .map((e) => {
              const described = aws.stepFunctions.getExecution(e.executionArn);
              return `${e.stateMachineName}/${e.name} ${e.status} ${described?.error ?? ''}: ${described?.cause ?? ''}`;
            })
            .join(', ') || 'none'
        }`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
};

export const runFleet = async (
  databases: number,
  clockSpeed = DEFAULT_CLOCK_SPEED,
): Promise<FleetRunFigures> => {
  const aws = await startLocalLakeshift({ clockSpeed });
  const fleet = prepareSyntheticFleet(aws, {
    migrationId: 'bench-fleet',
    databaseIds: fleetDatabaseIds(databases),
  });
  try {
    // The stack's own DMS calls (the subnet group) are not the migration's.
    const dmsBefore = aws.counters.dmsApiCalls;
    const started = performance.now();
    await migrateFleetToCdc(aws, fleet, databases);
    const wallSeconds = (performance.now() - started) / 1000;
    const latencies = aws.counters.deliveries().map((delivery) => delivery.latencyMs);
    return {
      databases,
      clockSpeed,
      wallSeconds: round(wallSeconds),
      perDatabase: {
        dmsApiCalls: round((aws.counters.dmsApiCalls - dmsBefore) / databases),
        stateTransitions: round(aws.counters.stateTransitions / databases),
        lambdaInvocations: round(aws.counters.lambdaInvocations / databases),
      },
      eventToActionMs: { p50: round(percentile(latencies, 0.5), 2), max: round(percentile(latencies, 1), 2) },
    };
  } finally {
    fleet.close();
    await aws.stop();
  }
};

/**
 * Runs the module `file` in a child process (see `reportWhenForked`) and resolves with what it reports. `heapMb`
 * raises the child's V8 heap limit: the local AWS keeps every execution's history, payloads included.
 */
export const inFreshProcess = <T>(file: string, args: readonly string[], heapMb?: number): Promise<T> =>
  new Promise((resolve, reject) => {
    // The child inherits this process's loader flags (tsx), so it runs TypeScript as the parent does.
    const child = fork(file, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])],
    });
    const reports: T[] = [];
    child.on('message', (message) => reports.push(message as T));
    child.on('error', reject);
    child.on('exit', (code) => {
      const [report] = reports;
      if (report !== undefined) resolve(report);
      else reject(new FleetRunError(`${file} ${args.join(' ')} exited with code ${code} before reporting`));
    });
  });

/** When `meta`'s module is the entry of a forked process: runs `run` with the arguments, reports, and exits. */
export const reportWhenForked = (
  meta: ImportMeta,
  run: (args: readonly string[]) => Promise<unknown>,
): void => {
  const entry = process.argv[1];
  if (!process.send || entry === undefined || meta.url !== pathToFileURL(entry).href) return;
  run(process.argv.slice(2)).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};

const THIS_FILE = fileURLToPath(import.meta.url);

/** The 3-database run first (the wall-time target is about it), then the larger fleet. */
export const runFleets = async (databases: number): Promise<FleetFigures> => {
  const small = await inFreshProcess<FleetRunFigures>(THIS_FILE, [String(TARGETS.smallFleetDatabases)]);
  return { ...(await inFreshProcess<FleetRunFigures>(THIS_FILE, [String(databases)])), small };
};

reportWhenForked(import.meta, ([databases]) => runFleet(Number(databases)));

const mark = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

const formatRun = (figures: FleetRunFigures): string[] => [
  `${figures.databases} databases at ${figures.clockSpeed}x: ${figures.wallSeconds} s wall to CDC${
    figures.databases === TARGETS.smallFleetDatabases
      ? ` (target < ${TARGETS.wallSeconds} s: ${mark(figures.wallSeconds < TARGETS.wallSeconds)})`
      : ''
  }`,
  `  per database: ${figures.perDatabase.dmsApiCalls} DMS API calls (target <= ${TARGETS.dmsApiCallsPerDatabase}: ${mark(
    figures.perDatabase.dmsApiCalls <= TARGETS.dmsApiCallsPerDatabase,
  )}), ${figures.perDatabase.stateTransitions} state transitions (target <= ${TARGETS.stateTransitionsPerDatabase}: ${mark(
    figures.perDatabase.stateTransitions <= TARGETS.stateTransitionsPerDatabase,
  )}), ${figures.perDatabase.lambdaInvocations} Lambda invocations`,
  `  event to action: p50 ${figures.eventToActionMs.p50} ms, max ${figures.eventToActionMs.max} ms`,
];

export default {
  title: 'Local fleets through CDC (synthetic databases, default clock speed)',
  key: 'fleet',
  run: () => runFleets(wholeNumberFromEnv('LAKESHIFT_FLEET_DATABASES', DEFAULT_FLEET_DATABASES)),
  format: (result: unknown): string[] => {
    const figures = result as FleetFigures;
    return [...formatRun(figures), ...formatRun(figures.small)];
  },
};
