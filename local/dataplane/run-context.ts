/** What the full load and the change stream of one task run share. */
import type { Clock } from '../clock.ts';
import type { WorkloadSample } from '../dms/workload.ts';
import type { UndocumentedBehaviour } from './choices.ts';
import type { ParquetWriter } from './parquet-writer.ts';
import type { DataPlaneSettings } from './settings.ts';
import type { SourceConnection } from './source.ts';
import type { TableStatsTracker } from './table-stats.ts';

export interface RunContext {
  readonly source: SourceConnection;
  readonly settings: DataPlaneSettings;
  /** The readings of what DMS does where AWS does not say (choices.ts). */
  readonly choices: UndocumentedBehaviour;
  /** Folder standing for S3. */
  readonly lakeDir: string;
  /** Folder for intermediate files. */
  readonly workDir: string;
  readonly writer: ParquetWriter;
  readonly stats: TableStatsTracker;
  /** The task clock: batch intervals, statistics times, file names. */
  readonly clock: Clock;
  /** Aborted when the task is stopped. */
  readonly signal: AbortSignal;
  reportSample(sample: WorkloadSample): void;
  /** Called before a file under `lakeDir` is published: throws when DMS may not write that object. */
  authorizeLakeWrite(file: string): void;
}
