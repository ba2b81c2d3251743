import type { TaskRecord } from './records.ts';

/** Full-load progress: reported by the workload, else the share of tables completed. */
export const progressOf = (task: TaskRecord): number => {
  if (task.stats.fullLoadFinishDate !== undefined) return 100;
  if (task.stats.progressPercent > 0 || task.tables.length === 0) return task.stats.progressPercent;
  const done = task.tables.filter((table) => table.TableState === 'Table completed').length;
  return Math.floor((100 * done) / task.tables.length);
};
