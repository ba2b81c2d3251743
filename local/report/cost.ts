/**
 * What a replication instance's life would cost on AWS: instance-hours per class from a timeline of class changes,
 * priced with the dated price table; beside it the same span on a fixed dms.r5.xlarge and a DMS Serverless estimate.
 * The report's cost table and the `cost` bench section both use these functions.
 */
import { DEFAULT_FULL_LOAD_CLASS, INSTANCE_CLASSES, isInstanceClass } from '#domain/instance-classes';
import { hourlyPrice, type PriceTable, PriceTableError } from './prices.ts';

const HOUR_MS = 3_600_000;

export interface ClassChange {
  /** Epoch milliseconds (emulated time in local runs). */
  readonly at: number;
  readonly instanceClass: string;
}

/** An instance's life: the first change is its creation; it is billed until `endedAt` (deletion or end of run). */
export interface ClassTimeline {
  readonly changes: readonly ClassChange[];
  readonly endedAt: number;
  /** Allocated storage; only the part above the table's included storage is billed. Default: the included size. */
  readonly allocatedStorageGb?: number;
}

export interface TimelineCost {
  readonly hours: number;
  readonly hoursByClass: Readonly<Record<string, number>>;
  readonly instanceUsd: number;
  readonly storageUsd: number;
  readonly totalUsd: number;
}

export interface ServerlessEstimate {
  readonly dcuHours: number;
  readonly usd: number;
}

export interface CostComparison {
  readonly fixedInstanceClass: string;
  readonly lakeshift: TimelineCost;
  readonly fixedClass: TimelineCost;
  readonly serverless: ServerlessEstimate;
}

/** A timeline that cannot be priced; the message names the field and the rule. */
export class TimelineError extends Error {
  override readonly name = 'TimelineError';
}

interface Segment {
  readonly instanceClass: string;
  readonly from: number;
  readonly to: number;
}

const segmentsOf = (timeline: ClassTimeline): Segment[] => {
  const { changes, endedAt } = timeline;
  if (changes.length === 0)
    throw new TimelineError('changes: must hold at least the class the instance started on');
  changes.forEach((change, index) => {
    const previous = changes[index - 1];
    if (previous !== undefined && change.at < previous.at) {
      throw new TimelineError(`changes[${index}].at: must not be earlier than changes[${index - 1}].at`);
    }
  });
  const last = changes[changes.length - 1];
  if (last !== undefined && endedAt < last.at) {
    throw new TimelineError('endedAt: must not be earlier than the last class change');
  }
  return changes.map((change, index) => ({
    instanceClass: change.instanceClass,
    from: change.at,
    to: changes[index + 1]?.at ?? endedAt,
  }));
};

const hoursOf = (from: number, to: number): number => (to - from) / HOUR_MS;

/** Instance-hours per class and their on-demand price, plus storage above the included size. */
export const costOfTimeline = (timeline: ClassTimeline, prices: PriceTable): TimelineCost => {
  const hoursByClass: Record<string, number> = {};
  for (const segment of segmentsOf(timeline)) {
    hoursByClass[segment.instanceClass] =
      (hoursByClass[segment.instanceClass] ?? 0) + hoursOf(segment.from, segment.to);
  }
  const instanceUsd = Object.entries(hoursByClass).reduce(
    (sum, [instanceClass, hours]) => sum + hours * hourlyPrice(prices, instanceClass),
    0,
  );
  const first = timeline.changes[0]?.at ?? timeline.endedAt;
  const hours = hoursOf(first, timeline.endedAt);
  const billedGb = Math.max(
    0,
    (timeline.allocatedStorageGb ?? prices.storage.includedGb) - prices.storage.includedGb,
  );
  const storageUsd = billedGb * prices.storage.gbMonthUsd * (hours / prices.hoursPerMonth);
  return { hours, hoursByClass, instanceUsd, storageUsd, totalUsd: instanceUsd + storageUsd };
};

/** The same span as `timeline`, on one class all along. */
export const fixedClassTimeline = (timeline: ClassTimeline, instanceClass: string): ClassTimeline => ({
  ...timeline,
  changes: [{ at: timeline.changes[0]?.at ?? timeline.endedAt, instanceClass }],
});

/** The smallest valid DCU count whose memory covers the class's memory. */
export const dcusFor = (instanceClass: string, prices: PriceTable): number => {
  if (!isInstanceClass(instanceClass)) {
    throw new TimelineError(
      `instanceClass: ${instanceClass} is not a known DMS class, so its memory is unknown`,
    );
  }
  const needed = INSTANCE_CLASSES[instanceClass].memoryGiB / prices.serverless.gibPerDcu;
  const sorted = [...prices.serverless.validDcus].sort((a, b) => a - b);
  const fit = sorted.find((dcus) => dcus >= needed) ?? sorted[sorted.length - 1];
  if (fit === undefined) throw new PriceTableError('serverless.validDcus: must hold at least one value');
  return fit;
};

/**
 * DMS Serverless for the same work (the assumption is written in the price table): capacity follows the memory of
 * the class lakeshift ran, at once on the way up and `scaleDownLagHours` late on the way down. So the capacity at
 * time t is the largest demand in [t - lag, t].
 */
export const serverlessEstimate = (timeline: ClassTimeline, prices: PriceTable): ServerlessEstimate => {
  const segments = segmentsOf(timeline).map((segment) => ({
    ...segment,
    dcus: dcusFor(segment.instanceClass, prices),
  }));
  const lag = prices.serverless.scaleDownLagHours * HOUR_MS;
  const start = segments[0]?.from ?? timeline.endedAt;
  const breakpoints = [
    ...new Set(
      [start, timeline.endedAt, ...segments.flatMap((segment) => [segment.from, segment.to + lag])].filter(
        (at) => at >= start && at <= timeline.endedAt,
      ),
    ),
  ].sort((a, b) => a - b);
  let dcuHours = 0;
  for (let index = 0; index + 1 < breakpoints.length; index++) {
    const from = breakpoints[index] ?? start;
    const to = breakpoints[index + 1] ?? from;
    const middle = (from + to) / 2;
    const held = segments
      .filter((segment) => segment.from <= middle && segment.to + lag > middle)
      .reduce((max, segment) => Math.max(max, segment.dcus), 0);
    dcuHours += held * hoursOf(from, to);
  }
  return { dcuHours, usd: dcuHours * prices.serverless.dcuHourUsd };
};

/** lakeshift's timeline against the same span on a fixed class (dms.r5.xlarge by default) and on Serverless. */
export const compareCosts = (
  timeline: ClassTimeline,
  prices: PriceTable,
  fixedInstanceClass: string = DEFAULT_FULL_LOAD_CLASS,
): CostComparison => ({
  fixedInstanceClass,
  lakeshift: costOfTimeline(timeline, prices),
  fixedClass: costOfTimeline(fixedClassTimeline(timeline, fixedInstanceClass), prices),
  serverless: serverlessEstimate(timeline, prices),
});

export const roundUsd = (usd: number): number => Math.round(usd * 100) / 100;

export const REFERENCE_FULL_LOAD_HOURS = 24;
export const REFERENCE_CDC_DAYS = 30;

export interface ReferenceScenarioCost {
  readonly fixedClassUsd: number;
  readonly lakeshiftUsd: number;
  readonly serverlessEstimateUsd: number;
  readonly priceTableDate: string;
  readonly steadyClass: string;
}

/** The reference timeline: 24 h of full load on dms.r5.xlarge, then 30 days of CDC on `steadyClass`. */
export const referenceTimeline = (steadyClass: string): ClassTimeline => {
  const fullLoadEnd = REFERENCE_FULL_LOAD_HOURS * HOUR_MS;
  return {
    changes: [
      { at: 0, instanceClass: DEFAULT_FULL_LOAD_CLASS },
      { at: fullLoadEnd, instanceClass: steadyClass },
    ],
    endedAt: fullLoadEnd + REFERENCE_CDC_DAYS * 24 * HOUR_MS,
  };
};

/** One database, 24 h of full load on dms.r5.xlarge, then 30 days of CDC at the class the policy chose. */
export const referenceScenario = (prices: PriceTable, steadyClass: string): ReferenceScenarioCost => {
  const comparison = compareCosts(referenceTimeline(steadyClass), prices);
  return {
    fixedClassUsd: roundUsd(comparison.fixedClass.totalUsd),
    lakeshiftUsd: roundUsd(comparison.lakeshift.totalUsd),
    serverlessEstimateUsd: roundUsd(comparison.serverless.usd),
    priceTableDate: prices.date,
    steadyClass,
  };
};
