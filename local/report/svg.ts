/**
 * One inline SVG per database: a shared time axis with stacked panels for the phase, the instance class, CPU,
 * freeable memory (against the class's memory) and CDC latency, with the events lakeshift acted on as markers.
 * Plain strings, no library, no external asset.
 */
import { INSTANCE_CLASSES, isInstanceClass } from '#domain/instance-classes';
import { formatElapsed } from './elapsed.ts';
import { escapeHtml } from './escape.ts';
import type { DatabaseTimeline, TimePoint } from './model.ts';

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 16;
const BAND_HEIGHT = 24;
const CHART_HEIGHT = 80;
const GAP = 12;
const AXIS_HEIGHT = 26;
const GIB = 1024 ** 3;

export const PHASE_COLOURS: Readonly<Record<string, string>> = {
  REQUESTED: '#cbd5e1',
  PROVISIONING: '#94a3b8',
  FULL_LOAD: '#3b82f6',
  STEPPING_DOWN: '#f59e0b',
  CDC: '#10b981',
  RESIZING: '#8b5cf6',
  STOPPED: '#64748b',
  FAILED: '#ef4444',
  TEARING_DOWN: '#a1a1aa',
  DELETED: '#e4e4e7',
};

const CLASS_PALETTE = ['#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be123c', '#4d7c0f'];

interface Span {
  readonly from: number;
  readonly to: number;
}

interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly colour: string;
}

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

const xScale = (span: Span) => {
  const width = WIDTH - LEFT - RIGHT;
  const length = Math.max(1, span.to - span.from);
  return (at: number): number =>
    LEFT + (Math.min(Math.max(at, span.from), span.to) - span.from) * (width / length);
};

/** Consecutive changes become bands that last until the next change (the last one until `end`). */
export const bandsOf = <T extends { readonly at: number }>(
  changes: readonly T[],
  end: number,
  describe: (change: T, index: number) => { label: string; colour: string },
): Band[] =>
  changes.map((change, index) => ({
    from: change.at,
    to: changes[index + 1]?.at ?? end,
    ...describe(change, index),
  }));

const bandRow = (bands: readonly Band[], y: number, x: (at: number) => number, title: string): string => {
  const rects = bands
    .map((band) => {
      const x0 = x(band.from);
      const width = Math.max(0, x(band.to) - x0);
      // A label only where it fits (about 6.5 px per character at 11 px).
      const text =
        width > band.label.length * 6.5 + 8
          ? `<text x="${fmt(x0 + 4)}" y="${fmt(y + 16)}" class="band-label">${escapeHtml(band.label)}</text>`
          : '';
      return `<rect x="${fmt(x0)}" y="${y}" width="${fmt(width)}" height="${BAND_HEIGHT}" fill="${band.colour}"><title>${escapeHtml(band.label)}</title></rect>${text}`;
    })
    .join('');
  return `<text x="8" y="${y + 16}" class="row-label">${escapeHtml(title)}</text>${rects}`;
};

/**
 * Runs of points without a gap: a metric that is not published for a while (a stopped task publishes no task
 * metrics) is drawn as a break, not as a straight line across the silence. A gap is three times the usual spacing.
 */
export const splitAtGaps = (points: readonly TimePoint[]): TimePoint[][] => {
  const spacings = points
    .slice(1)
    .map((point, index) => point.at - (points[index]?.at ?? point.at))
    .sort((a, b) => a - b);
  const usual = spacings[Math.floor(spacings.length / 2)] ?? 0;
  const runs: TimePoint[][] = [];
  points.forEach((point, index) => {
    const previous = points[index - 1];
    const run = runs.at(-1);
    if (run && previous && point.at - previous.at <= 3 * usual) run.push(point);
    else runs.push([point]);
  });
  return runs;
};

const lineChart = (
  points: readonly TimePoint[],
  y: number,
  x: (at: number) => number,
  options: { title: string; unit: string; max: number; colour: string; extra?: string },
): string => {
  const yOf = (value: number) =>
    y + CHART_HEIGHT - (Math.min(value, options.max) / options.max) * CHART_HEIGHT;
  const frame = `<rect x="${LEFT}" y="${y}" width="${WIDTH - LEFT - RIGHT}" height="${CHART_HEIGHT}" class="frame"/>`;
  const labels = `<text x="8" y="${y + 14}" class="row-label">${escapeHtml(options.title)}</text>
    <text x="${LEFT + 4}" y="${y + 11}" class="tick">${escapeHtml(`${fmt(options.max)} ${options.unit}`)}</text>
    <text x="${LEFT - 4}" y="${y + CHART_HEIGHT}" class="tick" text-anchor="end">0</text>`;
  const line =
    points.length === 0
      ? `<text x="${LEFT + 8}" y="${y + CHART_HEIGHT / 2}" class="tick">no data</text>`
      : splitAtGaps(points)
          .map(
            (run) =>
              `<polyline fill="none" stroke="${options.colour}" stroke-width="1.5" points="${run
                .map((point) => `${fmt(x(point.at))},${fmt(yOf(point.value))}`)
                .join(' ')}"/>`,
          )
          .join('');
  return `${frame}${labels}${options.extra ?? ''}${line}`;
};

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `floor`. */
export const niceMax = (value: number, floor = 1): number => {
  const target = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(target));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= target) ?? 10;
  return step * power;
};

const memoryGiB = (instanceClass: string): number | undefined =>
  isInstanceClass(instanceClass) ? INSTANCE_CLASSES[instanceClass].memoryGiB : undefined;

const SECOND = 1000;
const TICK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map((seconds) => seconds * SECOND);

/** Round tick offsets from the start (every 5, 10, 15 or 30 minutes...): at most `maxTicks` intervals. */
export const tickOffsets = (lengthMs: number, maxTicks = 8): number[] => {
  const step =
    TICK_STEPS.find((candidate) => lengthMs / candidate <= maxTicks) ?? Math.ceil(lengthMs / maxTicks);
  return Array.from({ length: Math.floor(lengthMs / step) + 1 }, (_, index) => index * step);
};

const axis = (span: Span, y: number, x: (at: number) => number): string =>
  tickOffsets(span.to - span.from)
    .map((offset, index) => {
      const at = span.from + offset;
      const anchor = index === 0 ? 'start' : 'middle';
      return `<line x1="${fmt(x(at))}" x2="${fmt(x(at))}" y1="${y - 4}" y2="${y}" class="axis"/><text x="${fmt(x(at))}" y="${y + 14}" class="tick" text-anchor="${anchor}">+${formatElapsed(offset)}</text>`;
    })
    .join('');

/** The timeline chart of one database between `span.from` and `span.to` (emulated epoch ms). */
export const databaseChart = (database: DatabaseTimeline, span: Span): string => {
  const x = xScale(span);
  const classColour = new Map<string, string>();
  for (const change of database.classes) {
    if (!classColour.has(change.instanceClass)) {
      classColour.set(
        change.instanceClass,
        CLASS_PALETTE[classColour.size % CLASS_PALETTE.length] ?? '#1d4ed8',
      );
    }
  }
  const phaseBands = bandsOf(database.phases, span.to, (change) => ({
    label: change.phase,
    colour: PHASE_COLOURS[change.phase] ?? '#cbd5e1',
  }));
  const classBands = bandsOf(database.classes, database.endedAt, (change) => ({
    label: change.instanceClass,
    colour: classColour.get(change.instanceClass) ?? '#1d4ed8',
  }));

  let y = 8;
  const parts: string[] = [];
  parts.push(bandRow(phaseBands, y, x, 'phase'));
  y += BAND_HEIGHT + GAP / 2;
  parts.push(bandRow(classBands, y, x, 'instance class'));
  y += BAND_HEIGHT + GAP;
  const chartsTop = y;

  parts.push(
    lineChart(database.metrics.cpuPercent, y, x, { title: 'CPU', unit: '%', max: 100, colour: '#dc2626' }),
  );
  y += CHART_HEIGHT + GAP;

  const memory = database.metrics.freeableMemoryBytes.map((point) => ({
    at: point.at,
    value: point.value / GIB,
  }));
  const classMemory = database.classes.map((change) => ({
    at: change.at,
    value: memoryGiB(change.instanceClass) ?? 0,
  }));
  const memoryMax = niceMax(
    Math.max(0, ...memory.map((point) => point.value), ...classMemory.map((p) => p.value)),
  );
  const memoryY = y;
  const capacity = bandsOf(classMemory, database.endedAt, () => ({ label: '', colour: '' }))
    .map((band, index) => {
      const value = classMemory[index]?.value ?? 0;
      const yy = memoryY + CHART_HEIGHT - (value / memoryMax) * CHART_HEIGHT;
      return `<line x1="${fmt(x(band.from))}" x2="${fmt(x(band.to))}" y1="${fmt(yy)}" y2="${fmt(yy)}" class="capacity"/>`;
    })
    .join('');
  parts.push(
    lineChart(memory, y, x, {
      title: 'freeable memory',
      unit: 'GiB',
      max: memoryMax,
      colour: '#2563eb',
      extra: capacity,
    }),
  );
  y += CHART_HEIGHT + GAP;

  const latencyMax = niceMax(Math.max(0, ...database.metrics.cdcLatencySeconds.map((point) => point.value)));
  parts.push(
    lineChart(database.metrics.cdcLatencySeconds, y, x, {
      title: 'CDC latency',
      unit: 's',
      max: latencyMax,
      colour: '#9333ea',
    }),
  );
  y += CHART_HEIGHT + 6;

  const markers = database.events
    .map(
      (event) =>
        `<line x1="${fmt(x(event.at))}" x2="${fmt(x(event.at))}" y1="${chartsTop}" y2="${y - 6}" class="event"><title>${escapeHtml(`+${formatElapsed(event.at - span.from)} ${event.kind}: ${event.text}`)}</title></line>`,
    )
    .join('');
  parts.push(markers, axis(span, y + 4, x));
  const height = y + AXIS_HEIGHT;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(`timeline of ${database.databaseId}`)}" data-database="${escapeHtml(database.databaseId)}">${parts.join('')}</svg>`;
};
