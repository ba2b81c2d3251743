/**
 * The metric store behind the local CloudWatch: raw datapoints per metric (namespace, name, exact dimension set),
 * aggregated on read into period buckets aligned to the epoch, as CloudWatch aggregates them.
 */

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
}

/** One stored sample: a single value, or a pre-aggregated statistic set (which carries no raw values). */
interface Sample {
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  readonly values: readonly number[];
  readonly unit?: string;
}

export interface SampleInput {
  readonly timestamp: number;
  readonly value?: number;
  readonly statisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  readonly values?: readonly number[];
  readonly counts?: readonly number[];
  readonly unit?: string;
}

/** The samples of one period aggregated; `timestamp` is the start of the period, epoch ms. */
export type Bucket = Sample;

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** CloudWatch keeps 15 months; locally a bounded history per series is plenty and keeps long runs flat. */
const MAX_SAMPLES_PER_SERIES = 50_000;

export const metricKey = (id: MetricId): string =>
  JSON.stringify([
    id.namespace,
    id.metricName,
    [...id.dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => [d.Name, d.Value]),
  ]);

export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; samples: Sample[] }>();

  put(id: MetricId, input: SampleInput): void {
    const key = metricKey(id);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { id: { ...id, dimensions: [...id.dimensions] }, samples: [] };
      this.series.set(key, entry);
    }
    entry.samples.push(toSample(input));
    if (entry.samples.length > MAX_SAMPLES_PER_SERIES)
      entry.samples.splice(0, entry.samples.length - MAX_SAMPLES_PER_SERIES);
  }

  /** Buckets of `periodSeconds` covering [start, end), oldest first; periods without data are absent. */
  buckets(id: MetricId, start: number, end: number, periodSeconds: number): Bucket[] {
    const samples = this.series.get(metricKey(id))?.samples ?? [];
    const periodMs = periodSeconds * 1000;
    const byPeriod = new Map<number, Sample[]>();
    for (const sample of samples) {
      if (sample.timestamp < start || sample.timestamp >= end) continue;
      const bucketStart = Math.floor(sample.timestamp / periodMs) * periodMs;
      const list = byPeriod.get(bucketStart) ?? [];
      list.push(sample);
      byPeriod.set(bucketStart, list);
    }
    return [...byPeriod.entries()]
      .sort(([a], [b]) => a - b)
      .map(([timestamp, list]) => ({
        timestamp,
        sampleCount: list.reduce((total, s) => total + s.sampleCount, 0),
        sum: list.reduce((total, s) => total + s.sum, 0),
        minimum: Math.min(...list.map((s) => s.minimum)),
        maximum: Math.max(...list.map((s) => s.maximum)),
        values: list.flatMap((s) => s.values),
        unit: list[0]?.unit,
      }));
  }

  /** Metrics matching a namespace / name / dimension filter (ListMetrics). */
  list(filter: {
    namespace?: string;
    metricName?: string;
    dimensions?: readonly { Name: string; Value?: string }[];
  }): MetricId[] {
    return [...this.series.values()]
      .map((entry) => entry.id)
      .filter(
        (id) =>
          (!filter.namespace || id.namespace === filter.namespace) &&
          (!filter.metricName || id.metricName === filter.metricName) &&
          (filter.dimensions ?? []).every((wanted) =>
            id.dimensions.some(
              (d) => d.Name === wanted.Name && (wanted.Value === undefined || d.Value === wanted.Value),
            ),
          ),
      );
  }
}

const toSample = (input: SampleInput): Sample => {
  if (input.statisticValues) {
    const stats = input.statisticValues;
    return {
      timestamp: input.timestamp,
      sampleCount: stats.SampleCount,
      sum: stats.Sum,
      minimum: stats.Minimum,
      maximum: stats.Maximum,
      values: [],
      unit: input.unit,
    };
  }
  const values = input.values
    ? input.values.flatMap((value, i) =>
        Array.from({ length: Math.max(1, input.counts?.[i] ?? 1) }, () => value),
      )
    : [input.value ?? 0];
  return {
    timestamp: input.timestamp,
    sampleCount: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    minimum: Math.min(...values),
    maximum: Math.max(...values),
    values,
    unit: input.unit,
  };
};

const PERCENTILE = /^p(\d{1,2}(\.\d+)?)$/;

/** True for the statistics we can compute: the five basic ones and percentiles `pNN`/`pNN.N`. */
export const isSupportedStatistic = (stat: string): boolean =>
  (STATISTICS as readonly string[]).includes(stat) || PERCENTILE.test(stat);

/** The value of one statistic over a bucket. Percentiles need raw values (not statistic sets). */
export const statisticValue = (bucket: Bucket, stat: string): number | undefined => {
  switch (stat) {
    case 'SampleCount':
      return bucket.sampleCount;
    case 'Sum':
      return bucket.sum;
    case 'Minimum':
      return bucket.minimum;
    case 'Maximum':
      return bucket.maximum;
    case 'Average':
      return bucket.sampleCount === 0 ? undefined : bucket.sum / bucket.sampleCount;
  }
  const match = PERCENTILE.exec(stat);
  if (!match || bucket.values.length === 0) return undefined;
  const sorted = [...bucket.values].sort((a, b) => a - b);
  // Nearest-rank percentile.
  const rank = Math.max(1, Math.ceil((Number(match[1]) / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
};
