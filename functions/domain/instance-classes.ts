/**
 * DMS replication instance classes with their vCPU and memory (docs/dms-behaviour.md §9.1, AWS user guide,
 * June 2023).
 * `DescribeOrderableReplicationInstances` is authoritative per region; this catalogue is what lakeshift validates
 * requests against and what the `auto` step-down sizes with.
 */
export interface InstanceClassSpec {
  readonly vCpu: number;
  readonly memoryGiB: number;
  /** Burstable classes (t2/t3) run in unlimited mode: sustained CPU above baseline is billed extra. */
  readonly burstable: boolean;
}

const spec = (vCpu: number, memoryGiB: number, burstable = false): InstanceClassSpec => ({
  vCpu,
  memoryGiB,
  burstable,
});

export const INSTANCE_CLASSES = {
  'dms.t2.micro': spec(1, 1, true),
  'dms.t2.small': spec(1, 2, true),
  'dms.t2.medium': spec(2, 4, true),
  'dms.t2.large': spec(2, 8, true),
  'dms.t3.micro': spec(2, 1, true),
  'dms.t3.small': spec(2, 2, true),
  'dms.t3.medium': spec(2, 4, true),
  'dms.t3.large': spec(2, 8, true),
  'dms.c5.large': spec(2, 4),
  'dms.c5.xlarge': spec(4, 8),
  'dms.c5.2xlarge': spec(8, 16),
  'dms.c5.4xlarge': spec(16, 32),
  'dms.c5.9xlarge': spec(36, 72),
  'dms.c5.12xlarge': spec(48, 96),
  'dms.c5.18xlarge': spec(72, 144),
  'dms.c5.24xlarge': spec(96, 192),
  'dms.c6i.large': spec(2, 4),
  'dms.c6i.xlarge': spec(4, 8),
  'dms.c6i.2xlarge': spec(8, 16),
  'dms.c6i.4xlarge': spec(16, 32),
  'dms.c6i.8xlarge': spec(32, 64),
  'dms.c6i.12xlarge': spec(48, 96),
  'dms.c6i.16xlarge': spec(64, 128),
  'dms.c6i.24xlarge': spec(96, 192),
  'dms.c6i.32xlarge': spec(128, 256),
  'dms.r5.large': spec(2, 16),
  'dms.r5.xlarge': spec(4, 32),
  'dms.r5.2xlarge': spec(8, 64),
  'dms.r5.4xlarge': spec(16, 128),
  'dms.r5.8xlarge': spec(32, 256),
  'dms.r5.12xlarge': spec(48, 384),
  'dms.r5.16xlarge': spec(64, 512),
  'dms.r5.24xlarge': spec(96, 768),
  'dms.r6i.large': spec(2, 16),
  'dms.r6i.xlarge': spec(4, 32),
  'dms.r6i.2xlarge': spec(8, 64),
  'dms.r6i.4xlarge': spec(16, 128),
  'dms.r6i.8xlarge': spec(32, 256),
  'dms.r6i.12xlarge': spec(48, 384),
  'dms.r6i.16xlarge': spec(64, 512),
  'dms.r6i.24xlarge': spec(96, 768),
  'dms.r6i.32xlarge': spec(128, 1024),
} as const satisfies Record<string, InstanceClassSpec>;

export type InstanceClass = keyof typeof INSTANCE_CLASSES;

export const INSTANCE_CLASS_NAMES = Object.keys(INSTANCE_CLASSES) as InstanceClass[];

export const isInstanceClass = (value: string): value is InstanceClass =>
  Object.hasOwn(INSTANCE_CLASSES, value);

/** The class the full load runs on unless the request says otherwise. */
export const DEFAULT_FULL_LOAD_CLASS: InstanceClass = 'dms.r5.xlarge';

/**
 * The default ladder, smallest first: the rungs the resize policy moves along. Memory-optimised classes are the
 * DMS recommendation for CDC (transactions are held in memory); t3 rungs keep idle databases cheap.
 */
export const DEFAULT_LADDER: readonly InstanceClass[] = [
  'dms.t3.medium',
  'dms.t3.large',
  'dms.r5.large',
  'dms.r5.xlarge',
  'dms.r5.2xlarge',
  'dms.r5.4xlarge',
];
