/**
 * The seam between the DMS emulator's control plane (task lifecycle, API) and the work a task does. The emulator
 * owns statuses, stop reasons, events and metrics; a workload moves (or simulates moving) data and reports progress
 * through the context's callbacks. Two implementations: the synthetic workload (a documented simulation for fleets)
 * and the PostgreSQL → Parquet data plane (`local/dataplane`).
 */
import type { Clock } from '../clock.ts';
import type { ReloadPoint } from './faults/reload-gate.ts';

export type StartType = 'start-replication' | 'resume-processing' | 'reload-target';
export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** A source or target endpoint as the emulator stores it (API field names, settings default-filled). */
export interface EndpointDescription {
  readonly endpointArn: string;
  readonly endpointIdentifier: string;
  readonly endpointType: 'SOURCE' | 'TARGET';
  readonly engineName: string;
  readonly serverName?: string;
  readonly port?: number;
  readonly databaseName?: string;
  readonly username?: string;
  readonly password?: string;
  readonly sslMode: string;
  /** PEM of the certificate the endpoint's `CertificateArn` names: the CA verify-ca/verify-full trust. */
  readonly trustedCa?: string;
  /** `PostgreSQLSettings` as sent (for sources). */
  readonly postgreSqlSettings?: Readonly<Record<string, unknown>>;
  /** `S3Settings` as sent (for targets). */
  readonly s3Settings?: Readonly<Record<string, unknown>>;
  /** `ExtraConnectionAttributes` as sent (e.g. `synthetic=true` routes a source to the synthetic workload). */
  readonly extraConnectionAttributes?: string;
}

/** One row of DescribeTableStatistics, in API field names. */
export interface TableStatistics {
  SchemaName: string;
  TableName: string;
  Inserts: number;
  Deletes: number;
  Updates: number;
  Ddls: number;
  AppliedInserts?: number;
  AppliedDeletes?: number;
  AppliedUpdates?: number;
  AppliedDdls?: number;
  FullLoadRows: number;
  FullLoadCondtnlChkFailedRows: number;
  FullLoadErrorRows: number;
  FullLoadStartTime?: number;
  FullLoadEndTime?: number;
  FullLoadReloaded?: boolean;
  /** Epoch seconds, as on the wire (milliseconds are accepted and converted). Same for FullLoadStart/EndTime. */
  LastUpdateTime: number;
  TableState:
    | 'Table does not exist'
    | 'Before load'
    | 'Full load'
    | 'Table completed'
    | 'Table cancelled'
    | 'Table error'
    | 'Table is being reloaded';
  ValidationState?: string;
}

/** Work-driven measurements a workload reports; the emulator's load model turns them into AWS/DMS metrics. */
export interface WorkloadSample {
  /** Rows read from the source since the previous sample. */
  readonly rowsRead: number;
  /** Bytes written to the target since the previous sample. */
  readonly bytesWritten: number;
  /** Rows held in memory waiting to be written (CDC batches). */
  readonly rowsBuffered: number;
  /** Bytes held in memory by the workload. */
  readonly bytesBuffered: number;
  /** Source commit → target file write latency of the oldest change written since the previous sample, seconds. */
  readonly cdcLatencySourceSeconds?: number;
  readonly cdcLatencyTargetSeconds?: number;
  /** Changes captured but not yet written. */
  readonly cdcIncomingChanges?: number;
}

export interface TaskContext {
  readonly taskArn: string;
  readonly taskIdentifier: string;
  readonly migrationType: MigrationType;
  readonly startType: StartType;
  /** Parsed `TableMappings`. */
  readonly tableMappings: { rules: ReadonlyArray<Readonly<Record<string, unknown>>> };
  /** Parsed, default-filled `ReplicationTaskSettings`. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly cdcStartPosition?: string;
  readonly source: EndpointDescription;
  readonly target: EndpointDescription;
  readonly instance: {
    readonly identifier: string;
    readonly instanceClass: string;
    readonly vCpu: number;
    readonly memoryGiB: number;
  };
  readonly clock: Clock;
  /** Aborted when the task is stopped, deleted, or its instance starts modifying/rebooting. */
  readonly signal: AbortSignal;

  /** Replaces the table statistics the emulator reports (full snapshot, not a delta). */
  reportTables(tables: readonly TableStatistics[]): void;
  /** Marks the full load finished (sets FullLoadFinishDate, progress 100). */
  reportFullLoadFinished(): void;
  /** Reports full-load progress in percent (ReplicationTaskStats.FullLoadProgressPercent); optional for workloads. */
  reportProgress?(percent: number): void;
  /** Reports a work sample (rows, bytes, latency) for metrics. */
  reportSample(sample: WorkloadSample): void;
  /** Saves a checkpoint (e.g. the last acknowledged LSN) that `resume-processing` gets back; persisted with the emulator state. */
  saveCheckpoint(checkpoint: string): void;
  /** The checkpoint saved by a previous run of this task, if any. */
  readonly checkpoint?: string;
  /**
   * Tables asked for with ReloadTables since the last call (each reported `Table is being reloaded` until the
   * workload reports it loaded again); a workload in CDC takes them and reloads them while CDC goes on.
   */
  takeTableReloads?(): readonly { readonly schemaName: string; readonly tableName: string }[];
  /**
   * A reload reached a point between its start and its completion (`prepared`: folder treated, table not read;
   * `loaded`: LOAD files written, table not reported completed); resolves when it may go on (the emulator's
   * ReloadGate may hold it).
   */
  reloadReached?(
    table: { readonly schemaName: string; readonly tableName: string },
    at: ReloadPoint,
  ): Promise<void>;
}

/** How a run ended when it ended on its own (not through the signal). */
export type RunOutcome =
  | {
      readonly kind: 'stopped';
      readonly stopReason:
        | 'FULL_LOAD_ONLY_FINISHED'
        | 'STOPPED_AFTER_FULL_LOAD'
        | 'STOPPED_AFTER_CACHED_EVENTS';
    }
  | {
      readonly kind: 'failed';
      readonly message: string;
      readonly stopReason: 'RECOVERABLE_ERROR' | 'FATAL_ERROR';
    };

export type ConnectionTestResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A task being deleted, as its workload needs it to let go of the source. */
export interface DeletedTask {
  readonly taskArn: string;
  readonly source: EndpointDescription;
  /** The checkpoint its last run saved, if it ever ran. */
  readonly checkpoint?: string;
}

export interface Workload {
  /** Runs TestConnection for an endpoint (source or target), as DMS does from the replication instance. */
  testConnection(endpoint: EndpointDescription): Promise<ConnectionTestResult>;
  /**
   * Runs a task once it is `running` (the emulator calls it after DMS's start-up delay, and again with
   * `resume-processing` after a pause). Resolves with an outcome when the task ends by itself (full load only, stop after
   * cached changes, failure). When `ctx.signal` aborts it must stop promptly and resolve (the outcome is then ignored);
   * for CDC it runs until aborted.
   */
  run(ctx: TaskContext): Promise<RunOutcome | undefined>;
  /**
   * The task is being deleted and its last run has ended: release what it holds on the source (DMS drops the
   * replication slot it created). Optional: a workload that holds nothing leaves it out.
   */
  taskDeleted?(task: DeletedTask): Promise<void>;
}
