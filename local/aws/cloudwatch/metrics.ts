/**
 * The metric store behind the local CloudWatch: raw datapoints per metric (namespace, name, exact dimension set),
 * aggregated on read into period buckets aligned to the epoch, as CloudWatch aggregates them. Each series is kept in
 * time order, so a read costs the samples in its range, not the series' whole history: every alarm reads its
 * window once an emulated minute, and a fleet hours in CDC would otherwise rescan every series each time.
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

/** The samples of one period aggregated; `timestamp` is the start of the period, epoch ms. */
export interface Bucket {
  readonly timestamp: number;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
  /** The raw values (none for statistic sets), for percentiles. */
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

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** CloudWatch keeps 15 months; locally a bounded history per series is plenty and keeps long runs flat. */
const MAX_SAMPLES_PER_SERIES = 50_000;

const byName = (a: Dimension, b: Dimension): number => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0);

export const metricKey = (id: MetricId): string =>
  JSON.stringify([
    id.namespace,
    id.metricName,
    (id.dimensions.length < 2 ? id.dimensions : [...id.dimensions].sort(byName)).map((d) => [
      d.Name,
      d.Value,
    ]),
  ]);

/** A sample's raw values: none for a statistic set, the one value for a single-value sample. */
type RawValues = readonly number[] | 'statistic set' | undefined;

/**
 * One series' samples in time order, as columns: a fleet publishes tens of series per instance every emulated
 * minute for hours, and one object per sample would make the heap (and every garbage collection) grow with that.
 */
class SampleColumns {
  length = 0;
  private timestamps = new Float64Array(16);
  private counts = new Float64Array(16);
  private sums = new Float64Array(16);
  private minimums = new Float64Array(16);
  private maximums = new Float64Array(16);
  /** Only samples with several raw values (or none) hold an entry; most hold a hole. */
  private readonly raw: RawValues[] = [];
  private readonly units: (string | undefined)[] = [];

  add(input: SampleInput): void {
    const sample = summarise(input);
    // Datapoints nearly always arrive in time order; one sent late is placed where it belongs.
    const at = this.firstAtOrAfter(sample.timestamp + 1);
    this.makeRoom();
    for (const column of this.columns()) column.copyWithin(at + 1, at, this.length);
    this.timestamps[at] = sample.timestamp;
    this.counts[at] = sample.sampleCount;
    this.sums[at] = sample.sum;
    this.minimums[at] = sample.minimum;
    this.maximums[at] = sample.maximum;
    this.raw.splice(at, 0, sample.raw);
    this.units.splice(at, 0, input.unit);
    this.length++;
    if (this.length > MAX_SAMPLES_PER_SERIES) this.dropOldest(this.length - MAX_SAMPLES_PER_SERIES);
  }

  /** Aggregates the samples in [start, end) into periods of `periodMs` aligned to the epoch, oldest first. */
  buckets(start: number, end: number, periodMs: number): Bucket[] {
    const buckets: Bucket[] = [];
    let open: { -readonly [K in keyof Bucket]: Bucket[K] } | undefined;
    for (let index = this.firstAtOrAfter(start); index < this.length; index++) {
      const timestamp = this.timestamps[index] as number;
      if (timestamp >= end) break;
      const bucketStart = Math.floor(timestamp / periodMs) * periodMs;
      if (open?.timestamp !== bucketStart) {
        open = {
          timestamp: bucketStart,
          sampleCount: 0,
          sum: 0,
          minimum: Number.POSITIVE_INFINITY,
          maximum: Number.NEGATIVE_INFINITY,
          values: [],
          unit: this.units[index],
        };
        buckets.push(open);
      }
      open.sampleCount += this.counts[index] as number;
      open.sum += this.sums[index] as number;
      open.minimum = Math.min(open.minimum, this.minimums[index] as number);
      open.maximum = Math.max(open.maximum, this.maximums[index] as number);
      const raw = this.raw[index];
      if (raw === undefined) (open.values as number[]).push(this.sums[index] as number);
      else if (raw !== 'statistic set') (open.values as number[]).push(...raw);
    }
    return buckets;
  }

  /** The index of the first sample stamped at or after `timestamp` (binary search). */
  private firstAtOrAfter(timestamp: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timestamps[middle] as number) < timestamp) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private columns(): Float64Array[] {
    return [this.timestamps, this.counts, this.sums, this.minimums, this.maximums];
  }

  private makeRoom(): void {
    if (this.length < this.timestamps.length) return;
    const grow = (column: Float64Array) => {
      const grown = new Float64Array(column.length * 2);
      grown.set(column);
      return grown;
    };
    this.timestamps = grow(this.timestamps);
    this.counts = grow(this.counts);
    this.sums = grow(this.sums);
    this.minimums = grow(this.minimums);
    this.maximums = grow(this.maximums);
  }

  private dropOldest(count: number): void {
    for (const column of this.columns()) column.copyWithin(0, count, this.length);
    this.raw.splice(0, count);
    this.units.splice(0, count);
    this.length -= count;
  }
}

export class MetricStore {
  private readonly series = new Map<string, { id: MetricId; samples: SampleColumns }>();

  put(id: MetricId, input: SampleInput): void {
    const key = metricKey(id);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { id: { ...id, dimensions: [...id.dimensions] }, samples: new SampleColumns() };
      this.series.set(key, entry);
    }
    entry.samples.add(input);
  }

  /** Buckets of `periodSeconds` covering [start, end), oldest first; periods without data are absent. */
  buckets(id: MetricId, start: number, end: number, periodSeconds: number): Bucket[] {
    return this.series.get(metricKey(id))?.samples.buckets(start, end, periodSeconds * 1000) ?? [];
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

/** A sample's statistics, and its raw values when they are not just the one value. */
const summarise = (
  input: SampleInput,
): {
  timestamp: number;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  raw: RawValues;
} => {
  if (input.statisticValues) {
    const stats = input.statisticValues;
    return {
      timestamp: input.timestamp,
      sampleCount: stats.SampleCount,
      sum: stats.Sum,
      minimum: stats.Minimum,
      maximum: stats.Maximum,
      raw: 'statistic set',
    };
  }
  if (!input.values) {
    const value = input.value ?? 0;
    return {
      timestamp: input.timestamp,
      sampleCount: 1,
      sum: value,
      minimum: value,
      maximum: value,
      raw: undefined,
    };
  }
  const counts = input.counts;
  const values = input.values.flatMap((value, i) =>
    Array.from({ length: Math.max(1, counts?.[i] ?? 1) }, () => value),
  );
  return {
    timestamp: input.timestamp,
    sampleCount: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    minimum: Math.min(...values),
    maximum: Math.max(...values),
    raw: values,
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
