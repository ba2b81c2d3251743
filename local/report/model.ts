/**
 * What the demo recorded (`DemoTimeline`) and what the report holds (`DemoReport`): per database its phases, class
 * changes, metric series and the events lakeshift acted on; the cost comparison priced from its class changes; the
 * verification of its tables. `report.json` is a `DemoReport`; `report.html` renders one.
 */
import type { Phase } from '#contracts/phases';
import type { PeakReading } from '#domain/resize/types';
import { allEqual, type TableVerification } from '#local/verify/verify';
import {
  type ClassTimeline,
  type CostComparison,
  compareCosts,
  type ReferenceScenarioCost,
  referenceScenario,
  roundUsd,
} from './cost.ts';
import type { PriceTable } from './prices.ts';

export interface TimePoint {
  /** Epoch milliseconds (emulated time). */
  readonly at: number;
  readonly value: number;
}

export interface PhaseChange {
  readonly at: number;
  readonly phase: Phase;
}

export interface InstanceClassChange {
  readonly at: number;
  readonly instanceClass: string;
  /** Why lakeshift chose it (e.g. `step down after full load`, `CPUUtilization above 80% for 5 min`). */
  readonly reason?: string;
}

/** Something lakeshift acted on or did: a DMS event, an alarm, a resize decision. */
export interface ActedEvent {
  readonly at: number;
  /** Short kind, e.g. `DMS-EVENT-0079`, `alarm`, `resize`. */
  readonly kind: string;
  readonly text: string;
}

export interface MetricSeries {
  /** AWS/DMS CPUUtilization, percent. */
  readonly cpuPercent: readonly TimePoint[];
  /** AWS/DMS FreeableMemory, bytes. */
  readonly freeableMemoryBytes: readonly TimePoint[];
  /** AWS/DMS CDCLatencyTarget (source commit to target write), seconds. */
  readonly cdcLatencySeconds: readonly TimePoint[];
}

/** The after-full-load step-down and the measured peak behind it (none when the class was configured). */
export interface StepDownSizing {
  readonly at: number;
  readonly fromClass: string;
  readonly toClass: string;
  readonly reason: string;
  readonly peak?: PeakReading;
}

export interface DatabaseTimeline {
  readonly databaseId: string;
  /** A line for people, e.g. `orders: 1 table, 1,000,000 rows`. */
  readonly description?: string;
  readonly phases: readonly PhaseChange[];
  /** The first is the class the instance was created with. */
  readonly classes: readonly InstanceClassChange[];
  readonly metrics: MetricSeries;
  readonly events: readonly ActedEvent[];
  readonly stepDown?: StepDownSizing;
  /** When the instance stopped being billed (deleted, or the end of the run). */
  readonly endedAt: number;
}

export interface DemoTimeline {
  readonly migrationId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Emulated seconds per wall-clock second. */
  readonly clockSpeed?: number;
  readonly databases: readonly DatabaseTimeline[];
}

export interface DatabaseCost {
  readonly databaseId: string;
  /** The run itself, in emulated hours. */
  readonly run: CostComparison;
  /** The class the database ended on, and the reference month priced on it (24 h full load + 30 days of CDC). */
  readonly steadyClass: string;
  readonly projectedMonth: ReferenceScenarioCost;
}

export interface DemoReport {
  readonly title: string;
  readonly generatedAt: string;
  readonly timeline: DemoTimeline;
  readonly costs: readonly DatabaseCost[];
  readonly totals: {
    readonly runLakeshiftUsd: number;
    readonly runFixedClassUsd: number;
    readonly runServerlessUsd: number;
    readonly monthLakeshiftUsd: number;
    readonly monthFixedClassUsd: number;
    readonly monthServerlessUsd: number;
  };
  readonly prices: Pick<PriceTable, 'date' | 'region' | 'currency' | 'verified' | 'source'> & {
    readonly caveat: string;
    readonly serverlessAssumption: string;
  };
  readonly verification: readonly TableVerification[];
  readonly verified: boolean;
}

export const classTimelineOf = (database: DatabaseTimeline): ClassTimeline => ({
  changes: database.classes.map((change) => ({ at: change.at, instanceClass: change.instanceClass })),
  endedAt: database.endedAt,
});

const sum = (values: readonly number[]): number =>
  roundUsd(values.reduce((total, value) => total + value, 0));

export const buildReport = (
  timeline: DemoTimeline,
  verification: readonly TableVerification[],
  prices: PriceTable,
  generatedAt: Date,
): DemoReport => {
  const costs = timeline.databases.map((database): DatabaseCost => {
    const steadyClass = database.classes[database.classes.length - 1]?.instanceClass;
    if (steadyClass === undefined) {
      throw new RangeError(
        `databases[${database.databaseId}].classes: must hold at least the class it started on`,
      );
    }
    return {
      databaseId: database.databaseId,
      run: compareCosts(classTimelineOf(database), prices),
      steadyClass,
      projectedMonth: referenceScenario(prices, steadyClass),
    };
  });
  return {
    title: `lakeshift demo: migration ${timeline.migrationId}`,
    generatedAt: generatedAt.toISOString(),
    timeline,
    costs,
    totals: {
      runLakeshiftUsd: sum(costs.map((cost) => cost.run.lakeshift.totalUsd)),
      runFixedClassUsd: sum(costs.map((cost) => cost.run.fixedClass.totalUsd)),
      runServerlessUsd: sum(costs.map((cost) => cost.run.serverless.usd)),
      monthLakeshiftUsd: sum(costs.map((cost) => cost.projectedMonth.lakeshiftUsd)),
      monthFixedClassUsd: sum(costs.map((cost) => cost.projectedMonth.fixedClassUsd)),
      monthServerlessUsd: sum(costs.map((cost) => cost.projectedMonth.serverlessEstimateUsd)),
    },
    prices: {
      date: prices.date,
      region: prices.region,
      currency: prices.currency,
      verified: prices.verified,
      source: prices.source,
      caveat: prices.caveat ?? '',
      serverlessAssumption: prices.serverless.assumption ?? '',
    },
    verification,
    verified: allEqual(verification),
  };
};
