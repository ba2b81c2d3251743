/**
 * `fleet`: a migration of N synthetic databases (3 by default; `LAKESHIFT_FLEET_DATABASES=20` for a larger fleet)
 * through CDC on the local AWS at the default clock speed, requested by a `Migration Requested` event. Reports the
 * wall time from the event to the last database in CDC, what it cost per database (DMS API calls, state transitions,
 * Lambda invocations; means), and how long events took to reach their targets.
 * Targets: under 60 s of wall time for 3 databases; at most 60 DMS calls and 120 state transitions per database.
 */
import { DEFAULT_CLOCK_SPEED, startLocalAws } from '#local/aws/index';
import { prepareSyntheticFleet } from '#local/aws/synthetic-fleet';

export const TARGETS = {
  wallSeconds: 60,
  dmsApiCallsPerDatabase: 60,
  stateTransitionsPerDatabase: 120,
} as const;

export interface FleetFigures {
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

class FleetTimeoutError extends Error {
  override readonly name = 'FleetTimeoutError';
}

/** Longest wall time a run may take before it is reported as failed. */
const DEADLINE_MS = 600_000;
const POLL_MS = 50;

const percentile = (values: readonly number[], share: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? 0;
};

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

export const runFleet = async (
  databases: number,
  clockSpeed = DEFAULT_CLOCK_SPEED,
): Promise<FleetFigures> => {
  const aws = await startLocalAws({ clockSpeed });
  const fleet = prepareSyntheticFleet(aws, {
    migrationId: 'bench-fleet',
    databaseIds: Array.from({ length: databases }, (_, index) => `db${String(index + 1).padStart(2, '0')}`),
  });
  try {
    // The stack's own DMS calls (the subnet group) are not the migration's.
    const dmsBefore = aws.counters.dmsApiCalls;
    const started = performance.now();
    await fleet.requestMigration();
    const migrated = () =>
      aws.counters
        .executions()
        .filter((e) => e.stateMachineName === 'lakeshift-migrate-database' && e.status === 'SUCCEEDED');
    while (migrated().length < databases) {
      const failed = aws.counters
        .executions()
        .filter((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT');
      if (failed.length > 0 || performance.now() - started > DEADLINE_MS) {
        throw new FleetTimeoutError(
          `fleet of ${databases} did not reach CDC: ${aws.counters
            .executions()
            .map((e) => `${e.stateMachineName}/${e.name} ${e.status}`)
            .join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
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

const fleetSize = (): number => {
  const raw = process.env.LAKESHIFT_FLEET_DATABASES ?? '3';
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`LAKESHIFT_FLEET_DATABASES must be a whole number >= 1, got "${raw}"`);
  }
  return size;
};

export default {
  title: 'Local fleet through CDC (synthetic databases, default clock speed)',
  key: 'fleet',
  run: () => runFleet(fleetSize()),
  format: (result: unknown): string[] => {
    const figures = result as FleetFigures;
    const mark = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
    return [
      `${figures.databases} databases at ${figures.clockSpeed}x: ${figures.wallSeconds} s wall to CDC${
        figures.databases === 3
          ? ` (target < ${TARGETS.wallSeconds} s: ${mark(figures.wallSeconds < TARGETS.wallSeconds)})`
          : ''
      }`,
      `per database: ${figures.perDatabase.dmsApiCalls} DMS API calls (target <= ${TARGETS.dmsApiCallsPerDatabase}: ${mark(
        figures.perDatabase.dmsApiCalls <= TARGETS.dmsApiCallsPerDatabase,
      )}), ${figures.perDatabase.stateTransitions} state transitions (target <= ${TARGETS.stateTransitionsPerDatabase}: ${mark(
        figures.perDatabase.stateTransitions <= TARGETS.stateTransitionsPerDatabase,
      )}), ${figures.perDatabase.lambdaInvocations} Lambda invocations`,
      `event to action: p50 ${figures.eventToActionMs.p50} ms, max ${figures.eventToActionMs.max} ms`,
    ];
  },
};
