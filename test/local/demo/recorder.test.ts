import { describe, expect, it } from 'vitest';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { type DatabaseObservation, TimelineRecorder } from '#local/demo/recorder';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const stepDown: ResizeHistoryEntry = {
  at: iso(T0 + 40 * MIN),
  fromClass: 'dms.r5.xlarge',
  action: 'step-down',
  targetClass: 'dms.t3.medium',
  rule: 'step-down-after-full-load',
  reason: 'auto: smallest rung covering the peak is dms.t3.medium',
  metrics: {},
  trigger: { kind: 'full-load-done' },
};
const stepUp: ResizeHistoryEntry = {
  at: iso(T0 + 70 * MIN),
  fromClass: 'dms.t3.medium',
  action: 'step-up',
  targetClass: 'dms.t3.large',
  rule: 'step-up',
  reason: 'cpu-high fired: CPUUtilization above 75% for 5 minutes',
  metrics: {},
  trigger: { kind: 'alarm', alarmName: 'lakeshift-demo-orders-cpu-high' },
};

const base: DatabaseObservation = {
  databaseId: 'orders',
  phase: 'PROVISIONING',
  phaseChangedAt: T0 + MIN,
  currentClass: 'dms.r5.xlarge',
  createdAt: T0,
  history: [],
};

describe('TimelineRecorder', () => {
  it('emits phase and class changes once, and the first class from the registration time', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    // Act
    const first = recorder.observe(base, T0 + 2 * MIN);
    const again = recorder.observe(base, T0 + 3 * MIN);
    const loading = recorder.observe(
      { ...base, phase: 'FULL_LOAD', phaseChangedAt: T0 + 12 * MIN, fullLoadPercent: 40, rows: 400_000 },
      T0 + 20 * MIN,
    );
    // Assess
    expect(first).toEqual([
      { type: 'phase', at: T0 + MIN, databaseId: 'orders', phase: 'PROVISIONING' },
      {
        type: 'class',
        at: T0,
        databaseId: 'orders',
        instanceClass: 'dms.r5.xlarge',
        reason: 'full-load class',
      },
    ]);
    expect(again).toEqual([]);
    expect(loading).toEqual([
      { type: 'phase', at: T0 + 12 * MIN, databaseId: 'orders', phase: 'FULL_LOAD' },
      { type: 'fullLoad', at: T0 + 20 * MIN, databaseId: 'orders', percent: 40, rows: 400_000 },
    ]);
  });

  it('records each resize decision once as an acted event and gives class changes their reason', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    recorder.observe(base, T0);
    const stepped = {
      ...base,
      phase: 'CDC' as const,
      phaseChangedAt: T0 + 52 * MIN,
      currentClass: 'dms.t3.medium',
      lastResizeAt: T0 + 50 * MIN,
      history: [stepDown],
    };
    // Act
    const events = recorder.observe(stepped, T0 + 53 * MIN);
    const repeated = recorder.observe(stepped, T0 + 54 * MIN);
    const upEvents = recorder.observe(
      { ...stepped, history: [stepDown, stepUp], currentClass: 'dms.t3.large', lastResizeAt: T0 + 80 * MIN },
      T0 + 81 * MIN,
    );
    // Assess
    expect(events).toContainEqual({
      type: 'acted',
      at: T0 + 40 * MIN,
      databaseId: 'orders',
      kind: 'DMS-EVENT-0079',
      text: 'task stopped after the full load and cached changes: step-down to dms.t3.medium (auto: smallest rung covering the peak is dms.t3.medium)',
    });
    expect(events).toContainEqual({
      type: 'class',
      at: T0 + 50 * MIN,
      databaseId: 'orders',
      instanceClass: 'dms.t3.medium',
      reason: 'auto: smallest rung covering the peak is dms.t3.medium',
    });
    expect(repeated).toEqual([]);
    expect(upEvents.map((event) => event.type)).toEqual(['acted', 'class']);
    expect(upEvents[0]).toMatchObject({
      kind: 'alarm',
      text: expect.stringContaining('lakeshift-demo-orders-cpu-high: step-up to dms.t3.large'),
    });
    expect(recorder.classes('orders').map((change) => change.instanceClass)).toEqual([
      'dms.r5.xlarge',
      'dms.t3.medium',
      'dms.t3.large',
    ]);
  });

  it('reports a failure once, and latency only when it changes', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    const failed = {
      ...base,
      phase: 'FAILED' as const,
      failure: { error: 'ReplicationTaskFailed', cause: 'boom', at: T0 + 5 * MIN },
    };
    // Act
    const events = recorder.observe({ ...failed, cdcLatencySeconds: 3 }, T0 + 6 * MIN);
    const later = recorder.observe({ ...failed, cdcLatencySeconds: 3 }, T0 + 7 * MIN);
    // Assess
    expect(events).toContainEqual({
      type: 'acted',
      at: T0 + 5 * MIN,
      databaseId: 'orders',
      kind: 'failure',
      text: 'ReplicationTaskFailed: boom',
    });
    expect(events).toContainEqual({ type: 'cdc', at: T0 + 6 * MIN, databaseId: 'orders', latencySeconds: 3 });
    expect(later).toEqual([]);
  });

  it('lists databases in the order of the descriptions', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    recorder.observe({ ...base, databaseId: 'zeta' }, T0);
    recorder.observe({ ...base, databaseId: 'alpha' }, T0);
    recorder.observe({ ...base, databaseId: 'extra' }, T0);
    // Act
    const timeline = recorder.timeline({
      migrationId: 'demo',
      endedAt: T0,
      metrics: new Map(),
      descriptions: new Map([
        ['alpha', 'a'],
        ['zeta', 'z'],
      ]),
    });
    // Assess
    expect(timeline.databases.map((database) => database.databaseId)).toEqual(['alpha', 'zeta', 'extra']);
  });

  it('assembles the timeline with the metrics and descriptions given', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    recorder.observe(base, T0);
    const cpu = [{ at: T0 + MIN, value: 12 }];
    // Act
    const timeline = recorder.timeline({
      migrationId: 'demo',
      endedAt: T0 + 90 * MIN,
      clockSpeed: 120,
      metrics: new Map([['orders', { cpuPercent: cpu, freeableMemoryBytes: [], cdcLatencySeconds: [] }]]),
      descriptions: new Map([['orders', 'orders: 10 rows']]),
    });
    // Assess
    expect(timeline).toEqual({
      migrationId: 'demo',
      startedAt: T0,
      endedAt: T0 + 90 * MIN,
      clockSpeed: 120,
      databases: [
        {
          databaseId: 'orders',
          description: 'orders: 10 rows',
          phases: [{ at: T0 + MIN, phase: 'PROVISIONING' }],
          classes: [{ at: T0, instanceClass: 'dms.r5.xlarge', reason: 'full-load class' }],
          metrics: { cpuPercent: cpu, freeableMemoryBytes: [], cdcLatencySeconds: [] },
          events: [],
          endedAt: T0 + 90 * MIN,
        },
      ],
    });
  });
  it('takes the timeline phases from the registry writes when given, so a phase shorter than a poll is kept', () => {
    // Prepare
    const recorder = new TimelineRecorder(T0);
    recorder.phaseWritten('orders', 'PROVISIONING', T0 + MIN);
    recorder.phaseWritten('orders', 'FULL_LOAD', T0 + 2 * MIN);
    recorder.phaseWritten('orders', 'STEPPING_DOWN', T0 + 3 * MIN);
    // Act: the poll sees PROVISIONING, then STEPPING_DOWN; FULL_LOAD fell between two polls
    const first = recorder.observe(base, T0 + MIN);
    const later = recorder.observe(
      { ...base, phase: 'STEPPING_DOWN', phaseChangedAt: T0 + 3 * MIN },
      T0 + 4 * MIN,
    );
    // Assess
    expect(recorder.phases('orders').map((change) => change.phase)).toEqual([
      'PROVISIONING',
      'FULL_LOAD',
      'STEPPING_DOWN',
    ]);
    expect(first.filter((event) => event.type === 'phase')).toHaveLength(1);
    expect(later.filter((event) => event.type === 'phase')).toEqual([
      { type: 'phase', at: T0 + 3 * MIN, databaseId: 'orders', phase: 'STEPPING_DOWN' },
    ]);
  });
});
