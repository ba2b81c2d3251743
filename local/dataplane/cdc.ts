/**
 * Change data capture from the task's slot into per-table, timestamp-named Parquet files.
 *
 * Each cycle peeks at the committed transactions past the slot's confirmed position (peeking never consumes),
 * keeps the rows of the ones not seen yet in per-table buffers, writes a table's buffer once it is
 * CdcMaxBatchInterval old or CdcMinFileSize big (whichever comes first, on the task clock), and then advances the
 * slot only to the end of the last transaction none of whose rows is still in a buffer. A crash or a stop before
 * the advance therefore re-reads those transactions: changes may be written twice after a crash, never lost.
 *
 * DMS behaviour reproduced (docs/dms-behaviour.md §5, §6.3): `Op` I/U/D with the after-image for U and the
 * key columns for D (all old columns under REPLICA IDENTITY FULL); updates and deletes of tables without a
 * primary key are ignored, as are updates that change the key; TRUNCATE is not replicated;
 * CdcInsertsOnly/CdcInsertsAndUpdates drop the other operations; the TimestampColumnName column holds the
 * source commit time; added, dropped, renamed and retyped columns show in later files once the DDL captured on the
 * source (ddl-capture.ts) comes through the stream and `HandleSourceTableAltered` is on. What DMS does not document
 * (unchanged out-of-line values) follows the run's choices: docs/data-plane-fidelity.md.
 */
import type pg from 'pg';
import { CdcFileWriter, type CdcRow } from './cdc-files.ts';
import { ChangeSequence, commitMicros } from './change-sequence.ts';
import { type CapturedDdl, capturedDdlOf } from './ddl-capture.ts';
import { TaskFailure } from './errors.ts';
import { datePartitionPath } from './lake.ts';
import { advanceSlot, parseLsn, peekChanges, readSlot } from './replication-slot.ts';
import type { RunContext } from './run-context.ts';
import { connectSource } from './source.ts';
import { sameShape, type TablePlan, tableKey } from './table-plan.ts';
import type { ChangeOp } from './table-stats.ts';
import { type DecodedChange, parseDecodedLine, UNCHANGED_TOAST } from './test-decoding.ts';
import { parseCommitTime } from './timestamps.ts';
import { fillUnchangedToast } from './toast.ts';

export interface CdcCycle {
  /** Committed transactions read from the slot in this cycle that had not been seen before. */
  readonly transactionsRead: number;
  /** Row changes of replicated tables among them. */
  readonly changesRead: number;
  /** Files published in this cycle. */
  readonly filesWritten: readonly string[];
  /** Rows waiting in buffers after the cycle. */
  readonly rowsBuffered: number;
  /** The slot's confirmed position after the cycle. */
  readonly confirmedLsn: string;
}

export interface CdcObserver {
  /** After files are durable and before the slot is advanced (a crash here must lose nothing). */
  filesPublished?(files: readonly string[]): void | Promise<void>;
  /** After every cycle. */
  cycleFinished?(cycle: CdcCycle): void;
}

export interface CdcOptions extends RunContext {
  readonly slotName: string;
  readonly pollIntervalMs: number;
  /** About how many changes one peek returns (whole transactions). */
  readonly maxChangesPerPeek: number;
  /**
   * Buffered bytes above which no more changes are read until files are written by DMS's rule (back pressure,
   * as a DMS task stops reading its source while the target is behind); never a reason to write a file early.
   */
  readonly maxBufferedBytes: number;
  /** The plan of a table the task replicates, or undefined when the task does not select it. */
  planFor(schema: string, table: string, refresh: boolean): Promise<TablePlan | undefined>;
  /** Persists the new confirmed position (the checkpoint). */
  confirmed(lsn: string): void;
  readonly observer?: CdcObserver;
}

interface BufferedRow extends CdcRow {
  /** Order of the transaction among those read by this stream. */
  readonly txn: number;
}

interface TableBuffer {
  readonly plan: TablePlan;
  readonly rows: BufferedRow[];
  bytes: number;
  /** Task-clock time the oldest row was read. */
  firstReadAt: number;
  /** Wall time the oldest row was read, for source latency. */
  firstReadWallMs: number;
}

interface ReadTransaction {
  readonly order: number;
  readonly endLsn: string;
}

interface PendingTransaction {
  xid: string;
  changes: DecodedChange[];
}

export class CdcStream {
  private client: pg.Client | undefined;
  private readonly buffers = new Map<string, TableBuffer>();
  /** Transactions read and not yet acknowledged, in commit order. */
  private readonly unacknowledged: ReadTransaction[] = [];
  private nextOrder = 0;
  private lastReadLsn = 0n;
  private confirmedLsn = '0/0';
  private rowsReadSinceSample = 0;
  private bytesWrittenSinceSample = 0;
  private readonly files: CdcFileWriter;
  /** Files written while reading (a table's schema changed), published with the cycle's own. */
  private readonly writtenOutOfCycle: string[] = [];
  private readonly changeSequence = new ChangeSequence();
  /** Tables being reloaded: their changes are read and kept (cached), and written once the reload is done. */
  private readonly held = new Set<string>();
  /** Tables whose reload failed: their changes are no longer applied (DMS suspends a table in error). */
  private readonly suspended = new Set<string>();

  constructor(private readonly options: CdcOptions) {
    this.files = new CdcFileWriter(options);
  }

  /** Connects and checks the slot is there; the confirmed position becomes the starting point. */
  async open(): Promise<void> {
    this.client = await connectSource(this.options.source);
    const slot = await readSlot(this.client, this.options.slotName);
    if (!slot) {
      throw new TaskFailure(
        `Replication slot "${this.options.slotName}" does not exist on the source; the task cannot resume change processing`,
        'FATAL_ERROR',
      );
    }
    this.confirmedLsn = slot.confirmedFlushLsn ?? '0/0';
    this.lastReadLsn = parseLsn(this.confirmedLsn);
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /**
   * Keeps the table's changes from now on out of the lake until `release` (a reload's cached changes). Called
   * between cycles, so no file of the table is being written meanwhile.
   */
  hold(key: string): void {
    this.held.add(key);
  }

  release(key: string): void {
    this.held.delete(key);
  }

  /** Drops the table's buffered changes and ignores its later ones. */
  suspend(key: string): void {
    this.held.delete(key);
    this.suspended.add(key);
    const buffer = this.buffers.get(key);
    if (buffer) {
      buffer.rows.length = 0;
      buffer.bytes = 0;
    }
  }

  /**
   * Runs cycles every poll interval until the signal aborts; `betweenCycles` runs before each (no file is being
   * written then). Unwritten rows are dropped, not acknowledged.
   */
  async runUntilAborted(betweenCycles?: () => void): Promise<void> {
    const { clock, signal, pollIntervalMs } = this.options;
    while (!signal.aborted) {
      betweenCycles?.();
      await this.cycle({ force: false });
      // Wake for the next read, or earlier when a buffer falls due, so files are not late by a poll interval.
      await clock.sleep(Math.min(pollIntervalMs, this.msUntilNextFlush()), signal).catch(() => undefined);
    }
  }

  private msUntilNextFlush(): number {
    const intervalMs = this.options.settings.target.cdcMaxBatchIntervalSeconds * 1000;
    let soonest = Number.POSITIVE_INFINITY;
    for (const [key, buffer] of this.buffers) {
      if (buffer.rows.length > 0 && !this.held.has(key))
        soonest = Math.min(soonest, buffer.firstReadAt + intervalMs);
    }
    return Math.max(0, soonest - this.options.clock.now());
  }

  /**
   * Writes every change committed up to `stopLsn` (the cached changes of a full load) and acknowledges them,
   * then returns.
   */
  async applyUntil(stopLsn: string): Promise<void> {
    for (;;) {
      if (this.options.signal.aborted) return;
      const cycle = await this.cycle({ force: true, uptoLsn: stopLsn });
      if (cycle.transactionsRead === 0 && cycle.rowsBuffered === 0) return;
    }
  }

  /** One read-buffer-write-acknowledge round. */
  async cycle(options: { force: boolean; uptoLsn?: string }): Promise<CdcCycle> {
    // Files roll over only by CdcMaxBatchInterval or CdcMinFileSize, per table; a full memory budget pauses reading.
    const { transactionsRead, changesRead } =
      this.bufferedBytes() < this.options.maxBufferedBytes
        ? await this.read(options.uptoLsn)
        : { transactionsRead: 0, changesRead: 0 };
    const files = [...this.writtenOutOfCycle.splice(0), ...(await this.writeDue(options.force))];
    if (files.length > 0) await this.options.observer?.filesPublished?.(files);
    await this.acknowledge();
    this.sample();
    const cycle = {
      transactionsRead,
      changesRead,
      filesWritten: files,
      rowsBuffered: this.bufferedRows(),
      confirmedLsn: this.confirmedLsn,
    };
    this.options.observer?.cycleFinished?.(cycle);
    return cycle;
  }

  private connection(): pg.Client {
    if (!this.client) throw new Error('CDC stream is not open');
    return this.client;
  }

  private async read(
    uptoLsn: string | undefined,
  ): Promise<{ transactionsRead: number; changesRead: number }> {
    const rows = await peekChanges(this.connection(), this.options.slotName, {
      maxChanges: this.options.maxChangesPerPeek,
      ...(uptoLsn ? { uptoLsn } : {}),
    });
    let read = 0;
    let transactions = 0;
    let pending: PendingTransaction | undefined;
    for (const row of rows) {
      const line = parseDecodedLine(row.data);
      if (line.kind === 'BEGIN') pending = { xid: line.xid, changes: [] };
      else if (line.kind === 'CHANGE') pending?.changes.push(line.change);
      else if (line.kind === 'COMMIT' && pending) {
        const endLsn = parseLsn(row.lsn);
        // Transactions up to the last one read are still held in buffers (peek does not consume).
        if (endLsn > this.lastReadLsn) {
          read += await this.buffer(pending, row.lsn, line.commitTime);
          transactions += 1;
          this.lastReadLsn = endLsn;
        }
        pending = undefined;
      }
    }
    this.rowsReadSinceSample += read;
    return { transactionsRead: transactions, changesRead: read };
  }

  private async buffer(
    transaction: PendingTransaction,
    endLsn: string,
    commitTime: string | undefined,
  ): Promise<number> {
    const order = this.nextOrder++;
    this.unacknowledged.push({ order, endLsn });
    const commit = parseCommitTime(commitTime ?? '1970-01-01 00:00:00+00');
    const micros = commitMicros(commit.epochMs, commit.text);
    let kept = 0;
    const artifactsSchema = this.options.settings.source.ddlArtifactsSchema;
    for (const [index, change] of transaction.changes.entries()) {
      const ddl = artifactsSchema === undefined ? undefined : capturedDdlOf(change, artifactsSchema);
      if (ddl) {
        await this.applyDdl(ddl);
        continue;
      }
      const sequence = this.changeSequence.next(micros, endLsn, index);
      const row = await this.rowOf(change, order, commit.epochMs, commit.text, sequence);
      if (!row) continue;
      const { plan, buffered } = row;
      const key = tableKey(plan.source);
      let buffer = this.buffers.get(key);
      if (!buffer) {
        buffer = {
          plan,
          rows: [],
          bytes: 0,
          firstReadAt: this.options.clock.now(),
          firstReadWallMs: Date.now(),
        };
        this.buffers.set(key, buffer);
      } else if (buffer.plan !== plan) {
        // A Parquet file has one schema: rows read before the change go out under the old one.
        if (buffer.rows.length > 0 && !sameShape(buffer.plan, plan)) {
          this.writtenOutOfCycle.push(...(await this.writeTable(buffer)));
        }
        buffer = { ...buffer, plan };
        this.buffers.set(key, buffer);
      }
      if (buffer.rows.length === 0) {
        buffer.firstReadAt = this.options.clock.now();
        buffer.firstReadWallMs = Date.now();
      }
      buffer.rows.push(buffered);
      buffer.bytes += buffered.values.reduce<number>(
        (sum, value) => sum + (typeof value === 'string' ? value.length : 1),
        8,
      );
      kept++;
    }
    return kept;
  }

  /**
   * A table altered at the source (its DDL captured by the event trigger, ddl-capture.ts): with
   * `HandleSourceTableAltered` its plan is read again, so its later changes go to files with the new columns (a
   * buffer of rows read before is written under the old ones first). Without it the table keeps the columns it had:
   * added columns stay out of the lake and dropped ones read NULL.
   */
  private async applyDdl(ddl: CapturedDdl): Promise<void> {
    if (ddl.tag !== 'ALTER TABLE' || !this.options.settings.ddlHandling.handleSourceTableAltered) return;
    await this.options.planFor(ddl.schema, ddl.table, true);
  }

  private async rowOf(
    change: DecodedChange,
    txn: number,
    commitMs: number,
    commitText: string,
    changeSequence: string,
  ): Promise<{ plan: TablePlan; buffered: BufferedRow } | undefined> {
    const target = this.options.settings.target;
    const op: ChangeOp = change.kind === 'INSERT' ? 'I' : change.kind === 'UPDATE' ? 'U' : 'D';
    if (target.cdcInsertsOnly && op !== 'I') return undefined;
    if (target.cdcInsertsAndUpdates && op === 'D') return undefined;
    const plan = await this.options.planFor(change.schema, change.table, false);
    if (!plan || this.suspended.has(tableKey(plan.source))) return undefined;
    if (op !== 'I' && !plan.capturesUpdatesAndDeletes) return undefined;
    if (op === 'U' && keyChanged(plan, change)) return undefined;
    const old = change.oldKey;
    const values = plan.columns.map((column) => {
      const value = change.values.get(column.source) ?? null;
      // Under REPLICA IDENTITY FULL the old row carries an unchanged out-of-line value in full.
      return value === UNCHANGED_TOAST && old?.has(column.source) ? (old.get(column.source) ?? null) : value;
    });
    return { plan, buffered: { txn, op, commitMs, commitText, values, changeSequence } };
  }

  private bufferedBytes(): number {
    let bytes = 0;
    for (const buffer of this.buffers.values()) bytes += buffer.bytes;
    return bytes;
  }

  private bufferedRows(): number {
    let rows = 0;
    for (const buffer of this.buffers.values()) rows += buffer.rows.length;
    return rows;
  }

  private async writeDue(force: boolean): Promise<string[]> {
    const { clock, settings } = this.options;
    const intervalMs = settings.target.cdcMaxBatchIntervalSeconds * 1000;
    const minBytes = settings.target.cdcMinFileSizeKb * 1024;
    const files: string[] = [];
    for (const [key, buffer] of this.buffers) {
      if (buffer.rows.length === 0 || this.held.has(key)) continue;
      const due = force || clock.now() - buffer.firstReadAt >= intervalMs || buffer.bytes >= minBytes;
      if (!due) continue;
      files.push(...(await this.writeTable(buffer)));
    }
    return files;
  }

  private async writeTable(buffer: TableBuffer): Promise<string[]> {
    const { settings, clock } = this.options;
    const { plan } = buffer;
    if (this.options.choices.unchangedToast === 'lookup') {
      await fillUnchangedToast(this.connection(), plan, buffer.rows);
    }
    const partitioning = settings.target.datePartitioning;
    const groups = new Map<string, BufferedRow[]>();
    for (const row of buffer.rows) {
      const folder = partitioning ? datePartitionPath(row.commitMs, partitioning) : '';
      const group = groups.get(folder);
      if (group) group.push(row);
      else groups.set(folder, [row]);
    }
    const files: string[] = [];
    for (const [folder, rows] of groups) {
      const written = await this.files.write(plan, folder, rows);
      files.push(written.file);
      this.bytesWrittenSinceSample += written.bytes;
    }
    const counts: Record<ChangeOp, number> = { I: 0, U: 0, D: 0 };
    for (const row of buffer.rows) counts[row.op]++;
    this.options.stats.changesApplied(plan.source, counts);
    const oldestCommitMs = Math.min(...buffer.rows.map((row) => row.commitMs));
    const sourceLatency = Math.max(0, buffer.firstReadWallMs - oldestCommitMs) / 1000;
    this.options.reportSample({
      rowsRead: 0,
      bytesWritten: 0,
      rowsBuffered: this.bufferedRows() - buffer.rows.length,
      bytesBuffered: 0,
      cdcLatencySourceSeconds: sourceLatency,
      cdcLatencyTargetSeconds: sourceLatency + Math.max(0, clock.now() - buffer.firstReadAt) / 1000,
    });
    buffer.rows.length = 0;
    buffer.bytes = 0;
    return files;
  }

  /** Advances the slot past every transaction none of whose rows is still buffered. */
  private async acknowledge(): Promise<void> {
    let oldestBuffered = Number.POSITIVE_INFINITY;
    for (const buffer of this.buffers.values()) {
      const first = buffer.rows[0];
      if (first) oldestBuffered = Math.min(oldestBuffered, first.txn);
    }
    let target: string | undefined;
    while (this.unacknowledged.length > 0) {
      const next = this.unacknowledged[0];
      if (!next || next.order >= oldestBuffered) break;
      target = next.endLsn;
      this.unacknowledged.shift();
    }
    if (!target || parseLsn(target) <= parseLsn(this.confirmedLsn)) return;
    await advanceSlot(this.connection(), this.options.slotName, target);
    this.confirmedLsn = target;
    this.options.confirmed(target);
  }

  private sample(): void {
    this.options.reportSample({
      rowsRead: this.rowsReadSinceSample,
      bytesWritten: this.bytesWrittenSinceSample,
      rowsBuffered: this.bufferedRows(),
      bytesBuffered: this.bufferedBytes(),
      cdcIncomingChanges: this.bufferedRows(),
    });
    this.rowsReadSinceSample = 0;
    this.bytesWrittenSinceSample = 0;
  }
}

const keyChanged = (plan: TablePlan, change: DecodedChange): boolean => {
  const oldKey = change.oldKey;
  if (!oldKey) return false;
  return plan.primaryKey.some((name) => oldKey.has(name) && oldKey.get(name) !== change.values.get(name));
};
