import * as z from 'zod';

/**
 * Replication task settings a request may override (docs/dms-behaviour.md §7.1): known sections and keys
 * only, each with its type and DMS range. Values an S3 target or lakeshift's lifecycle cannot work with are
 * refused with why.
 */

const count = (what = 'a whole number') => z.number().int(`must be ${what}`).nonnegative('must be >= 0');
const positive = () => z.number().int('must be a whole number').positive('must be > 0');

const section = <Shape extends z.ZodRawShape>(shape: Shape) => z.strictObject(shape).partial();

const errorPolicy = z.enum(['IGNORE_RECORD', 'LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK']);
const escalationPolicy = z.enum(['LOG_ERROR', 'SUSPEND_TABLE', 'STOP_TASK']);

export const LOG_COMPONENT_IDS = [
  'TRANSFORMATION',
  'SOURCE_UNLOAD',
  'IO',
  'TARGET_LOAD',
  'PERFORMANCE',
  'SOURCE_CAPTURE',
  'SORTER',
  'REST_SERVER',
  'VALIDATOR_EXT',
  'TARGET_APPLY',
  'TASK_MANAGER',
  'TABLES_MANAGER',
  'METADATA_MANAGER',
  'FILE_FACTORY',
  'COMMON',
  'ADDONS',
  'DATA_STRUCTURE',
  'COMMUNICATION',
  'FILE_TRANSFER',
] as const;

const logComponents = z
  .array(
    z.strictObject({
      Id: z.enum(LOG_COMPONENT_IDS),
      Severity: z.enum([
        'LOGGER_SEVERITY_ERROR',
        'LOGGER_SEVERITY_WARNING',
        'LOGGER_SEVERITY_INFO',
        'LOGGER_SEVERITY_DEFAULT',
        'LOGGER_SEVERITY_DEBUG',
        'LOGGER_SEVERITY_DETAILED_DEBUG',
      ]),
    }),
  )
  .refine(
    (components) => new Set(components.map((component) => component.Id)).size === components.length,
    'must not list a component Id twice',
  );

export const taskSettingsOverridesSchema = z
  .strictObject({
    TargetMetadata: section({
      TargetSchema: z.string(),
      SupportLobs: z.boolean(),
      FullLobMode: z.literal(false, {
        error: 'must be false: full LOB mode is not supported with an S3 target',
      }),
      LobChunkSize: positive(),
      LimitedSizeLobMode: z.boolean(),
      LobMaxSize: positive().max(102_400, 'must be at most 102,400 KB'),
      InlineLobMaxSize: count(),
      LoadMaxFileSize: count(),
      ParallelLoadThreads: count().max(32, 'must be at most 32'),
      ParallelLoadBufferSize: count().max(1000, 'must be at most 1000'),
      ParallelLoadQueuesPerThread: positive(),
      ParallelApplyThreads: count().max(32, 'must be at most 32'),
      ParallelApplyBufferSize: count(),
      ParallelApplyQueuesPerThread: positive(),
      BatchApplyEnabled: z.literal(false, {
        error: 'must be false: batch apply is not supported with an S3 target (risk of data loss)',
      }),
      TaskRecoveryTableEnabled: z.boolean(),
    }),
    FullLoadSettings: section({
      TargetTablePrepMode: z.enum(['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD']),
      CreatePkAfterFullLoad: z.boolean(),
      StopTaskCachedChangesApplied: z.literal(true, {
        error:
          'must stay true: lakeshift steps the instance down while the task is stopped after the full load',
      }),
      StopTaskCachedChangesNotApplied: z.literal(false, {
        error: 'must stay false: the task must apply cached changes before it stops after the full load',
      }),
      MaxFullLoadSubTasks: positive().max(49, 'must be at most 49 (DMS limit)'),
      TransactionConsistencyTimeout: count('a whole number of seconds'),
      CommitRate: positive().max(50_000, 'must be at most 50,000 (DMS limit)'),
    }),
    Logging: section({
      EnableLogging: z.boolean(),
      EnableLogContext: z.boolean(),
      DeleteTaskLogs: z.boolean(),
      LogComponents: logComponents,
    }),
    ControlTablesSettings: section({
      ControlSchema: z.string(),
      HistoryTimeslotInMinutes: positive(),
      HistoryTableEnabled: z.boolean(),
      SuspendedTablesTableEnabled: z.boolean(),
      StatusTableEnabled: z.boolean(),
    }),
    StreamBufferSettings: section({
      StreamBufferCount: positive(),
      StreamBufferSizeInMB: positive(),
    }),
    ChangeProcessingTuning: section({
      BatchApplyPreserveTransaction: z.boolean(),
      BatchApplyTimeoutMin: count(),
      BatchApplyTimeoutMax: count(),
      BatchApplyMemoryLimit: positive(),
      BatchSplitSize: count(),
      MinTransactionSize: positive(),
      CommitTimeout: positive(),
      MemoryLimitTotal: positive(),
      MemoryKeepTime: positive(),
      StatementCacheSize: count().max(200, 'must be at most 200'),
    }),
    ChangeProcessingDdlHandlingPolicy: section({
      HandleSourceTableDropped: z.boolean(),
      HandleSourceTableTruncated: z.boolean(),
      HandleSourceTableAltered: z.boolean(),
    }),
    ErrorBehavior: section({
      DataErrorPolicy: errorPolicy,
      DataTruncationErrorPolicy: errorPolicy,
      DataErrorEscalationPolicy: escalationPolicy,
      DataErrorEscalationCount: count(),
      TableErrorPolicy: z.enum(['SUSPEND_TABLE', 'STOP_TASK']),
      TableErrorEscalationPolicy: z.enum(['SUSPEND_TABLE', 'STOP_TASK']),
      TableErrorEscalationCount: count(),
      RecoverableErrorCount: z
        .number()
        .int('must be a whole number')
        .min(-1, 'must be -1 (retry forever) or more'),
      RecoverableErrorInterval: positive(),
      RecoverableErrorThrottling: z.boolean(),
      RecoverableErrorThrottlingMax: positive(),
      RecoverableErrorStopRetryAfterThrottlingMax: z.boolean(),
      ApplyErrorDeletePolicy: errorPolicy,
      ApplyErrorInsertPolicy: z.enum([
        'IGNORE_RECORD',
        'LOG_ERROR',
        'SUSPEND_TABLE',
        'STOP_TASK',
        'INSERT_RECORD',
      ]),
      ApplyErrorUpdatePolicy: z.enum([
        'IGNORE_RECORD',
        'LOG_ERROR',
        'SUSPEND_TABLE',
        'STOP_TASK',
        'UPDATE_RECORD',
      ]),
      ApplyErrorEscalationPolicy: escalationPolicy,
      ApplyErrorEscalationCount: count(),
      ApplyErrorFailOnTruncationDdl: z.boolean(),
      FullLoadIgnoreConflicts: z.boolean(),
      FailOnTransactionConsistencyBreached: z.boolean(),
      FailOnNoTablesCaptured: z.boolean(),
      EventErrorPolicy: z.enum(['IGNORE', 'STOP_TASK']),
    }),
    ValidationSettings: section({
      EnableValidation: z.boolean(),
      ValidationMode: z.enum(['ROW_LEVEL']),
      ThreadCount: positive(),
      PartitionSize: positive(),
      FailureMaxCount: count(),
      RecordFailureDelayInMinutes: count(),
      RecordSuspendDelayInMinutes: count(),
      MaxKeyColumnSize: positive(),
      TableFailureMaxCount: count(),
      ValidationOnly: z.boolean(),
      HandleCollationDiff: z.boolean(),
      SkipLobColumns: z.boolean(),
    }),
  })
  .partial();

export type TaskSettingsOverrides = z.output<typeof taskSettingsOverridesSchema>;

/**
 * The seed configuration: limited-size LOBs with an explicit size, truncate-before-load, wide full load, logging
 * on, and a stop after the cached changes so the instance can be stepped down at a phase boundary.
 */
export const TASK_SETTINGS_SEED = {
  TargetMetadata: {
    SupportLobs: true,
    FullLobMode: false,
    LimitedSizeLobMode: true,
    LobMaxSize: 6400,
    BatchApplyEnabled: false,
  },
  FullLoadSettings: {
    TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD',
    MaxFullLoadSubTasks: 20,
    CommitRate: 50_000,
    StopTaskCachedChangesApplied: true,
    StopTaskCachedChangesNotApplied: false,
  },
  Logging: { EnableLogging: true },
} as const satisfies TaskSettingsOverrides;

/** Merges task settings layers section by section; later layers win key by key. */
export const mergeTaskSettings = (...layers: readonly TaskSettingsOverrides[]): TaskSettingsOverrides => {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const layer of layers) {
    for (const [sectionName, values] of Object.entries(layer)) {
      merged[sectionName] = { ...merged[sectionName], ...values };
    }
  }
  return merged as TaskSettingsOverrides;
};
