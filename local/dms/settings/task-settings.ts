/**
 * `ReplicationTaskSettings`: DMS returns the whole document with every default filled in, not the caller's input
 * (docs/dms-behaviour.md §7.1). Defaults follow the user guide; where an observed live settings document differs
 * from the guide's example (RecoverableErrorCount -1, escalation counts 0, FailOnNoTablesCaptured,
 * EventErrorPolicy) the live values win.
 */
import { LOG_COMPONENT_IDS } from '#domain/request/task-settings';
import { invalidParameterValue } from '../protocol/errors.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SettingsDocument = { [key: string]: Json };

export const defaultTaskSettings = (): SettingsDocument => ({
  TargetMetadata: {
    TargetSchema: '',
    SupportLobs: true,
    FullLobMode: false,
    LobChunkSize: 64,
    LimitedSizeLobMode: true,
    LobMaxSize: 32,
    InlineLobMaxSize: 0,
    LoadMaxFileSize: 0,
    ParallelLoadThreads: 0,
    ParallelLoadBufferSize: 0,
    ParallelLoadQueuesPerThread: 1,
    ParallelApplyThreads: 0,
    ParallelApplyBufferSize: 100,
    ParallelApplyQueuesPerThread: 1,
    BatchApplyEnabled: false,
    TaskRecoveryTableEnabled: false,
  },
  FullLoadSettings: {
    TargetTablePrepMode: 'DO_NOTHING',
    CreatePkAfterFullLoad: false,
    StopTaskCachedChangesApplied: false,
    StopTaskCachedChangesNotApplied: false,
    MaxFullLoadSubTasks: 8,
    TransactionConsistencyTimeout: 600,
    CommitRate: 10000,
  },
  Logging: {
    EnableLogging: false,
    EnableLogContext: false,
    LogComponents: LOG_COMPONENT_IDS.map((Id) => ({ Id, Severity: 'LOGGER_SEVERITY_DEFAULT' })),
    CloudWatchLogGroup: null,
    CloudWatchLogStream: null,
  },
  ControlTablesSettings: {
    ControlSchema: '',
    HistoryTimeslotInMinutes: 5,
    HistoryTableEnabled: false,
    SuspendedTablesTableEnabled: false,
    StatusTableEnabled: false,
    FullLoadExceptionTableEnabled: false,
  },
  StreamBufferSettings: { StreamBufferCount: 3, StreamBufferSizeInMB: 8, CtrlStreamBufferSizeInMB: 5 },
  ChangeProcessingTuning: {
    BatchApplyPreserveTransaction: true,
    BatchApplyTimeoutMin: 1,
    BatchApplyTimeoutMax: 30,
    BatchApplyMemoryLimit: 500,
    BatchSplitSize: 0,
    MinTransactionSize: 1000,
    CommitTimeout: 1,
    MemoryLimitTotal: 1024,
    MemoryKeepTime: 60,
    StatementCacheSize: 50,
  },
  ChangeProcessingDdlHandlingPolicy: {
    HandleSourceTableDropped: true,
    HandleSourceTableTruncated: true,
    HandleSourceTableAltered: true,
  },
  ErrorBehavior: {
    DataErrorPolicy: 'LOG_ERROR',
    DataTruncationErrorPolicy: 'LOG_ERROR',
    DataErrorEscalationPolicy: 'SUSPEND_TABLE',
    DataErrorEscalationCount: 0,
    TableErrorPolicy: 'SUSPEND_TABLE',
    TableErrorEscalationPolicy: 'STOP_TASK',
    TableErrorEscalationCount: 0,
    RecoverableErrorCount: -1,
    RecoverableErrorInterval: 5,
    RecoverableErrorThrottling: true,
    RecoverableErrorThrottlingMax: 1800,
    RecoverableErrorStopRetryAfterThrottlingMax: true,
    ApplyErrorDeletePolicy: 'IGNORE_RECORD',
    ApplyErrorInsertPolicy: 'LOG_ERROR',
    ApplyErrorUpdatePolicy: 'LOG_ERROR',
    ApplyErrorEscalationPolicy: 'LOG_ERROR',
    ApplyErrorEscalationCount: 0,
    ApplyErrorFailOnTruncationDdl: false,
    FullLoadIgnoreConflicts: true,
    FailOnTransactionConsistencyBreached: false,
    FailOnNoTablesCaptured: true,
    EventErrorPolicy: 'IGNORE',
  },
  ValidationSettings: {
    EnableValidation: false,
    ValidationMode: 'ROW_LEVEL',
    ThreadCount: 5,
    PartitionSize: 10000,
    FailureMaxCount: 10000,
    RecordFailureDelayInMinutes: 5,
    RecordSuspendDelayInMinutes: 30,
    MaxKeyColumnSize: 8096,
    TableFailureMaxCount: 1000,
    ValidationOnly: false,
    HandleCollationDiff: false,
    RecordFailureDelayLimitInMinutes: 0,
    SkipLobColumns: false,
    ValidationPartialLobSize: 0,
    ValidationQueryCdcDelaySeconds: 0,
  },
  LoopbackPreventionSettings: null,
  CharacterSetSettings: null,
  BeforeImageSettings: null,
  PostProcessingRules: null,
  FailTaskWhenCleanTaskResourceFailed: false,
  TTSettings: { EnableTT: false, FailTaskOnTTFailure: false, TTS3Settings: null, TTRecordSettings: null },
});

const isObject = (value: unknown): value is SettingsDocument =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep-merges `overrides` into `base` (objects merge, everything else replaces). */
export const mergeSettings = (base: SettingsDocument, overrides: SettingsDocument): SettingsDocument => {
  const merged: SettingsDocument = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? mergeSettings(current, value) : value;
  }
  return merged;
};

const PREP_MODES = ['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD'];

const section = (document: Readonly<Record<string, unknown>>, name: string): SettingsDocument => {
  const value = document[name];
  return isObject(value) ? value : {};
};

export const parseSettingsJson = (parameter: string, text: string): SettingsDocument => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameterValue(`${parameter} is not valid JSON`);
  }
  if (!isObject(parsed)) throw invalidParameterValue(`${parameter} must be a JSON object`);
  return parsed;
};

/**
 * Parses the caller's settings (on create: over the defaults; on modify: over the task's current settings) and checks
 * the rules DMS enforces. `onCreate` forbids the CloudWatch log names, which DMS sets itself.
 */
export const resolveTaskSettings = (
  text: string | undefined,
  base: SettingsDocument,
  onCreate: boolean,
): SettingsDocument => {
  if (text === undefined) return base;
  const overrides = parseSettingsJson('ReplicationTaskSettings', text);
  const logging = section(overrides, 'Logging');
  if (onCreate && (logging['CloudWatchLogGroup'] != null || logging['CloudWatchLogStream'] != null))
    throw invalidParameterValue(
      'Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create.',
    );
  const merged = mergeSettings(base, overrides);
  const fullLoad = section(merged, 'FullLoadSettings');
  const prepMode = fullLoad['TargetTablePrepMode'];
  if (typeof prepMode !== 'string' || !PREP_MODES.includes(prepMode))
    throw invalidParameterValue(
      `Invalid value for FullLoadSettings.TargetTablePrepMode: ${String(prepMode)}. Valid values: ${PREP_MODES.join(', ')}`,
    );
  const subTasks = fullLoad['MaxFullLoadSubTasks'];
  if (typeof subTasks !== 'number' || !Number.isInteger(subTasks) || subTasks < 1 || subTasks > 49)
    throw invalidParameterValue('FullLoadSettings.MaxFullLoadSubTasks must be an integer between 1 and 49');
  const commitRate = fullLoad['CommitRate'];
  if (typeof commitRate !== 'number' || commitRate < 1 || commitRate > 50000)
    throw invalidParameterValue('FullLoadSettings.CommitRate must be between 1 and 50000');
  if (
    fullLoad['StopTaskCachedChangesApplied'] === true &&
    fullLoad['StopTaskCachedChangesNotApplied'] === true
  )
    throw invalidParameterValue(
      'FullLoadSettings.StopTaskCachedChangesApplied and StopTaskCachedChangesNotApplied cannot both be true',
    );
  return merged;
};

/** Typed reads of the settings the emulator acts on. */
export interface TaskBehaviour {
  readonly stopAfterCachedChangesApplied: boolean;
  readonly stopAfterFullLoad: boolean;
  readonly maxFullLoadSubTasks: number;
  readonly recoverableErrorCount: number;
  readonly recoverableErrorIntervalSeconds: number;
  readonly recoverableErrorThrottling: boolean;
  readonly recoverableErrorThrottlingMaxSeconds: number;
  readonly stopRetryAfterThrottlingMax: boolean;
  readonly enableLogging: boolean;
}

const numberOr = (value: Json | undefined, fallback: number): number =>
  typeof value === 'number' ? value : fallback;

export const taskBehaviour = (settings: Readonly<Record<string, unknown>>): TaskBehaviour => {
  const fullLoad = section(settings, 'FullLoadSettings');
  const errors = section(settings, 'ErrorBehavior');
  return {
    stopAfterCachedChangesApplied: fullLoad['StopTaskCachedChangesApplied'] === true,
    stopAfterFullLoad: fullLoad['StopTaskCachedChangesNotApplied'] === true,
    maxFullLoadSubTasks: numberOr(fullLoad['MaxFullLoadSubTasks'], 8),
    recoverableErrorCount: numberOr(errors['RecoverableErrorCount'], -1),
    recoverableErrorIntervalSeconds: numberOr(errors['RecoverableErrorInterval'], 5),
    recoverableErrorThrottling: errors['RecoverableErrorThrottling'] !== false,
    recoverableErrorThrottlingMaxSeconds: numberOr(errors['RecoverableErrorThrottlingMax'], 1800),
    stopRetryAfterThrottlingMax: errors['RecoverableErrorStopRetryAfterThrottlingMax'] !== false,
    enableLogging: section(settings, 'Logging')['EnableLogging'] === true,
  };
};
