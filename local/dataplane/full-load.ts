/**
 * Full load: each selected table is copied out of PostgreSQL with `COPY … TO STDOUT (FORMAT csv)` (large tables as
 * two ctid ranges read in parallel, like a DMS parallel load), converted to Parquet by DuckDB, and published as
 * `LOAD0000000n.parquet` files split by MaxFileSize. Up to MaxFullLoadSubTasks tables load at once. When the slot
 * was created with an exported snapshot, every table is read in that snapshot.
 */
import { mkdir, open, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { LOB_TRUNCATION_MARKER } from './column-types.ts';
import { LobTruncationError, messageOf, TaskFailure } from './errors.ts';
import {
  highestLoadCounter,
  loadFileName,
  PARQUET_EXTENSION,
  prepareTableDirectory,
  publishFile,
  tableDirectory,
  temporaryPath,
} from './lake.ts';
import { type LeadingColumn, OP_COLUMN, outputColumns } from './output-columns.ts';
import type { RunContext } from './run-context.ts';
import type { DataPlaneSettings } from './settings.ts';
import { connectSource, qualifiedName, quoteIdent } from './source.ts';
import { type TablePlan, tableKey } from './table-plan.ts';
import { timestampColumnText } from './timestamps.ts';

export interface FullLoadOptions extends RunContext {
  /** Exported snapshot of the slot's creation; absent on a resumed load. */
  readonly snapshotName?: string;
  /** Epoch ms the task started (UseTaskStartTimeForFullLoadTimestamp). */
  readonly taskStartMs: number;
  /** Tables loaded before by this task: their state reads `Table is being reloaded`. */
  readonly reloading: ReadonlySet<string>;
  /** Tables at least this large are read as two ranges in parallel. */
  readonly parallelSegmentBytes: number;
  /** Called once a table's files are published (checkpointing). */
  tableLoaded(plan: TablePlan, rows: number): void;
}

/** Rows between progress reports while a table is being copied. */
const PROGRESS_EVERY_ROWS = 50_000;
const WRITE_BATCH_BYTES = 1 << 20;

/** Loads every table; the first table error fails the task after the running tables stop. */
export const runFullLoad = async (plans: readonly TablePlan[], options: FullLoadOptions): Promise<void> => {
  const queue = [...plans];
  let failure: unknown;
  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan && failure === undefined; plan = queue.shift()) {
      if (options.signal.aborted) return;
      try {
        const rows = await loadTable(plan, options);
        options.tableLoaded(plan, rows);
      } catch (error) {
        if (options.signal.aborted) return;
        options.stats.loadFailed(plan.source);
        failure ??= tableFailure(plan, error);
      }
    }
  };
  const workers = Math.min(options.settings.fullLoad.maxFullLoadSubTasks, Math.max(plans.length, 1));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
};

const tableFailure = (plan: TablePlan, error: unknown): TaskFailure => {
  if (error instanceof TaskFailure) return error;
  const message = messageOf(error);
  const lobTruncated = error instanceof LobTruncationError || message.includes(LOB_TRUNCATION_MARKER);
  return new TaskFailure(
    `Failed to load table ${qualifiedName(plan.source.schema, plan.source.table)}: ${message}`,
    // A LOB truncation repeats on every retry; a connection problem may not.
    lobTruncated ? 'FATAL_ERROR' : 'RECOVERABLE_ERROR',
    { cause: error },
  );
};

const loadTable = async (plan: TablePlan, options: FullLoadOptions): Promise<number> => {
  const { settings, stats, clock } = options;
  const key = tableKey(plan.source);
  stats.loadStarted(plan.source, options.reloading.has(key));
  const directory = tableDirectory(options.lakeDir, settings.target, plan.target);
  await prepareTableDirectory(directory, settings.fullLoad.targetTablePrepMode);
  const csvFiles = await copySegments(plan, options);
  const staging = temporaryPath(directory, 'load');
  try {
    const transferMs = settings.target.useTaskStartTimeForFullLoadTimestamp
      ? options.taskStartMs
      : clock.now();
    const leading: LeadingColumn[] = [
      ...(settings.target.includeOpForFullLoad ? [{ name: OP_COLUMN, value: { constant: 'I' } }] : []),
      ...(settings.target.timestampColumnName
        ? [
            {
              name: settings.target.timestampColumnName,
              value: { constant: timestampColumnText(transferMs) },
            },
          ]
        : []),
    ];
    const rows = await options.writer.convert(
      {
        csvFiles,
        csvColumnCount: plan.columns.length,
        columns: outputColumns(plan, leading, 0),
        output: {
          kind: 'split',
          directory: staging,
          maxFileBytes: options.choices.maxFileSizeSplitsParquetLoad
            ? settings.target.maxFileSizeKb * 1024
            : Number.MAX_SAFE_INTEGER,
        },
        format: settings.target,
      },
      options.signal,
    );
    const bytesWritten = rows > 0 ? await publishLoadFiles(staging, directory, settings) : 0;
    options.reportSample({ rowsRead: 0, bytesWritten, rowsBuffered: 0, bytesBuffered: 0 });
    stats.loadFinished(plan.source, rows);
    return rows;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await Promise.all(csvFiles.map((file) => rm(file, { force: true })));
    // DMS creates a table folder only for tables that are not empty; a folder with files stays.
    await rmdir(directory).catch(() => undefined);
  }
};

/** Moves DuckDB's `part<i>.parquet` files to their LOAD names, in order; returns the bytes published. */
const publishLoadFiles = async (
  staging: string,
  directory: string,
  settings: DataPlaneSettings,
): Promise<number> => {
  const parts = (await readdir(staging))
    .filter((name) => name.endsWith(PARQUET_EXTENSION))
    .map((name) => ({ name, index: Number(/(\d+)/.exec(name)?.[1] ?? 0) }))
    .sort((a, b) => a.index - b.index);
  // DO_NOTHING keeps earlier files, so numbering continues after them rather than overwriting.
  let counter =
    settings.fullLoad.targetTablePrepMode === 'DO_NOTHING' ? await highestLoadCounter(directory) : 0;
  let bytes = 0;
  for (const part of parts) {
    counter += 1;
    const from = join(staging, part.name);
    bytes += (await stat(from)).size;
    await publishFile(from, join(directory, loadFileName(counter)));
  }
  return bytes;
};

interface Segment {
  readonly where: string;
  readonly file: string;
}

/** PostgreSQL's default page size; a server built with another only makes the two ranges uneven, never wrong. */
const BLOCK_SIZE = 8192;

const segmentsOf = (plan: TablePlan, options: FullLoadOptions): Segment[] => {
  const base = join(options.workDir, `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  if (plan.sizeBytes < options.parallelSegmentBytes) return [{ where: '', file: `${base}-0.csv` }];
  const middle = Math.ceil(plan.sizeBytes / BLOCK_SIZE / 2);
  return [
    { where: ` WHERE ctid < '(${middle},0)'::tid`, file: `${base}-0.csv` },
    { where: ` WHERE ctid >= '(${middle},0)'::tid`, file: `${base}-1.csv` },
  ];
};

const copySegments = async (plan: TablePlan, options: FullLoadOptions): Promise<string[]> => {
  await mkdir(options.workDir, { recursive: true });
  const columns = plan.columns.map((column) => quoteIdent(column.source)).join(', ');
  const from = qualifiedName(plan.source.schema, plan.source.table);
  let copied = 0;
  let reported = 0;
  const progress = (rows: number) => {
    copied += rows;
    if (copied - reported < PROGRESS_EVERY_ROWS) return;
    options.reportSample({ rowsRead: copied - reported, bytesWritten: 0, rowsBuffered: 0, bytesBuffered: 0 });
    options.stats.loadProgress(plan.source, copied);
    reported = copied;
  };
  const segments = segmentsOf(plan, options);
  try {
    await Promise.all(
      segments.map((segment) =>
        copySegment(
          options,
          `COPY (SELECT ${columns} FROM ${from}${segment.where}) TO STDOUT WITH (FORMAT csv, NULL '\\N')`,
          segment.file,
          progress,
        ),
      ),
    );
  } catch (error) {
    await Promise.all(segments.map((segment) => rm(segment.file, { force: true })));
    throw error;
  }
  if (copied > reported) {
    options.reportSample({ rowsRead: copied - reported, bytesWritten: 0, rowsBuffered: 0, bytesBuffered: 0 });
  }
  return segments.map((segment) => segment.file);
};

const copySegment = async (
  options: FullLoadOptions,
  sql: string,
  file: string,
  progress: (rows: number) => void,
): Promise<void> => {
  const client = await connectSource(options.source);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (options.snapshotName) await client.query(`SET TRANSACTION SNAPSHOT '${options.snapshotName}'`);
    await pipeline(client.query(copyTo(sql)), await batchedFileSink(file, progress), {
      signal: options.signal,
    });
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
};

const NEWLINE = 0x0a;

const countNewlines = (chunk: Buffer): number => {
  let count = 0;
  for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) count++;
  return count;
};

/**
 * COPY delivers one small chunk per row; writing them one by one halves throughput, so chunks are gathered into
 * 1 MiB writes. Rows are counted by line ends for progress (a value with a newline inside counts twice, which only
 * makes progress reports run slightly ahead; the final count comes from the Parquet writer).
 */
const batchedFileSink = async (path: string, progress: (rows: number) => void): Promise<Writable> => {
  const handle = await open(path, 'w');
  let parts: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const buffer = Buffer.concat(parts, size);
    parts = [];
    size = 0;
    await handle.write(buffer);
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      size += chunk.length;
      progress(countNewlines(chunk));
      if (size < WRITE_BATCH_BYTES) return callback();
      flush().then(() => callback(), callback);
    },
    final(callback) {
      flush()
        .then(() => handle.close())
        .then(() => callback(), callback);
    },
    destroy(error, callback) {
      handle.close().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
};
