/**
 * Where a table's `COPY … TO STDOUT (FORMAT csv)` lands: files of about `chunkBytes` each, cut only between rows,
 * each stamped with the task-clock time its last row arrived. The stamps are the full load's transfer times
 * (TimestampColumnName), which DMS documents as increasing with the time data arrives; rows are counted exactly
 * (a line end inside a quoted value is not a row end).
 *
 * COPY delivers one small chunk per row; writing them one by one halves throughput, so chunks are gathered into
 * 1 MiB writes.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { Clock } from '../clock.ts';

export interface CsvChunk {
  readonly file: string;
  /** Task-clock epoch ms when the chunk's last row arrived. */
  readonly arrivedAt: number;
  readonly rows: number;
  /** Size of the chunk's CSV text. */
  readonly bytes: number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const WRITE_BATCH_BYTES = 1 << 20;

/** Finds row ends in CSV text that arrives in pieces; PostgreSQL doubles quotes inside quoted values. */
class RowBoundaries {
  private inQuotes = false;

  /** Row ends in `chunk`: how many, and the offset just past the last one (0 when none). */
  scan(chunk: Buffer): { rows: number; end: number } {
    let rows = 0;
    let end = 0;
    let position = 0;
    let quote = chunk.indexOf(QUOTE, position);
    for (;;) {
      if (this.inQuotes) {
        if (quote < 0) break;
        this.inQuotes = false;
        position = quote + 1;
        quote = chunk.indexOf(QUOTE, position);
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, position);
      if (quote >= 0 && (newline < 0 || quote < newline)) {
        this.inQuotes = true;
        position = quote + 1;
        quote = chunk.indexOf(QUOTE, position);
        continue;
      }
      if (newline < 0) break;
      rows += 1;
      end = newline + 1;
      position = end;
    }
    return { rows, end };
  }
}

export interface ChunkSinkOptions {
  /** Path prefix; chunk n is written to `<base>-<n>.csv`. */
  readonly base: string;
  readonly chunkBytes: number;
  readonly clock: Clock;
  /** Called with the number of rows completed by each piece received. */
  readonly progress: (rows: number) => void;
}

/** A writable stream splitting COPY output into chunk files; `chunks()` lists them once it has finished. */
export class CsvChunkSink extends Writable {
  private readonly boundaries = new RowBoundaries();
  private readonly done: CsvChunk[] = [];
  private handle: FileHandle | undefined;
  private file = '';
  private parts: Buffer[] = [];
  private pending = 0;
  private written = 0;
  private rows = 0;

  constructor(private readonly options: ChunkSinkOptions) {
    super();
  }

  chunks(): readonly CsvChunk[] {
    return this.done;
  }

  /** Every chunk file opened, finished or not (for clean-up after a failure). */
  files(): string[] {
    return Array.from({ length: this.done.length + (this.handle ? 1 : 0) }, (_, n) => this.pathOf(n));
  }

  private pathOf(n: number): string {
    return `${this.options.base}-${n}.csv`;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeChunk().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    (handle ? handle.close() : Promise.resolve()).then(
      () => callback(error),
      () => callback(error),
    );
  }

  private async accept(chunk: Buffer): Promise<void> {
    const { rows, end } = this.boundaries.scan(chunk);
    this.options.progress(rows);
    const full = this.written + this.pending + chunk.length >= this.options.chunkBytes;
    if (full && end > 0) {
      // Cut after the last complete row: it closes this chunk, the rest starts the next.
      await this.append(chunk.subarray(0, end), rows);
      await this.closeChunk();
      if (end < chunk.length) await this.append(chunk.subarray(end), 0);
      return;
    }
    await this.append(chunk, rows);
  }

  private async append(piece: Buffer, rows: number): Promise<void> {
    if (!this.handle) {
      this.file = this.pathOf(this.done.length);
      this.handle = await open(this.file, 'w');
    }
    this.parts.push(piece);
    this.pending += piece.length;
    this.rows += rows;
    if (this.pending >= WRITE_BATCH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.handle || this.pending === 0) return;
    const buffer = Buffer.concat(this.parts, this.pending);
    this.parts = [];
    this.written += this.pending;
    this.pending = 0;
    await this.handle.write(buffer);
  }

  private async closeChunk(): Promise<void> {
    if (!this.handle) return;
    await this.flush();
    await this.handle.close();
    this.handle = undefined;
    this.done.push({
      file: this.file,
      arrivedAt: this.options.clock.now(),
      rows: this.rows,
      bytes: this.written,
    });
    this.written = 0;
    this.rows = 0;
  }
}
