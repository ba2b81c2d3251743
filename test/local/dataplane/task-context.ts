/**
 * A fake TaskContext for driving the data plane directly: a ManualClock, an AbortController, and everything the
 * workload reports recorded for assertions. Settings are DMS defaults plus what a test overrides.
 */
import { ManualClock } from '#local/clock';
import type {
  MigrationType,
  StartType,
  TableStatistics,
  TaskContext,
  WorkloadSample,
} from '#local/dms/workload';
import type { TestDatabase } from '#test/postgres';

export interface FakeTaskOptions {
  readonly db: TestDatabase;
  readonly migrationType?: MigrationType;
  readonly startType?: StartType;
  readonly s3Settings?: Record<string, unknown>;
  readonly postgreSqlSettings?: Record<string, unknown>;
  readonly fullLoadSettings?: Record<string, unknown>;
  readonly targetMetadata?: Record<string, unknown>;
  readonly ddlHandlingPolicy?: Record<string, unknown>;
  readonly rules?: ReadonlyArray<Record<string, unknown>>;
  readonly clock?: ManualClock;
  readonly checkpoint?: string;
  readonly cdcStartPosition?: string;
  readonly taskArn?: string;
  readonly instance?: TaskContext['instance'];
  /** The source endpoint's SslMode; default `none`. */
  readonly sslMode?: string;
}

export interface FakeTask {
  readonly ctx: TaskContext;
  readonly clock: ManualClock;
  readonly controller: AbortController;
  readonly tables: () => readonly TableStatistics[];
  readonly table: (name: string) => TableStatistics | undefined;
  readonly samples: WorkloadSample[];
  readonly fullLoadFinished: () => number;
  /** Every FullLoadProgressPercent reported, in order. */
  readonly progress: number[];
  readonly checkpoint: () => string | undefined;
}

export const includeAll = (schema = 'public'): Record<string, unknown> => ({
  'rule-type': 'selection',
  'rule-id': '1',
  'rule-name': 'include-all',
  'object-locator': { 'schema-name': schema, 'table-name': '%' },
  'rule-action': 'include',
  filters: [],
});

/** Slot names are server-wide and the tests share one server: one task, hence one slot, per test database. */
export const taskArnOf = (db: TestDatabase): string =>
  `arn:aws:dms:us-east-1:123456789012:task:${db.name.toUpperCase()}`;

export const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:source';

/** The secret resolver for a test database, in the RDS secret layout. */
export const secretFor =
  (db: TestDatabase) =>
  async (secretId: string): Promise<string> => {
    if (secretId !== SECRET_ID) throw new Error(`unknown secret ${secretId}`);
    return JSON.stringify({
      host: db.host,
      port: db.port,
      username: db.user,
      password: db.password,
      dbname: db.name,
    });
  };

export const fakeTask = (options: FakeTaskOptions): FakeTask => {
  const clock = options.clock ?? new ManualClock();
  const controller = new AbortController();
  let tables: readonly TableStatistics[] = [];
  let finished = 0;
  let checkpoint = options.checkpoint;
  const samples: WorkloadSample[] = [];
  const progress: number[] = [];
  const ctx: TaskContext = {
    taskArn: options.taskArn ?? 'arn:aws:dms:us-east-1:123456789012:task:TASKONE',
    taskIdentifier: 'task-one',
    migrationType: options.migrationType ?? 'full-load-and-cdc',
    startType: options.startType ?? 'start-replication',
    tableMappings: { rules: options.rules ?? [includeAll()] },
    settings: {
      TargetMetadata: {
        SupportLobs: true,
        FullLobMode: false,
        LimitedSizeLobMode: true,
        LobMaxSize: 32,
        ...options.targetMetadata,
      },
      FullLoadSettings: {
        TargetTablePrepMode: 'DROP_AND_CREATE',
        MaxFullLoadSubTasks: 8,
        StopTaskCachedChangesApplied: false,
        StopTaskCachedChangesNotApplied: false,
        ...options.fullLoadSettings,
      },
      ...(options.ddlHandlingPolicy ? { ChangeProcessingDdlHandlingPolicy: options.ddlHandlingPolicy } : {}),
    },
    source: {
      endpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE',
      endpointIdentifier: 'source',
      endpointType: 'SOURCE',
      engineName: 'postgres',
      databaseName: options.db.name,
      sslMode: options.sslMode ?? 'none',
      postgreSqlSettings: { SecretsManagerSecretId: SECRET_ID, ...options.postgreSqlSettings },
    },
    target: {
      endpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:TARGET',
      endpointIdentifier: 'target',
      endpointType: 'TARGET',
      engineName: 's3',
      sslMode: 'none',
      s3Settings: { BucketName: 'lake', BucketFolder: 'raw', DataFormat: 'parquet', ...options.s3Settings },
    },
    instance: options.instance ?? {
      identifier: 'rep-one',
      instanceClass: 'dms.r5.xlarge',
      vCpu: 4,
      memoryGiB: 32,
    },
    clock,
    signal: controller.signal,
    reportTables: (next) => {
      tables = next;
    },
    reportFullLoadFinished: () => {
      finished += 1;
    },
    reportProgress: (percent) => {
      progress.push(percent);
    },
    reportSample: (sample) => {
      samples.push(sample);
    },
    saveCheckpoint: (next) => {
      checkpoint = next;
    },
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    ...(options.cdcStartPosition ? { cdcStartPosition: options.cdcStartPosition } : {}),
  };
  return {
    ctx,
    clock,
    controller,
    tables: () => tables,
    table: (name) => tables.find((stats) => `${stats.SchemaName}.${stats.TableName}` === name),
    samples,
    fullLoadFinished: () => finished,
    progress,
    checkpoint: () => checkpoint,
  };
};
