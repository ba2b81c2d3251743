/**
 * The task's recovery checkpoint (what `resume-processing` continues from), saved through the context. The slot's
 * confirmed position is the source of truth for CDC; the checkpoint adds what the slot cannot know: which tables
 * finished their full load, whether the cached changes were applied, and the table statistics.
 */
import type { TableStatistics } from '../dms/workload.ts';

export interface Checkpoint {
  readonly version: 1;
  readonly slotName?: string;
  /** Source tables (`schema.table`) whose full load completed. */
  readonly loadedTables: readonly string[];
  readonly fullLoadFinished: boolean;
  /** The WAL position up to which changes were written and acknowledged. */
  readonly confirmedLsn?: string;
  readonly tables: readonly TableStatistics[];
}

export const EMPTY_CHECKPOINT: Checkpoint = {
  version: 1,
  loadedTables: [],
  fullLoadFinished: false,
  tables: [],
};

export const encodeCheckpoint = (checkpoint: Checkpoint): string => JSON.stringify(checkpoint);

/** Reads a saved checkpoint; anything unreadable counts as none (the task then starts its load over). */
export const decodeCheckpoint = (text: string | undefined): Checkpoint => {
  if (!text) return EMPTY_CHECKPOINT;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || (value as { version?: unknown }).version !== 1) {
      return EMPTY_CHECKPOINT;
    }
    const doc = value as Partial<Checkpoint>;
    return {
      version: 1,
      ...(typeof doc.slotName === 'string' ? { slotName: doc.slotName } : {}),
      loadedTables: Array.isArray(doc.loadedTables)
        ? doc.loadedTables.filter((t) => typeof t === 'string')
        : [],
      fullLoadFinished: doc.fullLoadFinished === true,
      ...(typeof doc.confirmedLsn === 'string' ? { confirmedLsn: doc.confirmedLsn } : {}),
      tables: Array.isArray(doc.tables) ? doc.tables : [],
    };
  } catch {
    return EMPTY_CHECKPOINT;
  }
};
