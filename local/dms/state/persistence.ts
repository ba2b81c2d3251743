/**
 * Keeps the emulator state in `<stateDir>/dms-state.json`. Writes are coalesced (many workload reports per second
 * would otherwise mean as many writes) and atomic (write a temporary file, then rename), so a crash leaves either the
 * previous or the next state, never half of one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyState, type StateData } from './records.ts';

const FILE_NAME = 'dms-state.json';
/** Real milliseconds between writes while changes keep coming. */
const WRITE_INTERVAL_MS = 200;

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export const loadState = (stateDir: string): StateData | undefined => {
  const file = join(stateDir, FILE_NAME);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StateFileError(
      `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1)
    throw new StateFileError(`${file} is not a version 1 DMS emulator state`);
  return { ...emptyState(), ...(parsed as StateData) };
};

export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly stateDir: string,
    private readonly snapshot: () => StateData,
  ) {
    mkdirSync(stateDir, { recursive: true });
  }

  /** Schedules a write soon; several calls in a row write once. */
  markDirty(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), WRITE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes one last time; later changes (work still settling after a shutdown) are not written. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  flush(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const file = join(this.stateDir, FILE_NAME);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.snapshot()));
    renameSync(temporary, file);
  }
}
