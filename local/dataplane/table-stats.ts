/**
 * Per-table statistics as DescribeTableStatistics reports them, kept up to date as tables load and changes are
 * written, and pushed to the emulator as a full snapshot after each change. Times are the task clock's epoch ms.
 */
import type { Clock } from '../clock.ts';
import type { TableStatistics, TaskContext } from '../dms/workload.ts';
import type { TableName } from './table-mappings.ts';

export type ChangeOp = 'I' | 'U' | 'D';

export class TableStatsTracker {
  private readonly tables = new Map<string, TableStatistics>();

  constructor(
    private readonly clock: Clock,
    private readonly report: TaskContext['reportTables'],
  ) {}

  /** Starts from a previous run's statistics (resume) or from nothing. */
  seed(previous: readonly TableStatistics[]): void {
    for (const stats of previous) this.tables.set(keyOf(stats.SchemaName, stats.TableName), { ...stats });
  }

  /** Declares a table, `Before load` unless it is already known. */
  declare(name: TableName, state: TableStatistics['TableState'] = 'Before load'): void {
    const key = keyOf(name.schema, name.table);
    if (this.tables.has(key)) return;
    this.tables.set(key, {
      SchemaName: name.schema,
      TableName: name.table,
      Inserts: 0,
      Deletes: 0,
      Updates: 0,
      Ddls: 0,
      AppliedInserts: 0,
      AppliedDeletes: 0,
      AppliedUpdates: 0,
      AppliedDdls: 0,
      FullLoadRows: 0,
      FullLoadCondtnlChkFailedRows: 0,
      FullLoadErrorRows: 0,
      LastUpdateTime: this.clock.now(),
      TableState: state,
    });
  }

  loadStarted(name: TableName, reloading: boolean): void {
    this.update(name, (stats) => ({
      ...stats,
      TableState: reloading ? 'Table is being reloaded' : 'Full load',
      FullLoadRows: 0,
      FullLoadStartTime: this.clock.now(),
      ...(reloading ? { FullLoadReloaded: true } : {}),
    }));
  }

  loadProgress(name: TableName, rows: number): void {
    this.update(name, (stats) => ({ ...stats, FullLoadRows: rows }));
  }

  loadFinished(name: TableName, rows: number): void {
    this.update(name, (stats) => ({
      ...stats,
      TableState: 'Table completed',
      FullLoadRows: rows,
      FullLoadEndTime: this.clock.now(),
    }));
  }

  loadFailed(name: TableName): void {
    this.update(name, (stats) => ({ ...stats, TableState: 'Table error' }));
  }

  changesApplied(name: TableName, counts: Readonly<Record<ChangeOp, number>>): void {
    this.update(name, (stats) => ({
      ...stats,
      Inserts: stats.Inserts + counts.I,
      Updates: stats.Updates + counts.U,
      Deletes: stats.Deletes + counts.D,
      AppliedInserts: (stats.AppliedInserts ?? 0) + counts.I,
      AppliedUpdates: (stats.AppliedUpdates ?? 0) + counts.U,
      AppliedDeletes: (stats.AppliedDeletes ?? 0) + counts.D,
    }));
  }

  snapshot(): TableStatistics[] {
    return [...this.tables.values()].map((stats) => ({ ...stats }));
  }

  private update(name: TableName, change: (stats: TableStatistics) => TableStatistics): void {
    const key = keyOf(name.schema, name.table);
    if (!this.tables.has(key)) this.declare(name);
    const current = this.tables.get(key);
    if (!current) return;
    this.tables.set(key, { ...change(current), LastUpdateTime: this.clock.now() });
    this.report(this.snapshot());
  }
}

const keyOf = (schema: string, table: string): string => JSON.stringify([schema, table]);
