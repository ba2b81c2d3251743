/** The human views of the command line: the fleet table (`status`, `watch`) and a database's history. */
import type { RegistryItem } from '#domain/registry-item';
import type { StatusRow } from './status-model.ts';

const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const truncate = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  readonly cell: (row: StatusRow) => string;
}

const COLUMNS: readonly Column[] = [
  { title: 'migration', align: 'left', cell: (row) => row.migrationId },
  { title: 'database', align: 'left', cell: (row) => row.databaseId },
  { title: 'phase', align: 'left', cell: (row) => row.phase },
  { title: 'class', align: 'left', cell: (row) => row.instanceClass },
  {
    title: 'full load',
    align: 'right',
    cell: (row) => (row.fullLoadPercent === null ? '-' : `${Math.floor(row.fullLoadPercent)}%`),
  },
  { title: 'rows', align: 'right', cell: (row) => (row.rows === null ? '-' : thousands(row.rows)) },
  {
    title: 'CDC latency',
    align: 'right',
    cell: (row) => (row.cdcLatencySeconds === null ? '-' : `${row.cdcLatencySeconds.toFixed(1)} s`),
  },
  {
    title: 'slot WAL',
    align: 'right',
    cell: (row) => (row.slotWalRetainedBytes === null ? '-' : mebibytes(row.slotWalRetainedBytes)),
  },
  { title: 'cost', align: 'right', cell: (row) => `$${row.costUsd.toFixed(2)}` },
];

/** Below the table, one line per database with a resize or a failure to explain. */
const notes = (row: StatusRow, width: number): string[] =>
  [
    ...(row.lastResize
      ? [
          `  ${row.databaseId}: resized ${row.lastResize.fromClass} → ${row.lastResize.toClass} at ${row.lastResize.at}: ${row.lastResize.reason}`,
        ]
      : []),
    ...(row.failure
      ? [`  ${row.databaseId}: FAILED at ${row.failure.at}: ${row.failure.error}: ${row.failure.cause}`]
      : []),
  ].map((line) => truncate(line, width));

/** The fleet as an aligned table, with its notes below; `width` truncates the notes only. */
export const renderStatusTable = (rows: readonly StatusRow[], width = 160): string => {
  if (rows.length === 0) return 'no databases in the registry\n';
  const cells = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const widths = COLUMNS.map((column, index) =>
    Math.max(column.title.length, ...cells.map((line) => line[index]?.length ?? 0)),
  );
  const format = (values: readonly string[]) =>
    values
      .map((value, index) =>
        COLUMNS[index]?.align === 'right'
          ? value.padStart(widths[index] ?? 0)
          : value.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
  const lines = [
    format(COLUMNS.map((column) => column.title)),
    ...cells.map(format),
    `${rows.length} database${rows.length === 1 ? '' : 's'}, cost so far $${total.toFixed(2)} (on-demand, price table)`,
    ...rows.flatMap((row) => notes(row, width)),
  ];
  return `${lines.join('\n')}\n`;
};

/** Phases, resize decisions with the metrics behind them, and the failure, oldest first. */
export const renderHistory = (item: RegistryItem): string => {
  const lines = [
    `${item.migrationId}/${item.databaseId}: ${item.phase} on ${item.currentClass} (registered ${item.createdAt}, phase since ${item.phaseChangedAt})`,
  ];
  for (const entry of item.history) {
    const target = entry.targetClass ? ` → ${entry.targetClass}` : '';
    lines.push(
      `${entry.at}  ${entry.action}${target} (${entry.rule}, trigger ${entry.trigger.kind}): ${entry.reason}`,
    );
    for (const [signal, reading] of Object.entries(entry.metrics)) {
      if (!reading) continue;
      lines.push(
        `    ${signal}: latest ${reading.latest ?? '-'}, min ${reading.min ?? '-'}, max ${reading.max ?? '-'}, threshold ${reading.threshold}, ${reading.breaching}/${reading.samples} breaching over ${reading.windowMinutes} min${reading.fired ? ', fired' : ''}`,
      );
    }
  }
  if (item.failure) {
    lines.push(
      `${item.failure.at}  FAILED in ${item.failure.phase}: ${item.failure.error}: ${item.failure.cause}`,
    );
  }
  return `${lines.join('\n')}\n`;
};
