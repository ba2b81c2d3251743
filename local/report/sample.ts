/**
 * A plausible two-database run: test data for the report, and what `tsx local/report/write-sample.ts <folder>`
 * renders to look at the report without running the demo.
 */
import { DEFAULT_FULL_LOAD_CLASS } from '#domain/instance-classes';
import type { TableVerification } from '#local/verify/verify';
import type { DatabaseTimeline, DemoTimeline, TimePoint } from './model.ts';

const MINUTE = 60_000;
const GIB = 1024 ** 3;
export const SAMPLE_START = Date.UTC(2026, 0, 1, 9, 0, 0);

/** A smooth, deterministic series: `shape(minute)` sampled every minute from `from` to `to` (minutes). */
const series = (from: number, to: number, shape: (minute: number) => number): TimePoint[] =>
  Array.from({ length: to - from + 1 }, (_, index) => ({
    at: SAMPLE_START + (from + index) * MINUTE,
    value: shape(from + index),
  }));

const at = (minute: number) => SAMPLE_START + minute * MINUTE;

const orders: DatabaseTimeline = {
  databaseId: 'orders',
  description: 'orders: 3 tables, 1,000,000 rows in order_lines',
  phases: [
    { at: at(0), phase: 'REQUESTED' },
    { at: at(0.2), phase: 'PROVISIONING' },
    { at: at(10), phase: 'FULL_LOAD' },
    { at: at(42), phase: 'STEPPING_DOWN' },
    { at: at(52), phase: 'CDC' },
    { at: at(80), phase: 'RESIZING' },
    { at: at(88), phase: 'CDC' },
    { at: at(130), phase: 'RESIZING' },
    { at: at(138), phase: 'CDC' },
  ],
  classes: [
    { at: at(0.2), instanceClass: DEFAULT_FULL_LOAD_CLASS, reason: 'full-load class' },
    { at: at(44), instanceClass: 'dms.r5.large', reason: 'step down after full load (one rung below)' },
    { at: at(82), instanceClass: 'dms.r5.xlarge', reason: 'CPUUtilization above 80% for 3 periods' },
    { at: at(132), instanceClass: 'dms.r5.large', reason: 'quiet for 30 minutes' },
  ],
  metrics: {
    cpuPercent: series(10, 150, (m) =>
      m < 42 ? 55 + 10 * Math.sin(m / 3) : m < 52 ? 5 : m >= 72 && m < 84 ? 92 : 18 + 4 * Math.sin(m / 5),
    ),
    freeableMemoryBytes: series(10, 150, (m) =>
      m < 44 ? 22 * GIB : m >= 82 && m < 132 ? 26 * GIB : 11 * GIB,
    ),
    cdcLatencySeconds: series(52, 150, (m) =>
      m >= 72 && m < 86 ? 40 + (m - 72) * 3 : 2 + Math.abs(Math.sin(m)),
    ),
  },
  events: [
    {
      at: at(42),
      kind: 'DMS-EVENT-0079',
      text: 'task stopped after cached changes (STOPPED_AFTER_CACHED_EVENTS)',
    },
    { at: at(44), kind: 'resize', text: 'step down dms.r5.xlarge → dms.r5.large' },
    { at: at(80), kind: 'alarm', text: 'lakeshift-orders-cpu-high in ALARM' },
    { at: at(130), kind: 'alarm', text: 'lakeshift-orders-quiet in ALARM' },
  ],
  endedAt: at(150),
};

const typesDb: DatabaseTimeline = {
  databaseId: 'awkward-types',
  description: 'awkward types: every PostgreSQL type DMS maps, NULLs, unicode, a table without a primary key',
  phases: [
    { at: at(0), phase: 'REQUESTED' },
    { at: at(0.3), phase: 'PROVISIONING' },
    { at: at(10), phase: 'FULL_LOAD' },
    { at: at(14), phase: 'STEPPING_DOWN' },
    { at: at(24), phase: 'CDC' },
  ],
  classes: [
    { at: at(0.3), instanceClass: DEFAULT_FULL_LOAD_CLASS, reason: 'full-load class' },
    {
      at: at(16),
      instanceClass: 'dms.t3.medium',
      reason: 'auto: smallest rung covering the peak with headroom',
    },
  ],
  metrics: {
    cpuPercent: series(10, 150, (m) => (m < 14 ? 35 : 6 + 2 * Math.sin(m / 4))),
    freeableMemoryBytes: series(10, 150, (m) => (m < 16 ? 28 * GIB : 2.5 * GIB)),
    cdcLatencySeconds: series(24, 150, (m) => 1 + Math.abs(Math.sin(m / 2))),
  },
  events: [
    {
      at: at(14),
      kind: 'DMS-EVENT-0079',
      text: 'task stopped after cached changes (STOPPED_AFTER_CACHED_EVENTS)',
    },
    { at: at(16), kind: 'resize', text: 'step down dms.r5.xlarge → dms.t3.medium' },
  ],
  endedAt: at(150),
};

export const sampleTimeline = (): DemoTimeline => ({
  migrationId: 'demo-2026-01-01',
  startedAt: SAMPLE_START,
  endedAt: at(150),
  clockSpeed: 60,
  databases: [orders, typesDb],
});

const digest = (rowCount: number, seed: number) => ({
  rowCount,
  sumHigh: String(1_000_003 * seed + rowCount),
  sumLow: String(7_777_777 * seed),
});

export const sampleVerification = (): TableVerification[] => [
  {
    database: 'orders',
    schema: 'public',
    table: 'customers',
    status: 'equal',
    source: digest(5_000, 1),
    lake: digest(5_000, 1),
  },
  {
    database: 'orders',
    schema: 'public',
    table: 'order_lines',
    status: 'equal',
    source: digest(1_000_412, 2),
    lake: digest(1_000_412, 2),
  },
  {
    database: 'awkward-types',
    schema: 'public',
    table: 'everything',
    status: 'equal',
    source: digest(2_000, 3),
    lake: digest(2_000, 3),
  },
  {
    database: 'awkward-types',
    schema: 'public',
    table: 'no_primary_key',
    status: 'equal',
    source: digest(300, 4),
    lake: digest(300, 4),
  },
];
