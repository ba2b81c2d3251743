import { describe, expect, it } from 'vitest';
import type { StatusRow } from '#cli/status-model';
import {
  applyProgressEvent,
  createProgressReporter,
  initialProgress,
  type ProgressEvent,
  type ProgressState,
  renderJsonLine,
  renderLogLine,
  renderProgressTable,
} from '#local/demo/progress';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const S = 1000;

const fold = (events: readonly ProgressEvent[], ids = ['orders', 'types']): ProgressState =>
  events.reduce(applyProgressEvent, initialProgress(T0, ids));

const midRun: ProgressEvent[] = [
  { type: 'phase', at: T0 + 1 * S, databaseId: 'orders', phase: 'PROVISIONING' },
  { type: 'class', at: T0 + 1 * S, databaseId: 'orders', instanceClass: 'dms.r5.xlarge' },
  { type: 'phase', at: T0 + 600 * S, databaseId: 'orders', phase: 'FULL_LOAD' },
  { type: 'fullLoad', at: T0 + 900 * S, databaseId: 'orders', percent: 45.6, rows: 456_000 },
  { type: 'phase', at: T0 + 2 * S, databaseId: 'types', phase: 'CDC' },
  { type: 'class', at: T0 + 2 * S, databaseId: 'types', instanceClass: 'dms.t3.medium' },
  { type: 'fullLoad', at: T0 + 2 * S, databaseId: 'types', percent: 100, rows: 2_300 },
  { type: 'cdc', at: T0 + 905 * S, databaseId: 'types', latencySeconds: 2.25 },
  {
    type: 'acted',
    at: T0 + 300 * S,
    databaseId: 'types',
    kind: 'DMS-EVENT-0079',
    text: 'stopped after cached changes',
  },
];

describe('applyProgressEvent', () => {
  it('keeps per database the latest phase, class, full-load progress, latency and acted events', () => {
    // Act
    const state = fold(midRun);
    // Assess
    expect(state.now).toBe(T0 + 905 * S);
    expect(state.databases).toEqual([
      {
        databaseId: 'orders',
        phase: 'FULL_LOAD',
        instanceClass: 'dms.r5.xlarge',
        fullLoadPercent: 45.6,
        rows: 456_000,
        acted: [],
      },
      {
        databaseId: 'types',
        phase: 'CDC',
        instanceClass: 'dms.t3.medium',
        fullLoadPercent: 100,
        rows: 2_300,
        cdcLatencySeconds: 2.25,
        acted: ['DMS-EVENT-0079: stopped after cached changes'],
      },
    ]);
  });

  it('keeps only the last three acted events and adds databases it has not seen', () => {
    // Prepare
    const acted = [1, 2, 3, 4].map(
      (n): ProgressEvent => ({ type: 'acted', at: T0 + n, databaseId: 'late', kind: 'alarm', text: `#${n}` }),
    );
    // Act
    const state = fold(acted);
    // Assess
    expect(state.databases.map((database) => database.databaseId)).toEqual(['orders', 'types', 'late']);
    expect(state.databases[2]?.acted).toEqual(['alarm: #2', 'alarm: #3', 'alarm: #4']);
  });
});

/** The fleet as the command line reads it, mid-run. */
const fleetRow = (row: Partial<StatusRow> & Pick<StatusRow, 'databaseId' | 'phase'>): StatusRow => ({
  migrationId: 'demo',
  instanceClass: 'dms.r5.xlarge',
  fullLoadPercent: null,
  rows: null,
  cdcLatencySeconds: null,
  slotWalRetainedBytes: null,
  lastResize: null,
  failure: null,
  costUsd: 0,
  ...row,
});

const midRunFleet: StatusRow[] = [
  fleetRow({ databaseId: 'orders', phase: 'FULL_LOAD', fullLoadPercent: 45.6, rows: 456_000, costUsd: 1.5 }),
  fleetRow({
    databaseId: 'types',
    phase: 'CDC',
    instanceClass: 'dms.t3.medium',
    fullLoadPercent: 100,
    rows: 2_300,
    cdcLatencySeconds: 2.25,
    costUsd: 0.25,
    lastResize: {
      at: '2026-01-01T09:05:00.000Z',
      fromClass: 'dms.r5.xlarge',
      toClass: 'dms.t3.medium',
      reason: 'the full load is done',
    },
  }),
];

describe('renderProgressTable', () => {
  it("draws the fleet with the command line's status table, under the emulated time, and the last acted events", () => {
    // Act
    const lines = renderProgressTable(fold(midRun), midRunFleet, 200);
    // Assess
    expect(lines).toEqual([
      'lakeshift demo  +15:05 emulated',
      'migration  database  phase      class          full load     rows  CDC latency  slot WAL   cost',
      'demo       orders    FULL_LOAD  dms.r5.xlarge        45%  456,000            -         -  $1.50',
      'demo       types     CDC        dms.t3.medium       100%    2,300        2.3 s         -  $0.25',
      '2 databases, cost so far $1.75 (on-demand, price table)',
      '  types: resized dms.r5.xlarge → dms.t3.medium at 2026-01-01T09:05:00.000Z: the full load is done',
      '  types ↳ DMS-EVENT-0079: stopped after cached changes',
    ]);
  });

  it('says the registry holds nothing yet before the first database registers', () => {
    // Act
    const lines = renderProgressTable(fold([]), [], 120);
    // Assess
    expect(lines).toEqual(['lakeshift demo  +0:00 emulated', 'no databases in the registry']);
  });

  it('cuts the notes and acted events to the terminal width', () => {
    // Act
    const lines = renderProgressTable(fold(midRun), midRunFleet, 30);
    // Assess
    expect(lines.at(-2)).toBe('  types: resized dms.r5.xlarg…');
    expect(lines.at(-1)).toBe('  types ↳ DMS-EVENT-0079: sto…');
  });
});

describe('renderLogLine', () => {
  it('writes phase, class and acted events with the emulated time since the start', () => {
    // Prepare
    const state = fold([]);
    // Act / Assess
    expect(renderLogLine(state, { type: 'phase', at: T0 + 61 * S, databaseId: 'orders', phase: 'CDC' })).toBe(
      '+1:01 orders: phase CDC',
    );
    expect(
      renderLogLine(state, {
        type: 'class',
        at: T0 + 3723 * S,
        databaseId: 'orders',
        instanceClass: 'dms.r5.large',
        reason: 'step down after full load',
      }),
    ).toBe('+1:02:03 orders: instance class dms.r5.large (step down after full load)');
    expect(
      renderLogLine(state, { type: 'acted', at: T0, databaseId: 'orders', kind: 'alarm', text: 'cpu high' }),
    ).toBe('+0:00 orders: acted on alarm: cpu high');
  });

  it('logs full-load progress only when it crosses a tenth, and never CDC latency', () => {
    // Prepare
    const at40 = fold([{ type: 'fullLoad', at: T0, databaseId: 'orders', percent: 40, rows: 400 }]);
    const event = (percent: number): ProgressEvent => ({
      type: 'fullLoad',
      at: T0 + 10 * S,
      databaseId: 'orders',
      percent,
      rows: percent * 10,
    });
    // Act / Assess
    expect(renderLogLine(at40, event(49.9))).toBeUndefined();
    expect(renderLogLine(at40, event(50))).toBe('+0:10 orders: full load 50% (500 rows)');
    expect(
      renderLogLine(at40, { type: 'cdc', at: T0, databaseId: 'orders', latencySeconds: 1 }),
    ).toBeUndefined();
  });
});

describe('renderJsonLine', () => {
  it('writes the event as one JSON object with an ISO time and the elapsed milliseconds', () => {
    // Act
    const line = renderJsonLine(fold([]), {
      type: 'fullLoad',
      at: T0 + 1500,
      databaseId: 'orders',
      percent: 12.5,
      rows: 125,
    });
    // Assess
    expect(JSON.parse(line)).toEqual({
      type: 'fullLoad',
      at: '2026-01-01T09:00:01.500Z',
      elapsedMs: 1500,
      databaseId: 'orders',
      percent: 12.5,
      rows: 125,
    });
    expect(line).not.toContain('\n');
  });
});

describe('createProgressReporter', () => {
  const capture = () => {
    const chunks: string[] = [];
    return { chunks, out: { write: (text: string) => chunks.push(text) } };
  };

  it('prints log lines without cursor movement when stdout is not a TTY', () => {
    // Prepare
    const { chunks, out } = capture();
    const reporter = createProgressReporter({ mode: 'log', out, startedAt: T0, databaseIds: ['orders'] });
    // Act
    reporter.emit({ type: 'message', at: T0, text: 'starting PostgreSQL' });
    reporter.emit({ type: 'cdc', at: T0 + S, databaseId: 'orders', latencySeconds: 3 });
    reporter.emit({ type: 'phase', at: T0 + 2 * S, databaseId: 'orders', phase: 'FULL_LOAD' });
    reporter.finish();
    // Assess
    expect(chunks).toEqual(['+0:00 starting PostgreSQL\n', '+0:02 orders: phase FULL_LOAD\n']);
    expect(reporter.state().databases[0]?.cdcLatencySeconds).toBe(3);
  });

  it('prints one JSON object per event in json mode', () => {
    // Prepare
    const { chunks, out } = capture();
    const reporter = createProgressReporter({ mode: 'json', out, startedAt: T0, databaseIds: ['orders'] });
    // Act
    reporter.emit({ type: 'cdc', at: T0 + S, databaseId: 'orders', latencySeconds: 3 });
    reporter.emit({ type: 'phase', at: T0 + 2 * S, databaseId: 'orders', phase: 'CDC' });
    // Assess
    expect(chunks.map((chunk) => JSON.parse(chunk).type)).toEqual(['cdc', 'phase']);
  });

  it('redraws the table in place on a TTY, at most once per redraw interval, and at once for new fleet rows', () => {
    // Prepare
    const { chunks, out } = capture();
    let wall = 0;
    const reporter = createProgressReporter({
      mode: 'tty',
      out,
      startedAt: T0,
      databaseIds: ['orders'],
      redrawEveryMs: 200,
      wallNow: () => wall,
    });
    // Act
    reporter.emit({ type: 'phase', at: T0 + S, databaseId: 'orders', phase: 'PROVISIONING' });
    wall = 50;
    reporter.emit({ type: 'phase', at: T0 + 2 * S, databaseId: 'orders', phase: 'FULL_LOAD' });
    reporter.fleet([fleetRow({ databaseId: 'orders', phase: 'FULL_LOAD' })]);
    // Assess: a first draw (header, nothing registered), nothing at 50 ms, then the fleet at once.
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toBe('lakeshift demo  +0:01 emulated\nno databases in the registry\n');
    expect(chunks[1]).toBe('\x1b[2F\x1b[0J');
    expect(chunks[2]).toContain('demo       orders    FULL_LOAD  dms.r5.xlarge');
  });

  it('prints messages above the table on a TTY and redraws it below', () => {
    // Prepare
    const { chunks, out } = capture();
    const reporter = createProgressReporter({
      mode: 'tty',
      out,
      startedAt: T0,
      databaseIds: ['orders'],
      wallNow: () => 0,
    });
    reporter.fleet([fleetRow({ databaseId: 'orders', phase: 'PROVISIONING' })]);
    // Act
    reporter.emit({ type: 'message', at: T0 + S, text: 'alarm fired' });
    // Assess: the table is the header, the column titles, one row and the total.
    expect(chunks).toEqual([
      expect.stringContaining('demo       orders    PROVISIONING'),
      '\x1b[4F\x1b[0J',
      '+0:01 alarm fired\n',
      expect.stringContaining('demo       orders    PROVISIONING'),
    ]);
  });

  it('shows fleet rows only on a TTY', () => {
    // Prepare
    const { chunks, out } = capture();
    const reporter = createProgressReporter({ mode: 'log', out, startedAt: T0, databaseIds: ['orders'] });
    // Act
    reporter.fleet([fleetRow({ databaseId: 'orders', phase: 'CDC' })]);
    // Assess
    expect(chunks).toEqual([]);
  });
});
