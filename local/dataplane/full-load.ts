/**
 * Full load: each selected table is copied out of PostgreSQL with `COPY … TO STDOUT (FORMAT csv)` (large tables as
 * two ctid ranges read in parallel, like a DMS parallel load), converted to Parquet by DuckDB, and published as
 * `LOAD0000000n.parquet` files split by MaxFileSize. Up to MaxFullLoadSubTasks tables load at once. When the slot
 * was created with an exported snapshot, every table is read in that snapshot.
 */
import { mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import { LOB_TRUNCATION_MARKER } from './column-types.ts';
import { type CsvChunk, CsvChunkSink } from './copy-chunks.ts';
import { LobTruncationError, messageOf, TaskFailure } from './errors.ts';
import {
  firstLoadTreatment,
  highestLoadCounter,
  loadFileName,
  PARQUET_EXTENSION,
  prepareTableDirectory,
  publishFile,
  reloadTreatment,
  type TableFolderTreatment,
  tableDirectory,
  temporaryPath,
} from './lake.ts';
import { type LeadingColumn, type LeadingValue, OP_COLUMN, outputColumns } from './output-columns.ts';
import type { RunContext } from './run-context.ts';
import { connectSource, qualifiedName, quoteIdent } from './source.ts';
import { type TablePlan, tableKey } from './table-plan.ts';
import { timestampColumnText } from './timestamps.ts';

/** What loading one table needs besides the run's context. */
export interface TableLoadOptions extends RunContext {
  /** Exported snapshot of the slot's creation; absent on a resumed load and on a reload (a snapshot of its own). */
  readonly snapshotName?: string;
  /** Epoch ms the task started (UseTaskStartTimeForFullLoadTimestamp). */
  readonly taskStartMs: number;
  /** Tables at least this large are read as two ranges in parallel. */
  readonly parallelSegmentBytes: number;
  /** Bytes of COPY output per chunk: the granularity of the full load's transfer times. */
  readonly loadChunkBytes: number;
}

export interface FullLoadOptions extends TableLoadOptions {
  /** Tables loaded before by this task: their state reads `Table is being reloaded`. */
  readonly reloading: ReadonlySet<string>;
  /** Called once a table's files are published (checkpointing). */
  tableLoaded(plan: TablePlan, rows: number): void;
}

/** How one table is loaded: as part of the full load, or reloaded alone (ReloadTables). */
interface LoadStage {
  readonly reloading: boolean;
  readonly folder: TableFolderTreatment;
  /** After the folder is prepared, before the table is read. */
  readonly prepared?: () => Promise<void>;
  /** After the LOAD files are published, before the table is reported loaded. */
  readonly published?: () => Promise<void>;
}

/** Rows between progress reports while a table is being copied. */
const PROGRESS_EVERY_ROWS = 50_000;

/** Loads every table; the first table error fails the task after the running tables stop. */
export const runFullLoad = async (plans: readonly TablePlan[], options: FullLoadOptions): Promise<void> => {
  const queue = [...plans];
  let failure: unknown;
  const worker = async (): Promise<void> => {
    for (let plan = queue.shift(); plan && failure === undefined; plan = queue.shift()) {
      if (options.signal.aborted) return;
      try {
        const rows = await loadTable(plan, options, {
          reloading: options.reloading.has(tableKey(plan.source)),
          folder: firstLoadTreatment(options.settings.fullLoad.targetTablePrepMode),
        });
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

/** The hooks of a reload: where it may be held between its start and its completion. */
export interface ReloadHooks {
  /** The folder is prepared (emptied or kept) and the table not read yet. */
  readonly prepared: () => Promise<void>;
  /** The new LOAD files are published and the table not reported loaded yet. */
  readonly published: () => Promise<void>;
}

/**
 * Loads one table again while the task runs (ReloadTables): `Table is being reloaded`, the folder treated as the
 * run's reading of DMS says (choices.ts), the table read in a snapshot of its own, then `Table completed`.
 * Returns the rows loaded.
 */
export const reloadTable = (
  plan: TablePlan,
  options: TableLoadOptions,
  hooks: ReloadHooks,
): Promise<number> =>
  loadTable(plan, options, {
    reloading: true,
    folder: reloadTreatment(options.settings.fullLoad.targetTablePrepMode, options.choices.reloadTableFolder),
    ...hooks,
  }).catch((error: unknown) => {
    if (!options.signal.aborted) options.stats.loadFailed(plan.source);
    throw tableFailure(plan, error);
  });

const loadTable = async (plan: TablePlan, options: TableLoadOptions, stage: LoadStage): Promise<number> => {
  const { settings, stats } = options;
  stats.loadStarted(plan.source, stage.reloading);
  const directory = tableDirectory(options.lakeDir, settings.target, plan.target);
  await prepareTableDirectory(directory, stage.folder);
  await stage.prepared?.();
  const chunks = await copySegments(plan, options);
  const csvFiles = chunks.map((chunk) => chunk.file);
  const staging = temporaryPath(directory, 'load');
  try {
    // The transfer time of each chunk as it arrived (increasing), or the task start for every row.
    const transferTime: LeadingValue = settings.target.useTaskStartTimeForFullLoadTimestamp
      ? { constant: timestampColumnText(options.taskStartMs) }
      : { byFile: chunks.map((chunk) => [chunk.file, timestampColumnText(chunk.arrivedAt)] as const) };
    const leading: LeadingColumn[] = [
      ...(settings.target.includeOpForFullLoad ? [{ name: OP_COLUMN, value: { constant: 'I' } }] : []),
      ...(settings.target.timestampColumnName
        ? [{ name: settings.target.timestampColumnName, value: transferTime }]
        : []),
    ];
    await mkdir(staging, { recursive: true });
    let rows = 0;
    for (const [index, group] of groupChunks(chunks, loadFileLimit(options)).entries()) {
      rows += await options.writer.convert(
        {
          csvFiles: group.map((chunk) => chunk.file),
          withFilename: 'byFile' in transferTime && settings.target.timestampColumnName !== undefined,
          csvColumnCount: plan.columns.length,
          columns: outputColumns(plan, leading, 0),
          output: join(staging, `part${index}${PARQUET_EXTENSION}`),
          format: settings.target,
        },
        options.signal,
      );
    }
    const bytesWritten = rows > 0 ? await publishLoadFiles(staging, directory, stage.folder, options) : 0;
    options.reportSample({ rowsRead: 0, bytesWritten, rowsBuffered: 0, bytesBuffered: 0 });
    await stage.published?.();
    stats.loadFinished(plan.source, rows);
    return rows;
  } finally {
    await rm(staging, { recursive: true, force: true });
    await Promise.all(csvFiles.map((file) => rm(file, { force: true })));
    // DMS creates a table folder only for tables that are not empty; a folder with files stays.
    await rmdir(directory).catch(() => undefined);
  }
};

/** Most bytes of COPY output one LOAD file is made from (MaxFileSize, when it applies to Parquet LOAD files). */
const loadFileLimit = (options: TableLoadOptions): number =>
  options.choices.maxFileSizeSplitsParquetLoad
    ? options.settings.target.maxFileSizeKb * 1024
    : Number.POSITIVE_INFINITY;

/**
 * Consecutive chunks (in arrival order) per LOAD file, each group at most `limit` CSV bytes unless one chunk
 * alone is larger. The CSV text is larger than its Parquet, so no LOAD file passes MaxFileSize.
 */
const groupChunks = (chunks: readonly CsvChunk[], limit: number): CsvChunk[][] => {
  const groups: CsvChunk[][] = [];
  let current: CsvChunk[] = [];
  let size = 0;
  for (const chunk of chunks) {
    if (current.length > 0 && size + chunk.bytes > limit) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(chunk);
    size += chunk.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
};

/** Moves the `part<i>.parquet` files to their LOAD names, in order; returns the bytes published. */
const publishLoadFiles = async (
  staging: string,
  directory: string,
  folder: TableFolderTreatment,
  { authorizeLakeWrite }: Pick<RunContext, 'authorizeLakeWrite'>,
): Promise<number> => {
  const parts = (await readdir(staging))
    .filter((name) => name.endsWith(PARQUET_EXTENSION))
    .map((name) => ({ name, index: Number(/(\d+)/.exec(name)?.[1] ?? 0) }))
    .sort((a, b) => a.index - b.index);
  // A kept folder numbers on after its files, or again from 1 over them, as the treatment says.
  let counter = folder.numbering === 'after-existing' ? await highestLoadCounter(directory) : 0;
  let bytes = 0;
  for (const part of parts) {
    counter += 1;
    const from = join(staging, part.name);
    bytes += (await stat(from)).size;
    const file = join(directory, loadFileName(counter));
    authorizeLakeWrite(file);
    await publishFile(from, file);
  }
  return bytes;
};

interface Segment {
  readonly where: string;
  readonly base: string;
}

/** PostgreSQL's default page size; a server built with another only makes the two ranges uneven, never wrong. */
const BLOCK_SIZE = 8192;

const segmentsOf = (plan: TablePlan, options: TableLoadOptions): Segment[] => {
  const base = join(options.workDir, `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  if (plan.sizeBytes < options.parallelSegmentBytes) return [{ where: '', base: `${base}-0` }];
  const middle = Math.ceil(plan.sizeBytes / BLOCK_SIZE / 2);
  return [
    { where: ` WHERE ctid < '(${middle},0)'::tid`, base: `${base}-0` },
    { where: ` WHERE ctid >= '(${middle},0)'::tid`, base: `${base}-1` },
  ];
};

/** Copies the table out in chunks; returns them in arrival order (at least one, possibly empty, file). */
const copySegments = async (plan: TablePlan, options: TableLoadOptions): Promise<CsvChunk[]> => {
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
  const sinks = segments.map(
    (segment) =>
      new CsvChunkSink({
        base: segment.base,
        chunkBytes: Math.min(options.loadChunkBytes, loadFileLimit(options)),
        clock: options.clock,
        progress,
      }),
  );
  try {
    await Promise.all(
      segments.map((segment, index) =>
        copySegment(
          options,
          `COPY (SELECT ${columns} FROM ${from}${segment.where}) TO STDOUT WITH (FORMAT csv, NULL '\\N')`,
          sinks[index] as CsvChunkSink,
        ),
      ),
    );
  } catch (error) {
    await Promise.all(sinks.flatMap((sink) => sink.files()).map((file) => rm(file, { force: true })));
    throw error;
  }
  if (copied > reported) {
    options.reportSample({ rowsRead: copied - reported, bytesWritten: 0, rowsBuffered: 0, bytesBuffered: 0 });
  }
  const chunks = sinks.flatMap((sink) => sink.chunks()).sort((a, b) => a.arrivedAt - b.arrivedAt);
  if (chunks.length > 0) return chunks;
  const empty = `${segments[0]?.base ?? join(options.workDir, 'empty')}-empty.csv`;
  await writeFile(empty, '');
  return [{ file: empty, arrivedAt: options.clock.now(), rows: 0, bytes: 0 }];
};

const copySegment = async (options: TableLoadOptions, sql: string, sink: CsvChunkSink): Promise<void> => {
  const client = await connectSource(options.source);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (options.snapshotName) await client.query(`SET TRANSACTION SNAPSHOT '${options.snapshotName}'`);
    await pipeline(client.query(copyTo(sql)), sink, { signal: options.signal });
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
};
