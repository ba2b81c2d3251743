/**
 * The PostgreSQL → S3 (Parquet) data plane behind the emulated DMS tasks (the `Workload` seam in
 * local/dms/workload.ts). A run: read the settings and table mappings, check the source's CDC prerequisites, create
 * the logical slot (with an exported snapshot) before the full load, load the tables, apply the cached changes,
 * then stream changes until stopped. Progress goes to the context: table statistics, full-load finish, samples for
 * the metrics model, and a checkpoint that `resume-processing` continues from.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type pg from 'pg';
import type { ReloadPoint } from '../dms/faults/reload-gate.ts';
import type {
  ConnectionTestResult,
  DeletedTask,
  EndpointDescription,
  RunOutcome,
  TaskContext,
  Workload,
} from '../dms/workload.ts';
import { readCatalog } from './catalog.ts';
import { type CdcObserver, CdcStream } from './cdc.ts';
import { type Checkpoint, decodeCheckpoint, EMPTY_CHECKPOINT, encodeCheckpoint } from './checkpoint.ts';
import { UNDOCUMENTED_DEFAULTS, type UndocumentedBehaviour } from './choices.ts';
import { DDL_AUDIT_TABLE, DDL_INTERCEPT, installDdlCapture } from './ddl-capture.ts';
import { InvalidSettingError, messageOf, TaskFailure } from './errors.ts';
import { reloadTable, runFullLoad } from './full-load.ts';
import { runHeartbeat } from './heartbeat.ts';
import { removeTemporaryFiles, tableDirectory } from './lake.ts';
import { ParquetWriter } from './parquet-writer.ts';
import { cdcPrerequisiteProblem, connectFailureMessage, s3TargetProblem } from './prerequisites.ts';
import {
  advanceSlot,
  createSlot,
  createSlotWithSnapshot,
  currentWalLsn,
  dropSlotForRestart,
  OUTPUT_PLUGIN,
  parseLsn,
  readSlot,
  type SlotState,
  type SlotWithSnapshot,
} from './replication-slot.ts';
import type { RunContext } from './run-context.ts';
import {
  type DataPlaneSettings,
  readDataPlaneSettings,
  readPostgresSettings,
  readS3Settings,
} from './settings.ts';
import {
  connectSource,
  quoteIdent,
  quoteLiteral,
  resolveSourceConnection,
  type SecretResolver,
  type SourceConnection,
} from './source.ts';
import { compileTableMappings, type TableMappings } from './table-mappings.ts';
import { type PlanOptions, planTable, planTables, type TablePlan, tableKey } from './table-plan.ts';
import { TableStatsTracker } from './table-stats.ts';

export interface DataPlaneObserver extends CdcObserver {
  /** After the slot exists and before any table is read: changes committed from here on are cached changes. */
  slotReady?(info: {
    readonly slotName: string;
    /** True when this run created the slot (a fresh start), false when it resumes an existing one. */
    readonly created: boolean;
    readonly consistentPoint?: string;
  }): void | Promise<void>;
  /** After a table's LOAD files are published. */
  tableLoaded?(info: { readonly table: string; readonly rows: number }): void;
  /** When ongoing replication starts (after the full load and its cached changes, or at once for CDC tasks). */
  streaming?(): void;
  /** A reload (ReloadTables) of a table ended: loaded again, or failed (the table is then in error). */
  tableReloaded?(info: { readonly table: string; readonly rows?: number; readonly error?: string }): void;
}

export interface PostgresToS3WorkloadOptions {
  /** Folder standing for S3: `<lakeDir>/<BucketName>/<BucketFolder>/schema/table/…`. */
  readonly lakeDir: string;
  /** Returns the SecretString of `SecretsManagerSecretId` (the local Secrets Manager). */
  readonly resolveSecret: SecretResolver;
  /**
   * Judges DMS writing `key` of `bucket` as the role the target endpoint names (local IAM); throws to refuse, and
   * the task fails as DMS fails on a write S3 refuses. Every write is allowed when absent.
   */
  readonly authorizeLakeWrite?: (write: {
    readonly roleArn: string | undefined;
    readonly bucket: string;
    readonly key: string;
  }) => void;
  /**
   * PEM CA certificates that `SslMode` `verify-ca`/`verify-full` trust, standing for the certificate DMS takes from
   * the endpoint's `CertificateArn` (the emulator keeps none); default the system's trusted CAs (see source.ts).
   */
  readonly trustedCa?: string;
  /** Task-clock milliseconds between CDC reads; default 500. */
  readonly pollIntervalMs?: number;
  /** About how many changes one read takes; default 20000. */
  readonly maxChangesPerPeek?: number;
  /** Buffered CDC bytes above which reading pauses until files are due; default 256 MiB. */
  readonly maxBufferedBytes?: number;
  /** Tables at least this large load as two parallel ranges; default 32 MiB. */
  readonly parallelSegmentBytes?: number;
  /** COPY output per chunk, each stamped with its arrival time (the full load's transfer time); default 8 MiB. */
  readonly loadChunkBytes?: number;
  /** Folder for intermediate files; default the OS temp folder. */
  readonly workDir?: string;
  /**
   * Whether deleting a task drops the slot it created (not one named by `SlotName`). Default true, as the DMS user
   * guide's PostgreSQL source page documents (docs/source-safety.md); false stands for a deletion that could not
   * reach the source, which leaves the slot for lakeshift's teardown to drop.
   */
  readonly dropSlotOnTaskDelete?: boolean;
  /** Readings of what DMS does where AWS does not document it (choices.ts); each defaults to the worse case. */
  readonly undocumented?: Partial<UndocumentedBehaviour>;
  readonly observer?: DataPlaneObserver;
}

/** A native PostgreSQL start point (`X/Y`), the form of CdcStartPosition a PostgreSQL source accepts. */
const LSN_PATTERN = /^[0-9A-Fa-f]+\/[0-9A-Fa-f]+$/;

const DEFAULTS = {
  pollIntervalMs: 500,
  maxChangesPerPeek: 20_000,
  maxBufferedBytes: 256 * 1024 * 1024,
  parallelSegmentBytes: 32 * 1024 * 1024,
  loadChunkBytes: 8 * 1024 * 1024,
};

/** DMS's own message when the mappings select nothing (docs/dms-behaviour.md §2.2). */
const NO_TABLES_MESSAGE =
  'No tables were found at task initialization. Either the selected table(s) or schemas(s) no longer exist or no match was found for the table selection pattern(s).';

/** Share of the full load done, by table size (an empty table counts as one page); 100 only once finished. */
export const loadProgressPercent = (plans: readonly TablePlan[], loaded: ReadonlySet<string>): number => {
  const weight = (plan: TablePlan) => Math.max(plan.sizeBytes, 8192);
  const total = plans.reduce((sum, plan) => sum + weight(plan), 0);
  const done = plans
    .filter((plan) => loaded.has(tableKey(plan.source)))
    .reduce((sum, plan) => sum + weight(plan), 0);
  return total === 0 ? 0 : Math.min(99, Math.floor((done / total) * 100));
};

/**
 * The slot a task creates when the endpoint names none. DMS documents no naming scheme (its user guide shows a
 * name of underscore-separated groups of letters and digits), so this one only looks like it: derived from the task
 * so that a restart finds its own slot, with nothing in it a control plane could use to guess it.
 */
export const generatedSlotName = (taskArn: string): string => {
  const hex = createHash('sha256').update(taskArn).digest('hex');
  const groups = [13, 8, 8, 4, 4, 4, 13];
  let offset = 0;
  return groups
    .map((length) => {
      const group = hex.slice(offset, offset + length);
      offset += length;
      return group;
    })
    .join('_');
};

export const createPostgresToS3Workload = (options: PostgresToS3WorkloadOptions): Workload => ({
  testConnection: (endpoint) => testConnection(endpoint, options),
  run: (ctx) => runTask(ctx, options),
  taskDeleted: (task) => releaseDeletedTask(task, options),
});

/** Drops the slot the deleted task created, if it is still there and no one reads it; a named slot is the user's. */
const releaseDeletedTask = async (task: DeletedTask, options: PostgresToS3WorkloadOptions): Promise<void> => {
  if (options.dropSlotOnTaskDelete === false) return;
  // A named slot is the user's; otherwise the task's slot has the name its runs give it, saved or not yet saved.
  if (readPostgresSettings(task.source).slotName !== undefined) return;
  const slotName =
    (task.checkpoint === undefined ? undefined : decodeCheckpoint(task.checkpoint).slotName) ??
    generatedSlotName(task.taskArn);
  const source = await resolveSourceConnection(task.source, options.resolveSecret, options.trustedCa);
  const client = await connectSource(source, { connectTimeoutMs: 5000, replication: true });
  try {
    // A replication connection takes simple queries only (no parameters).
    const found = await client.query<{ database: string }>(
      `SELECT database FROM pg_replication_slots WHERE slot_name = ${quoteLiteral(slotName)}`,
    );
    if (found.rows[0]?.database !== source.database) return;
    // The run's own sessions are closed, but the server may not have let go of the slot yet: WAIT until it has.
    await client.query(`DROP_REPLICATION_SLOT ${quoteIdent(slotName)} WAIT`);
  } finally {
    await client.end().catch(() => undefined);
  }
};

const testConnection = async (
  endpoint: EndpointDescription,
  options: PostgresToS3WorkloadOptions,
): Promise<ConnectionTestResult> => {
  try {
    if (endpoint.endpointType === 'TARGET') {
      const problem = await s3TargetProblem(options.lakeDir, readS3Settings(endpoint));
      return problem ? { ok: false, message: problem } : { ok: true };
    }
    const source = await resolveSourceConnection(endpoint, options.resolveSecret, options.trustedCa);
    let client: pg.Client;
    try {
      client = await connectSource(source, { connectTimeoutMs: 5000 });
    } catch (error) {
      return { ok: false, message: connectFailureMessage(error) };
    }
    try {
      const problem = await cdcPrerequisiteProblem(client, true);
      return problem ? { ok: false, message: problem } : { ok: true };
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    return { ok: false, message: messageOf(error) };
  }
};

const runTask = async (
  ctx: TaskContext,
  options: PostgresToS3WorkloadOptions,
): Promise<RunOutcome | undefined> => {
  let run: TaskRun | undefined;
  try {
    run = await TaskRun.prepare(ctx, options);
    return await run.execute();
  } catch (error) {
    if (ctx.signal.aborted) return undefined;
    if (error instanceof TaskFailure)
      return { kind: 'failed', message: error.message, stopReason: error.stopReason };
    if (error instanceof InvalidSettingError)
      return { kind: 'failed', message: error.message, stopReason: 'FATAL_ERROR' };
    return { kind: 'failed', message: messageOf(error), stopReason: 'RECOVERABLE_ERROR' };
  } finally {
    await run?.close();
  }
};

class TaskRun {
  private checkpoint: Checkpoint;
  private readonly plans = new Map<string, TablePlan | null>();
  private snapshot: SlotWithSnapshot | undefined;
  private cdc: CdcStream | undefined;
  private heartbeat: { readonly stop: () => void; readonly done: Promise<void> } | undefined;
  /** Reloads (ReloadTables) running while CDC goes on, by table key. */
  private readonly reloads = new Map<string, Promise<void>>();
  /** Reloads a previous run left unfinished: started again once CDC runs. */
  private interruptedReloads: { readonly schemaName: string; readonly tableName: string }[] = [];

  private constructor(
    private readonly ctx: TaskContext,
    private readonly options: PostgresToS3WorkloadOptions,
    private readonly settings: DataPlaneSettings,
    private readonly mappings: TableMappings,
    private readonly source: SourceConnection,
    private readonly admin: pg.Client,
    private readonly writer: ParquetWriter,
    private readonly workDir: string,
    private readonly stats: TableStatsTracker,
    previous: Checkpoint,
  ) {
    this.checkpoint = previous;
  }

  static async prepare(ctx: TaskContext, options: PostgresToS3WorkloadOptions): Promise<TaskRun> {
    const settings = readDataPlaneSettings(ctx);
    const mappings = compileTableMappings(ctx.tableMappings);
    const source = await resolveSourceConnection(ctx.source, options.resolveSecret, options.trustedCa);
    let admin: pg.Client;
    try {
      admin = await connectSource(source);
    } catch (error) {
      throw new TaskFailure(connectFailureMessage(error), 'RECOVERABLE_ERROR', { cause: error });
    }
    let workDir: string | undefined;
    let writer: ParquetWriter;
    try {
      workDir = await mkdtemp(join(options.workDir ?? tmpdir(), 'lakeshift-dataplane-'));
      writer = await ParquetWriter.open({ tempDirectory: join(workDir, 'duckdb') });
    } catch (error) {
      await admin.end().catch(() => undefined);
      if (workDir) await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    const saved = decodeCheckpoint(ctx.checkpoint);
    // Only resume-processing continues; start-replication and reload-target begin again from nothing.
    const previous = ctx.startType === 'resume-processing' ? saved : EMPTY_CHECKPOINT;
    const stats = new TableStatsTracker(ctx.clock, (tables) => ctx.reportTables(tables));
    stats.seed(previous.tables);
    return new TaskRun(ctx, options, settings, mappings, source, admin, writer, workDir, stats, {
      ...previous,
      ...(saved.slotName ? { slotName: saved.slotName } : {}),
    });
  }

  async close(): Promise<void> {
    this.heartbeat?.stop();
    await this.heartbeat?.done;
    await this.snapshot?.release();
    await this.cdc?.close();
    await this.admin.end().catch(() => undefined);
    this.writer.close();
    await rm(this.workDir, { recursive: true, force: true });
  }

  async execute(): Promise<RunOutcome | undefined> {
    const { ctx } = this;
    const needsCdc = ctx.migrationType !== 'full-load';
    const named = this.settings.source.slotName;
    const slotName = named ?? this.checkpoint.slotName ?? generatedSlotName(ctx.taskArn);
    const fresh = ctx.startType !== 'resume-processing';
    if (needsCdc && named !== undefined) await this.requireNamedSlot(named);
    const existingSlot =
      needsCdc && (!fresh || named !== undefined) ? await readSlot(this.admin, slotName) : undefined;
    if (needsCdc) {
      const problem = await cdcPrerequisiteProblem(this.admin, !existingSlot);
      if (problem) throw new TaskFailure(problem, 'FATAL_ERROR');
    }
    const plans = planTables(await readCatalog(this.admin), this.mappings, this.planOptions());
    if (plans.length === 0) throw new TaskFailure(NO_TABLES_MESSAGE, 'FATAL_ERROR');
    for (const plan of plans) this.plans.set(tableKey(plan.source), plan);
    // Only this task's table folders: other tasks may be writing elsewhere in the same bucket right now.
    for (const plan of plans) {
      await removeTemporaryFiles(tableDirectory(this.options.lakeDir, this.settings.target, plan.target));
    }

    const loadPending = ctx.migrationType !== 'cdc' && !this.checkpoint.fullLoadFinished;
    for (const plan of plans)
      this.stats.declare(plan.source, loadPending ? 'Before load' : 'Table completed');
    ctx.reportTables(this.stats.snapshot());

    if (needsCdc) await this.installDdlCapture();
    const created = needsCdc ? await this.ensureSlot(slotName, existingSlot, loadPending) : false;
    this.save({ slotName });
    if (needsCdc) this.startHeartbeat();
    await this.options.observer?.slotReady?.({
      slotName,
      created,
      ...(this.snapshot ? { consistentPoint: this.snapshot.consistentPoint } : {}),
    });

    if (loadPending) {
      const outcome = await this.fullLoad(plans, needsCdc);
      if (outcome !== 'continue') return outcome;
    }
    if (ctx.signal.aborted) return undefined;
    const cdc = await this.openCdc(slotName);
    this.options.observer?.streaming?.();
    this.interruptedReloads = this.stats
      .snapshot()
      .filter((table) => table.TableState === 'Table is being reloaded')
      .map((table) => ({ schemaName: table.SchemaName, tableName: table.TableName }));
    try {
      await cdc.runUntilAborted(() => this.startReloads(cdc));
    } finally {
      await Promise.allSettled(this.reloads.values());
    }
    return undefined;
  }

  /** Starts the reloads asked for since the last cycle (ReloadTables), each alongside CDC. */
  private startReloads(cdc: CdcStream): void {
    const wanted = [...this.interruptedReloads.splice(0), ...(this.ctx.takeTableReloads?.() ?? [])];
    for (const table of wanted) {
      const key = tableKey({ schema: table.schemaName, table: table.tableName });
      const plan = this.plans.get(key);
      // A table the task does not replicate is ignored; one already being reloaded is reloaded once.
      if (!plan || this.reloads.has(key)) continue;
      this.reloads.set(
        key,
        this.reload(cdc, plan, table).finally(() => this.reloads.delete(key)),
      );
    }
  }

  /**
   * Reloads one table while CDC goes on. Its changes from the start are cached (held out of the lake) and written
   * after the new LOAD files, as a full load's cached changes are; a reload that fails leaves the table in error and
   * its changes are no longer applied (docs/data-plane-fidelity.md, "Reloading a table").
   */
  private async reload(
    cdc: CdcStream,
    plan: TablePlan,
    table: { readonly schemaName: string; readonly tableName: string },
  ): Promise<void> {
    const { ctx, options } = this;
    const key = tableKey(plan.source);
    cdc.hold(key);
    const reached = (at: ReloadPoint) => ctx.reloadReached?.(table, at) ?? Promise.resolve();
    try {
      const reloading = reloadTable(
        plan,
        {
          ...this.runContext('reload'),
          taskStartMs: ctx.clock.now(),
          parallelSegmentBytes: options.parallelSegmentBytes ?? DEFAULTS.parallelSegmentBytes,
          loadChunkBytes: options.loadChunkBytes ?? DEFAULTS.loadChunkBytes,
        },
        { prepared: () => reached('prepared'), published: () => reached('loaded') },
      );
      // The table reads `Table is being reloaded` from here: checkpointed, a resumed run reloads it again.
      this.save({});
      const rows = await reloading;
      cdc.release(key);
      options.observer?.tableReloaded?.({ table: key, rows });
    } catch (error) {
      if (ctx.signal.aborted) return;
      cdc.suspend(key);
      options.observer?.tableReloaded?.({ table: key, error: messageOf(error) });
    } finally {
      if (!ctx.signal.aborted) this.save({});
    }
  }

  private runContext(workFolder: string): RunContext {
    const { ctx } = this;
    return {
      source: this.source,
      settings: this.settings,
      choices: { ...UNDOCUMENTED_DEFAULTS, ...this.options.undocumented },
      lakeDir: this.options.lakeDir,
      workDir: join(this.workDir, workFolder),
      writer: this.writer,
      stats: this.stats,
      clock: ctx.clock,
      signal: ctx.signal,
      reportSample: (sample) => ctx.reportSample(sample),
      authorizeLakeWrite: (file) => {
        const [bucket = '', ...key] = relative(this.options.lakeDir, file).split(sep);
        const role = ctx.target.s3Settings?.['ServiceAccessRoleArn'];
        this.options.authorizeLakeWrite?.({
          roleArn: typeof role === 'string' ? role : undefined,
          bucket,
          key: key.join('/'),
        });
      },
    };
  }

  private planOptions(): PlanOptions {
    const { settings } = this;
    return {
      booleansAsBoolean:
        settings.source.mapBooleanAsBoolean &&
        (this.options.undocumented?.sourceOnlyMapBooleanAsBoolean ??
          UNDOCUMENTED_DEFAULTS.sourceOnlyMapBooleanAsBoolean),
      timestampInMilliseconds: settings.target.parquetTimestampInMillisecond,
      trimSpaceInChar: settings.source.trimSpaceInChar,
      ...(settings.lob.maxBytes !== undefined ? { lobMaxBytes: settings.lob.maxBytes } : {}),
      failOnLobTruncation: settings.source.failTasksOnLobTruncation,
      supportLobs: settings.lob.supportLobs,
      changeDataTypeOnSourceValue:
        this.options.undocumented?.changeDataTypeOnSourceValue ??
        UNDOCUMENTED_DEFAULTS.changeDataTypeOnSourceValue,
    };
  }

  /**
   * `SlotName` names a slot created beforehand, and DMS checks both that it exists and that the task has a valid
   * `CdcStartPosition` before it starts (the `SlotName` entry of PostgreSQLSettings in the DMS API reference).
   */
  private async requireNamedSlot(slotName: string): Promise<void> {
    const position = this.ctx.cdcStartPosition;
    if (position === undefined || !LSN_PATTERN.test(position)) {
      throw new TaskFailure(
        `SlotName "${slotName}" requires a valid CdcStartPosition (a native start point such as 0/16B3748); the task has ${position === undefined ? 'none' : `"${position}"`}`,
        'FATAL_ERROR',
      );
    }
    if (!(await readSlot(this.admin, slotName))) {
      throw new TaskFailure(
        `Replication slot "${slotName}" named by SlotName does not exist on the source; create it before starting the task`,
        'FATAL_ERROR',
      );
    }
  }

  /**
   * With `CaptureDdls`, the audit table and event trigger of ddl-capture.ts exist before the slot does, so every
   * DDL from the first cached change on comes through the stream. Whether DMS goes on without them when it may
   * not create them is not documented; here the task fails, naming the setting, rather than miss columns silently.
   */
  private async installDdlCapture(): Promise<void> {
    const schema = this.settings.source.ddlArtifactsSchema;
    if (schema === undefined) return;
    try {
      await installDdlCapture(this.admin, schema);
    } catch (error) {
      throw new TaskFailure(
        `CaptureDdls: the DDL capture artifacts (${DDL_AUDIT_TABLE}, ${DDL_INTERCEPT}) could not be created in schema "${schema}" (DdlArtifactsSchema): ${error instanceof Error ? error.message : String(error)}. Grant the rights to create them or set CaptureDdls to false`,
        'FATAL_ERROR',
        { cause: error },
      );
    }
  }

  /** Writes DMS's heartbeat on the source while the task runs, when the endpoint enables it. */
  private startHeartbeat(): void {
    const settings = this.settings.source.heartbeat;
    if (settings === undefined || this.heartbeat) return;
    const stop = new AbortController();
    const signal = AbortSignal.any([this.ctx.signal, stop.signal]);
    const done = connectSource(this.source, { applicationName: 'lakeshift-local-dms-heartbeat' }).then(
      async (client) => {
        try {
          await runHeartbeat({ client, settings, clock: this.ctx.clock, signal });
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      () => undefined,
    );
    this.heartbeat = { stop: () => stop.abort(), done };
  }

  /** Makes sure the task's slot exists before any data is read, so changes during the load are cached. */
  private async ensureSlot(
    slotName: string,
    existing: SlotState | undefined,
    loadPending: boolean,
  ): Promise<boolean> {
    const fresh = this.ctx.startType !== 'resume-processing';
    if (existing) {
      if (existing.plugin !== OUTPUT_PLUGIN || existing.database !== this.source.database) {
        throw new TaskFailure(
          `Replication slot "${slotName}" belongs to database "${existing.database}" with plugin ${existing.plugin}; this task needs ${OUTPUT_PLUGIN} on "${this.source.database}"`,
          'FATAL_ERROR',
        );
      }
      // A named slot is the user's: it is never recreated, and a fresh start begins at the given start point.
      if (fresh && this.settings.source.slotName !== undefined) await this.applyCdcStartPosition(slotName);
      return false;
    }
    if (!fresh && this.checkpoint.fullLoadFinished) {
      throw new TaskFailure(
        `Replication slot "${slotName}" no longer exists on the source; changes since the last stop are lost. Restart the task with reload-target`,
        'FATAL_ERROR',
      );
    }
    // A fresh start recreates the slot (docs/dms-behaviour.md §6.2); a slot left by an earlier run would
    // replay old changes.
    await dropSlotForRestart(this.admin, slotName, this.source.database);
    if (loadPending) this.snapshot = await createSlotWithSnapshot(this.source, slotName);
    else await createSlot(this.admin, slotName);
    await this.applyCdcStartPosition(slotName);
    return true;
  }

  /** A native LSN CdcStartPosition (docs/dms-behaviour.md §2.5) moves a fresh CDC task's start forward. */
  private async applyCdcStartPosition(slotName: string): Promise<void> {
    const position = this.ctx.cdcStartPosition;
    if (this.ctx.migrationType !== 'cdc' || !position || !LSN_PATTERN.test(position)) return;
    const slot = await readSlot(this.admin, slotName);
    if (slot?.confirmedFlushLsn && parseLsn(position) > parseLsn(slot.confirmedFlushLsn)) {
      await advanceSlot(this.admin, slotName, position);
    }
  }

  private async fullLoad(
    plans: readonly TablePlan[],
    needsCdc: boolean,
  ): Promise<RunOutcome | 'continue' | undefined> {
    const { ctx, settings } = this;
    const loaded = new Set(this.checkpoint.loadedTables);
    const reloading = new Set(
      this.checkpoint.tables
        .filter((table) => table.TableState !== 'Before load')
        .map((table) => tableKey({ schema: table.SchemaName, table: table.TableName })),
    );
    try {
      await runFullLoad(
        plans.filter((plan) => !loaded.has(tableKey(plan.source))),
        {
          ...this.runContext('copy'),
          ...(this.snapshot ? { snapshotName: this.snapshot.snapshotName } : {}),
          taskStartMs: ctx.clock.now(),
          reloading,
          parallelSegmentBytes: this.options.parallelSegmentBytes ?? DEFAULTS.parallelSegmentBytes,
          loadChunkBytes: this.options.loadChunkBytes ?? DEFAULTS.loadChunkBytes,
          tableLoaded: (plan, rows) => {
            loaded.add(tableKey(plan.source));
            this.save({ loadedTables: [...loaded] });
            ctx.reportProgress?.(loadProgressPercent(plans, loaded));
            this.options.observer?.tableLoaded?.({ table: tableKey(plan.source), rows });
          },
        },
      );
    } finally {
      await this.snapshot?.release();
      this.snapshot = undefined;
    }
    if (ctx.signal.aborted) return undefined;
    // Everything committed up to here is a cached change: it happened while the tables were loading.
    const cachedUpTo = await currentWalLsn(this.admin);
    this.save({ fullLoadFinished: true });
    ctx.reportFullLoadFinished();
    if (!needsCdc) return { kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' };
    if (settings.fullLoad.stopTaskCachedChangesNotApplied) {
      return { kind: 'stopped', stopReason: 'STOPPED_AFTER_FULL_LOAD' };
    }
    const slotName = this.checkpoint.slotName ?? generatedSlotName(ctx.taskArn);
    const cdc = await this.openCdc(slotName);
    await cdc.applyUntil(cachedUpTo);
    if (ctx.signal.aborted) return undefined;
    if (settings.fullLoad.stopTaskCachedChangesApplied) {
      return { kind: 'stopped', stopReason: 'STOPPED_AFTER_CACHED_EVENTS' };
    }
    return 'continue';
  }

  private async openCdc(slotName: string): Promise<CdcStream> {
    if (this.cdc) return this.cdc;
    const { options } = this;
    const cdc = new CdcStream({
      ...this.runContext('cdc'),
      slotName,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      maxChangesPerPeek: options.maxChangesPerPeek ?? DEFAULTS.maxChangesPerPeek,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
      planFor: (schema, table, refresh) => this.planFor(schema, table, refresh),
      confirmed: (lsn) => this.save({ confirmedLsn: lsn }),
      ...(options.observer ? { observer: options.observer } : {}),
    });
    this.cdc = cdc;
    await cdc.open();
    return cdc;
  }

  /** Plans a table met in the change stream: a new table, or one whose columns changed. */
  private async planFor(schema: string, table: string, refresh: boolean): Promise<TablePlan | undefined> {
    const key = tableKey({ schema, table });
    const known = this.plans.get(key);
    if (known !== undefined && !refresh) return known ?? undefined;
    const found = (await readCatalog(this.admin)).find(
      (entry) => entry.schema === schema && entry.table === table,
    );
    const plan =
      found && this.mappings.selects(found) ? planTable(found, this.mappings, this.planOptions()) : null;
    this.plans.set(key, plan);
    if (plan && known === undefined) this.stats.declare(plan.source, 'Table completed');
    return plan ?? undefined;
  }

  private save(change: Partial<Checkpoint>): void {
    this.checkpoint = { ...this.checkpoint, ...change, tables: this.stats.snapshot() };
    this.ctx.saveCheckpoint(encodeCheckpoint(this.checkpoint));
  }
}
