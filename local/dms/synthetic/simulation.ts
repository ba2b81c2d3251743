/**
 * One run of a synthetic task, tick by tick on the emulated clock: the full load (tables in parallel up to
 * MaxFullLoadSubTasks, at a rate bounded by the instance's vCPUs), the changes cached meanwhile, their application,
 * the stops DMS makes after the full load, then CDC until the task is stopped. README.md documents the model.
 */
import { CPU_SECONDS_PER_CHANGE, CPU_SECONDS_PER_ROW } from '../metrics/load-model.ts';
import { type TaskBehaviour, taskBehaviour } from '../settings/task-settings.ts';
import type { RunOutcome, TableStatistics, TaskContext } from '../workload.ts';
import { DEFAULT_MIX, DEFAULT_ROW_BYTES, type SyntheticTable } from './catalog.ts';

export interface SimulationRates {
  /** Emulated milliseconds between two simulation steps. */
  readonly tickMs: number;
  /** Rows per second one full-load sub-task (one table) can move. */
  readonly rowsPerSecondPerTable: number;
  /** Share of the instance's CPU the task may use before it is the bottleneck. */
  readonly cpuHeadroom: number;
  /** Parquet (or gzip) output size relative to the source rows. */
  readonly compressionRatio: number;
}

export const DEFAULT_RATES: SimulationRates = {
  tickMs: 5_000,
  rowsPerSecondPerTable: 5_000,
  cpuHeadroom: 0.9,
  compressionRatio: 0.35,
};

interface TableProgress {
  loaded: number;
  state: TableStatistics['TableState'];
  fullLoadStart?: number;
  fullLoadEnd?: number;
  inserts: number;
  updates: number;
  deletes: number;
  /** Loaded again by ReloadTables at least once. */
  reloaded?: boolean;
}

interface Progress {
  fullLoadDone: boolean;
  cachedApplied: boolean;
  /** Changes that arrived while tables were loading, waiting to be applied. */
  cached: number;
  /** CDC changes captured and not yet applied. */
  backlog: number;
  /** When the run last saved its progress (emulated ms): the source kept changing after that. */
  savedAt?: number;
  tables: Record<string, TableProgress>;
}

const tableKey = (table: SyntheticTable): string => `${table.schema ?? 'public'}.${table.name}`;

/** Thrown out of the loop when the task's signal aborts. */
class Aborted extends Error {
  override readonly name = 'Aborted';
}

export class SyntheticSimulation {
  private readonly progress: Progress;
  private readonly behaviour: TaskBehaviour;
  private readonly tickSeconds: number;

  constructor(
    private readonly ctx: TaskContext,
    private readonly tables: readonly SyntheticTable[],
    private readonly rates: SimulationRates,
    /** Current multiplier of the declared change rates (changes while the run goes on). */
    private readonly changeRateMultiplier: () => number,
  ) {
    this.behaviour = taskBehaviour(ctx.settings);
    this.tickSeconds = rates.tickMs / 1000;
    this.progress = this.initialProgress();
  }

  async run(): Promise<RunOutcome | undefined> {
    if (this.tables.length === 0)
      return {
        kind: 'failed',
        stopReason: 'FATAL_ERROR',
        message:
          'No tables were found at task initialization. Either the selected table(s) or schemas(s) no longer exist or no table(s) match the selection rules.',
      };
    try {
      return await this.phases();
    } catch (error) {
      if (error instanceof Aborted) return undefined;
      throw error;
    }
  }

  private async phases(): Promise<RunOutcome | undefined> {
    const { migrationType } = this.ctx;
    const fullLoadNeeded = migrationType !== 'cdc' && !this.progress.fullLoadDone;
    if (fullLoadNeeded) {
      await this.fullLoad();
      this.progress.fullLoadDone = true;
      this.ctx.reportFullLoadFinished();
      this.save();
      if (migrationType === 'full-load') return { kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' };
      if (this.behaviour.stopAfterFullLoad) return { kind: 'stopped', stopReason: 'STOPPED_AFTER_FULL_LOAD' };
    }
    if (migrationType !== 'full-load' && !this.progress.cachedApplied) {
      await this.applyCachedChanges();
      this.progress.cachedApplied = true;
      this.save();
      if (fullLoadNeeded && this.behaviour.stopAfterCachedChangesApplied)
        return { kind: 'stopped', stopReason: 'STOPPED_AFTER_CACHED_EVENTS' };
    }
    if (migrationType === 'full-load') return { kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' };
    for (;;) await this.cdcTick();
  }

  private initialProgress(): Progress {
    const { checkpoint, startType } = this.ctx;
    if (startType === 'resume-processing' && checkpoint) {
      const saved = JSON.parse(checkpoint) as Progress;
      // A resumed full load restarts the tables that had not finished (docs/dms-behaviour.md §2.4).
      for (const table of Object.values(saved.tables))
        if (table.state !== 'Table completed') Object.assign(table, { loaded: 0, state: 'Before load' });
      // The source kept changing while the task was stopped; those changes wait in the replication slot.
      const stoppedSeconds = saved.savedAt === undefined ? 0 : (this.ctx.clock.now() - saved.savedAt) / 1000;
      const missed = this.incomingChanges() * (stoppedSeconds / this.tickSeconds);
      if (saved.cachedApplied) saved.backlog += missed;
      else saved.cached += missed;
      return saved;
    }
    return {
      fullLoadDone: false,
      cachedApplied: false,
      cached: 0,
      backlog: 0,
      tables: Object.fromEntries(
        this.tables.map((table) => [
          tableKey(table),
          { loaded: 0, state: 'Before load', inserts: 0, updates: 0, deletes: 0 } satisfies TableProgress,
        ]),
      ),
    };
  }

  private async fullLoad(): Promise<void> {
    const { vCpu } = this.ctx.instance;
    const cpuRowsPerSecond = (this.rates.cpuHeadroom * vCpu) / CPU_SECONDS_PER_ROW;
    const totalRows = this.tables.reduce((sum, table) => sum + table.rows, 0);
    this.report();
    for (;;) {
      const pending = this.tables.filter((table) => this.tableProgress(table).state !== 'Table completed');
      if (pending.length === 0) return;
      const active = pending.slice(0, this.behaviour.maxFullLoadSubTasks);
      const now = this.ctx.clock.now();
      const share =
        Math.min(this.rates.rowsPerSecondPerTable, cpuRowsPerSecond / active.length) * this.tickSeconds;
      let rowsRead = 0;
      let bytes = 0;
      for (const table of active) {
        const state = this.tableProgress(table);
        state.state = 'Full load';
        state.fullLoadStart ??= now;
        const moved = Math.min(share, table.rows - state.loaded);
        state.loaded += moved;
        rowsRead += moved;
        bytes += moved * (table.rowBytes ?? DEFAULT_ROW_BYTES);
        if (state.loaded >= table.rows) {
          state.state = 'Table completed';
          state.fullLoadEnd = now + this.rates.tickMs;
        }
      }
      this.progress.cached += this.incomingChanges();
      const loaded = Object.values(this.progress.tables).reduce((sum, table) => sum + table.loaded, 0);
      this.ctx.reportProgress?.(totalRows === 0 ? 100 : Math.floor((100 * loaded) / totalRows));
      this.ctx.reportSample({
        rowsRead,
        bytesWritten: bytes * this.rates.compressionRatio,
        rowsBuffered: active.length * Math.min(10_000, share),
        bytesBuffered: active.length * Math.min(10_000, share) * DEFAULT_ROW_BYTES,
        cdcIncomingChanges: Math.round(this.progress.cached),
      });
      await this.sleep();
      this.report();
      this.save();
    }
  }

  private async applyCachedChanges(): Promise<void> {
    // Changes arriving meanwhile queue behind the cached ones, for CDC.
    while (this.progress.cached > 0) {
      const applied = Math.min(this.progress.cached, this.cdcCapacity());
      this.progress.cached -= applied;
      this.progress.backlog += this.incomingChanges();
      this.distribute(applied);
      this.sampleCdc(applied, this.progress.cached + this.progress.backlog);
      await this.sleep();
      this.report();
      this.save();
    }
  }

  private async cdcTick(): Promise<void> {
    this.reloadTick();
    const capacity = this.cdcCapacity();
    this.progress.backlog += this.incomingChanges();
    const applied = Math.min(this.progress.backlog, capacity);
    this.progress.backlog -= applied;
    this.distribute(applied);
    this.sampleCdc(applied, this.progress.backlog);
    await this.sleep();
    this.report();
    this.save();
  }

  /**
   * Tables asked for with ReloadTables load again from zero at the per-table full-load rate while CDC goes on, then
   * are `Table completed` again (with FullLoadReloaded).
   */
  private reloadTick(): void {
    const now = this.ctx.clock.now();
    for (const wanted of this.ctx.takeTableReloads?.() ?? []) {
      const table = this.tables.find(
        (candidate) =>
          (candidate.schema ?? 'public') === wanted.schemaName && candidate.name === wanted.tableName,
      );
      if (!table) continue;
      Object.assign(this.tableProgress(table), {
        loaded: 0,
        state: 'Table is being reloaded',
        fullLoadStart: now,
        fullLoadEnd: undefined,
        reloaded: true,
      });
    }
    for (const table of this.tables) {
      const state = this.tableProgress(table);
      if (state.state !== 'Table is being reloaded') continue;
      state.loaded = Math.min(table.rows, state.loaded + this.rates.rowsPerSecondPerTable * this.tickSeconds);
      if (state.loaded >= table.rows) {
        state.state = 'Table completed';
        state.fullLoadEnd = now + this.rates.tickMs;
      }
    }
  }

  /** Changes per tick the instance can apply before its CPU is the bottleneck. */
  private cdcCapacity(): number {
    return ((this.rates.cpuHeadroom * this.ctx.instance.vCpu) / CPU_SECONDS_PER_CHANGE) * this.tickSeconds;
  }

  private incomingChanges(): number {
    const multiplier = this.changeRateMultiplier();
    return (
      this.tables.reduce((sum, table) => sum + (table.changesPerSecond ?? 0), 0) *
      multiplier *
      this.tickSeconds
    );
  }

  /** Spreads applied changes over the tables by their change rates and mixes. */
  private distribute(applied: number): void {
    const total = this.tables.reduce((sum, table) => sum + (table.changesPerSecond ?? 0), 0);
    if (total === 0 || applied === 0) return;
    for (const table of this.tables) {
      const share = (applied * (table.changesPerSecond ?? 0)) / total;
      const mix = table.mix ?? DEFAULT_MIX;
      const state = this.tableProgress(table);
      state.inserts += share * mix.inserts;
      state.updates += share * mix.updates;
      state.deletes += share * mix.deletes;
    }
  }

  private sampleCdc(applied: number, waiting: number): void {
    const capacityPerSecond = this.cdcCapacity() / this.tickSeconds;
    const memoryLimitRows = (1024 * 2 ** 20) / DEFAULT_ROW_BYTES;
    const latencySource = 1 + waiting / capacityPerSecond;
    // An S3 target writes a CDC file after CdcMaxBatchInterval seconds or once CdcMinFileSize KB are buffered,
    // whichever comes first; a change waits half a flush cycle on average.
    const s3 = this.ctx.target.s3Settings;
    const bytesPerSecond = (applied * DEFAULT_ROW_BYTES) / this.tickSeconds;
    const minFileBytes = Number(s3?.['CdcMinFileSize'] ?? 32_000) * 1024;
    const flushSeconds = Math.min(
      Number(s3?.['CdcMaxBatchInterval'] ?? 60),
      bytesPerSecond > 0 ? minFileBytes / bytesPerSecond : Number.POSITIVE_INFINITY,
    );
    this.ctx.reportSample({
      rowsRead: applied,
      bytesWritten: applied * DEFAULT_ROW_BYTES * this.rates.compressionRatio,
      rowsBuffered: Math.min(waiting, memoryLimitRows),
      bytesBuffered: Math.min(waiting, memoryLimitRows) * DEFAULT_ROW_BYTES,
      cdcIncomingChanges: Math.round(waiting),
      cdcLatencySourceSeconds: latencySource,
      cdcLatencyTargetSeconds: latencySource + flushSeconds / 2,
    });
  }

  private tableProgress(table: SyntheticTable): TableProgress {
    const key = tableKey(table);
    const existing = this.progress.tables[key];
    if (existing) return existing;
    const created: TableProgress = { loaded: 0, state: 'Before load', inserts: 0, updates: 0, deletes: 0 };
    this.progress.tables[key] = created;
    return created;
  }

  private report(): void {
    const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
    const now = this.ctx.clock.now() / 1000;
    this.ctx.reportTables(
      this.tables.map((table) => {
        const state = this.tableProgress(table);
        const applied = {
          inserts: Math.floor(state.inserts),
          updates: Math.floor(state.updates),
          deletes: Math.floor(state.deletes),
        };
        const start = seconds(state.fullLoadStart);
        const end = seconds(state.fullLoadEnd);
        return {
          SchemaName: table.schema ?? 'public',
          TableName: table.name,
          Inserts: applied.inserts,
          Updates: applied.updates,
          Deletes: applied.deletes,
          Ddls: 0,
          AppliedInserts: applied.inserts,
          AppliedUpdates: applied.updates,
          AppliedDeletes: applied.deletes,
          AppliedDdls: 0,
          FullLoadRows: Math.floor(state.loaded),
          FullLoadCondtnlChkFailedRows: 0,
          FullLoadErrorRows: 0,
          ...(start !== undefined ? { FullLoadStartTime: start } : {}),
          ...(end !== undefined ? { FullLoadEndTime: end } : {}),
          ...(state.reloaded ? { FullLoadReloaded: true } : {}),
          LastUpdateTime: now,
          TableState: this.ctx.migrationType === 'cdc' ? 'Table completed' : state.state,
          ValidationState: 'Not enabled',
        };
      }),
    );
  }

  private save(): void {
    this.progress.savedAt = this.ctx.clock.now();
    this.ctx.saveCheckpoint(JSON.stringify(this.progress));
  }

  private async sleep(): Promise<void> {
    try {
      await this.ctx.clock.sleep(this.rates.tickMs, this.ctx.signal);
    } catch {
      throw new Aborted();
    }
    if (this.ctx.signal.aborted) throw new Aborted();
  }
}
