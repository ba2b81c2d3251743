/**
 * Live progress of the demo. Events (phase and class changes, full-load progress, CDC latency, what lakeshift acted
 * on, plain messages) fold into a state. On a TTY the table redrawn in place is the command line's `status`/`watch`
 * table of the fleet (given with `fleet`), with the last acted event per database below; otherwise each event is a
 * log line, or one JSON object per line with `--json`.
 */

import { renderStatusTable } from '#cli/render';
import type { StatusRow } from '#cli/status-model';
import type { Phase } from '#contracts/phases';
import { formatElapsed } from '#local/report/elapsed';

export type ProgressEvent =
  | { readonly type: 'message'; readonly at: number; readonly text: string }
  | { readonly type: 'phase'; readonly at: number; readonly databaseId: string; readonly phase: Phase }
  | {
      readonly type: 'class';
      readonly at: number;
      readonly databaseId: string;
      readonly instanceClass: string;
      readonly reason?: string;
    }
  | {
      readonly type: 'fullLoad';
      readonly at: number;
      readonly databaseId: string;
      readonly percent: number;
      readonly rows: number;
    }
  | {
      readonly type: 'cdc';
      readonly at: number;
      readonly databaseId: string;
      readonly latencySeconds: number;
    }
  | {
      readonly type: 'acted';
      readonly at: number;
      readonly databaseId: string;
      readonly kind: string;
      readonly text: string;
    };

export interface DatabaseProgress {
  readonly databaseId: string;
  readonly phase?: Phase;
  readonly instanceClass?: string;
  readonly fullLoadPercent: number;
  readonly rows: number;
  readonly cdcLatencySeconds?: number;
  /** The most recent events lakeshift acted on, newest last. */
  readonly acted: readonly string[];
}

export interface ProgressState {
  /** Emulated time of the first event: the origin of `+m:ss` times. */
  readonly startedAt: number;
  readonly now: number;
  readonly databases: readonly DatabaseProgress[];
}

const ACTED_KEPT = 3;

export const initialProgress = (startedAt: number, databaseIds: readonly string[]): ProgressState => ({
  startedAt,
  now: startedAt,
  databases: databaseIds.map((databaseId) => ({ databaseId, fullLoadPercent: 0, rows: 0, acted: [] })),
});

const updateDatabase = (
  state: ProgressState,
  databaseId: string,
  update: (database: DatabaseProgress) => DatabaseProgress,
): readonly DatabaseProgress[] => {
  const known = state.databases.some((database) => database.databaseId === databaseId);
  const databases = known
    ? state.databases
    : [...state.databases, { databaseId, fullLoadPercent: 0, rows: 0, acted: [] }];
  return databases.map((database) => (database.databaseId === databaseId ? update(database) : database));
};

/** Folds one event into the state (pure). */
export const applyProgressEvent = (state: ProgressState, event: ProgressEvent): ProgressState => {
  const now = Math.max(state.now, event.at);
  switch (event.type) {
    case 'message':
      return { ...state, now };
    case 'phase':
      return {
        ...state,
        now,
        databases: updateDatabase(state, event.databaseId, (d) => ({ ...d, phase: event.phase })),
      };
    case 'class':
      return {
        ...state,
        now,
        databases: updateDatabase(state, event.databaseId, (d) => ({
          ...d,
          instanceClass: event.instanceClass,
        })),
      };
    case 'fullLoad':
      return {
        ...state,
        now,
        databases: updateDatabase(state, event.databaseId, (d) => ({
          ...d,
          fullLoadPercent: Math.min(100, Math.max(0, event.percent)),
          rows: event.rows,
        })),
      };
    case 'cdc':
      return {
        ...state,
        now,
        databases: updateDatabase(state, event.databaseId, (d) => ({
          ...d,
          cdcLatencySeconds: event.latencySeconds,
        })),
      };
    case 'acted':
      return {
        ...state,
        now,
        databases: updateDatabase(state, event.databaseId, (d) => ({
          ...d,
          acted: [...d.acted, `${event.kind}: ${event.text}`].slice(-ACTED_KEPT),
        })),
      };
  }
};

const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

const truncate = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

/**
 * The table shown on a TTY: a header with the emulated time, the fleet as `lakeshift status` and `watch` render it
 * (the command line's own renderer, from the rows the command line reads), and below it the last event lakeshift
 * acted on per database.
 */
export const renderProgressTable = (
  state: ProgressState,
  fleet: readonly StatusRow[],
  width = 120,
): string[] => [
  `lakeshift demo  +${formatElapsed(state.now - state.startedAt)} emulated`,
  ...renderStatusTable(fleet, width).trimEnd().split('\n'),
  ...state.databases.flatMap((database) => {
    const last = database.acted.at(-1);
    return last === undefined ? [] : [truncate(`  ${database.databaseId} ↳ ${last}`, width)];
  }),
];

/**
 * A log line for an event, or undefined when the event is not worth a line: full-load progress is logged each time
 * it crosses a tenth, CDC latency not at all (the table and the report show it).
 */
export const renderLogLine = (before: ProgressState, event: ProgressEvent): string | undefined => {
  const time = `+${formatElapsed(event.at - before.startedAt)}`;
  switch (event.type) {
    case 'message':
      return `${time} ${event.text}`;
    case 'phase':
      return `${time} ${event.databaseId}: phase ${event.phase}`;
    case 'class':
      return `${time} ${event.databaseId}: instance class ${event.instanceClass}${event.reason ? ` (${event.reason})` : ''}`;
    case 'fullLoad': {
      const previous = before.databases.find((database) => database.databaseId === event.databaseId);
      const crossed = Math.floor(event.percent / 10) > Math.floor((previous?.fullLoadPercent ?? 0) / 10);
      return crossed || (event.percent >= 100 && (previous?.fullLoadPercent ?? 0) < 100)
        ? `${time} ${event.databaseId}: full load ${Math.floor(event.percent)}% (${thousands(event.rows)} rows)`
        : undefined;
    }
    case 'cdc':
      return undefined;
    case 'acted':
      return `${time} ${event.databaseId}: acted on ${event.kind}: ${event.text}`;
  }
};

/** One JSON object per line; `at` as an ISO timestamp of emulated time, `elapsedMs` since the start. */
export const renderJsonLine = (state: ProgressState, event: ProgressEvent): string =>
  JSON.stringify({ ...event, at: new Date(event.at).toISOString(), elapsedMs: event.at - state.startedAt });

export type ProgressMode = 'tty' | 'log' | 'json';

export interface ProgressOutput {
  write(text: string): unknown;
}

export interface ProgressReporter {
  emit(event: ProgressEvent): void;
  /** The fleet as the command line reads it; the TTY table shows it (redrawn at once). */
  fleet(rows: readonly StatusRow[]): void;
  /** Draws the final table (TTY) so that later output starts below it. */
  finish(): void;
  state(): ProgressState;
}

/**
 * Writes progress in the chosen mode. On a TTY the table is redrawn in place at most every `redrawEveryMs` of
 * `wallNow()` (a wall clock; injectable for tests), and messages scroll above it.
 */
export const createProgressReporter = (options: {
  readonly mode: ProgressMode;
  readonly out: ProgressOutput;
  readonly startedAt: number;
  readonly databaseIds: readonly string[];
  readonly width?: number;
  readonly redrawEveryMs?: number;
  readonly wallNow?: () => number;
}): ProgressReporter => {
  let state = initialProgress(options.startedAt, options.databaseIds);
  let fleet: readonly StatusRow[] = [];
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  const wallNow = options.wallNow ?? Date.now;
  const redrawEveryMs = options.redrawEveryMs ?? 200;

  const erase = () => {
    // Cursor up to the table's first line, then clear to the end of the screen.
    if (drawnLines > 0) options.out.write(`\x1b[${drawnLines}F\x1b[0J`);
    drawnLines = 0;
  };
  const draw = () => {
    const lines = renderProgressTable(state, fleet, options.width);
    options.out.write(`${lines.join('\n')}\n`);
    drawnLines = lines.length;
    lastDraw = wallNow();
  };

  return {
    emit: (event) => {
      const before = state;
      state = applyProgressEvent(state, event);
      if (options.mode === 'json') {
        options.out.write(`${renderJsonLine(state, event)}\n`);
      } else if (options.mode === 'log') {
        const line = renderLogLine(before, event);
        if (line !== undefined) options.out.write(`${line}\n`);
      } else if (event.type === 'message') {
        erase();
        options.out.write(`${renderLogLine(before, event)}\n`);
        draw();
      } else if (wallNow() - lastDraw >= redrawEveryMs) {
        erase();
        draw();
      }
    },
    fleet: (rows) => {
      fleet = rows;
      if (options.mode !== 'tty') return;
      erase();
      draw();
    },
    finish: () => {
      if (options.mode !== 'tty') return;
      erase();
      draw();
    },
    state: () => state,
  };
};
