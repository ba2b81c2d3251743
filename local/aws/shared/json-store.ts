/** Where a local service keeps its state: in memory, or in a JSON file under the state directory so it survives a restart. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JsonStore<T> {
  load(): T | undefined;
  save(value: T): void;
}

export const memoryStore = <T>(): JsonStore<T> => {
  let current: T | undefined;
  return {
    load: () => current,
    save: (value) => {
      current = value;
    },
  };
};

/** A JSON file written atomically (temp file + rename) so a crash never leaves half a file. */
export const fileStore = <T>(path: string): JsonStore<T> => ({
  load: () => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  save: (value) => {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    writeFileSync(temp, JSON.stringify(value));
    renameSync(temp, path);
  },
});
