/**
 * The endpoint and task settings the data plane acts on, read from the emulator's stored documents (API field
 * names, docs/dms-behaviour.md §5, §6.1, §7.1) into one typed value. Enum values are accepted in both
 * spellings the API and the user guide use (`parquet-1-0` / `PARQUET_1_0`). A value of the wrong type fails
 * with the field and the rule.
 */
import type { EndpointDescription, TaskContext } from '../dms/workload.ts';
import { InvalidSettingError } from './errors.ts';

type Doc = Readonly<Record<string, unknown>>;

export type TargetTablePrepMode = 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD';
export type DatePartitionSequence = 'YYYYMMDD' | 'YYYYMMDDHH' | 'YYYYMM' | 'MMYYYYDD' | 'DDMMYYYY';
export type DatePartitionDelimiter = 'SLASH' | 'UNDERSCORE' | 'DASH' | 'NONE';

export interface DatePartitioning {
  readonly sequence: DatePartitionSequence;
  readonly delimiter: DatePartitionDelimiter;
  /** IANA zone (`Area/Location`); `UTC` by default. */
  readonly timezone: string;
}

export interface S3TargetSettings {
  readonly bucketName: string;
  /** Folder parts of `BucketFolder` (empty when unset). */
  readonly bucketFolder: readonly string[];
  readonly compression: 'none' | 'gzip';
  readonly parquetVersion: '1.0' | '2.0';
  readonly rowGroupLength: number;
  readonly maxFileSizeKb: number;
  readonly cdcMaxBatchIntervalSeconds: number;
  readonly cdcMinFileSizeKb: number;
  readonly includeOpForFullLoad: boolean;
  readonly cdcInsertsOnly: boolean;
  readonly cdcInsertsAndUpdates: boolean;
  readonly timestampColumnName?: string;
  readonly useTaskStartTimeForFullLoadTimestamp: boolean;
  readonly parquetTimestampInMillisecond: boolean;
  readonly datePartitioning?: DatePartitioning;
}

export interface HeartbeatSettings {
  /** Minutes between heartbeat writes (`HeartbeatFrequency`, default 5). */
  readonly frequencyMinutes: number;
  /** Schema of the heartbeat table (`HeartbeatSchema`, default `public`). */
  readonly schema: string;
}

export interface PostgresSourceSettings {
  readonly slotName?: string;
  /**
   * Schema of DMS's DDL capture artifacts (`DdlArtifactsSchema`, default `public`); absent when `CaptureDdls` is
   * false (docs/lake.md, "Schema changes").
   */
  readonly ddlArtifactsSchema?: string;
  /** Present when `HeartbeatEnable` is true. */
  readonly heartbeat?: HeartbeatSettings;
  readonly mapBooleanAsBoolean: boolean;
  readonly failTasksOnLobTruncation: boolean;
  readonly trimSpaceInChar: boolean;
}

export interface LobSettings {
  /** False: LOB columns are left out of the target, as DMS does with `SupportLobs=false`. */
  readonly supportLobs: boolean;
  /** Byte limit per LOB value in limited-LOB mode; undefined in full-LOB mode (no limit). */
  readonly maxBytes?: number;
}

export interface FullLoadSettings {
  readonly targetTablePrepMode: TargetTablePrepMode;
  readonly maxFullLoadSubTasks: number;
  readonly stopTaskCachedChangesApplied: boolean;
  readonly stopTaskCachedChangesNotApplied: boolean;
}

/** The task's `ChangeProcessingDdlHandlingPolicy` (each true by default). */
export interface DdlHandlingSettings {
  readonly handleSourceTableAltered: boolean;
  readonly handleSourceTableDropped: boolean;
  readonly handleSourceTableTruncated: boolean;
}

export interface DataPlaneSettings {
  readonly target: S3TargetSettings;
  readonly source: PostgresSourceSettings;
  readonly lob: LobSettings;
  readonly fullLoad: FullLoadSettings;
  readonly ddlHandling: DdlHandlingSettings;
}

const MAX_FILE_SIZE_KB_DEFAULT = 1_048_576;
const CDC_MIN_FILE_SIZE_KB_DEFAULT = 32_000;
const ROW_GROUP_LENGTH_DEFAULT = 10_000;
const LOB_MAX_SIZE_KB_DEFAULT = 32;
/** Upper bound of MaxFullLoadSubTasks (docs/dms-behaviour.md §7.1). */
const MAX_SUBTASKS = 49;

const invalid = (path: string, rule: string): InvalidSettingError =>
  new InvalidSettingError(`${path}: ${rule}`);

const readBoolean = (doc: Doc, key: string, fallback: boolean, path: string): boolean => {
  const value = doc[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`${path}.${key}`, 'must be a boolean');
};

const readInteger = (
  doc: Doc,
  key: string,
  fallback: number,
  path: string,
  min: number,
  max: number,
): number => {
  const value = doc[key];
  if (value === undefined || value === null) return fallback;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalid(`${path}.${key}`, `must be an integer from ${min} to ${max}`);
  }
  return number;
};

const readString = (doc: Doc, key: string, path: string): string | undefined => {
  const value = doc[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${path}.${key}`, 'must be a string');
  return value;
};

/** Matches an enum case- and separator-insensitively (`parquet-1-0` = `PARQUET_1_0`). */
const readEnum = <const T extends string>(
  doc: Doc,
  key: string,
  allowed: readonly T[],
  fallback: T,
  path: string,
): T => {
  const value = readString(doc, key, path);
  if (value === undefined) return fallback;
  const normalise = (text: string) => text.toUpperCase().replaceAll('-', '_');
  const found = allowed.find((candidate) => normalise(candidate) === normalise(value));
  if (!found) throw invalid(`${path}.${key}`, `must be one of ${allowed.join(', ')}`);
  return found;
};

const section = (doc: Doc, key: string, path: string): Doc => {
  const value = doc[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${path}.${key}`, 'must be an object');
  return value as Doc;
};

const isKnownTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const readS3Settings = (endpoint: EndpointDescription): S3TargetSettings => {
  const path = 'S3Settings';
  const doc = endpoint.s3Settings ?? {};
  const bucketName = readString(doc, 'BucketName', path);
  if (!bucketName) throw invalid(`${path}.BucketName`, 'is required');
  if (bucketName.includes('/') || bucketName.startsWith('.')) {
    throw invalid(`${path}.BucketName`, 'must be a bucket name, without "/" and not starting with "."');
  }
  const dataFormat = readEnum(doc, 'DataFormat', ['csv', 'parquet'], 'csv', path);
  if (dataFormat !== 'parquet') {
    throw invalid(`${path}.DataFormat`, 'must be parquet: the local data plane writes Parquet only');
  }
  if (readBoolean(doc, 'PreserveTransactions', false, path)) {
    throw invalid(
      `${path}.PreserveTransactions`,
      'transaction-ordered CDC files (CDC_TXN csv under CdcPath) are not supported by the local data plane',
    );
  }
  const folder = readString(doc, 'BucketFolder', path) ?? '';
  const bucketFolder = folder.split('/').filter((part) => part.length > 0);
  if (bucketFolder.some((part) => part === '.' || part === '..')) {
    throw invalid(`${path}.BucketFolder`, 'must not contain "." or ".." segments');
  }
  const cdcInsertsOnly = readBoolean(doc, 'CdcInsertsOnly', false, path);
  const cdcInsertsAndUpdates = readBoolean(doc, 'CdcInsertsAndUpdates', false, path);
  if (cdcInsertsOnly && cdcInsertsAndUpdates) {
    throw invalid(`${path}.CdcInsertsAndUpdates`, 'cannot be true together with CdcInsertsOnly');
  }
  const datePartitionEnabled = readBoolean(doc, 'DatePartitionEnabled', false, path);
  const timezone = readString(doc, 'DatePartitionTimezone', path) ?? 'UTC';
  if (datePartitionEnabled && !isKnownTimeZone(timezone)) {
    throw invalid(`${path}.DatePartitionTimezone`, 'must be an Area/Location time zone');
  }
  const timestampColumnName = readString(doc, 'TimestampColumnName', path);
  return {
    bucketName,
    bucketFolder,
    compression: readEnum(doc, 'CompressionType', ['none', 'gzip'], 'none', path),
    parquetVersion: readEnum(
      doc,
      'ParquetVersion',
      ['parquet-1-0', 'parquet-2-0'],
      'parquet-1-0',
      path,
    ).endsWith('2-0')
      ? '2.0'
      : '1.0',
    rowGroupLength: readInteger(doc, 'RowGroupLength', ROW_GROUP_LENGTH_DEFAULT, path, 1, 64 * 1024 * 1024),
    maxFileSizeKb: readInteger(
      doc,
      'MaxFileSize',
      MAX_FILE_SIZE_KB_DEFAULT,
      path,
      1,
      MAX_FILE_SIZE_KB_DEFAULT,
    ),
    cdcMaxBatchIntervalSeconds: readInteger(doc, 'CdcMaxBatchInterval', 60, path, 1, 24 * 3600),
    cdcMinFileSizeKb: readInteger(doc, 'CdcMinFileSize', CDC_MIN_FILE_SIZE_KB_DEFAULT, path, 1, 1_048_576),
    includeOpForFullLoad: readBoolean(doc, 'IncludeOpForFullLoad', false, path),
    cdcInsertsOnly,
    cdcInsertsAndUpdates,
    ...(timestampColumnName ? { timestampColumnName } : {}),
    useTaskStartTimeForFullLoadTimestamp: readBoolean(
      doc,
      'UseTaskStartTimeForFullLoadTimestamp',
      false,
      path,
    ),
    parquetTimestampInMillisecond: readBoolean(doc, 'ParquetTimestampInMillisecond', false, path),
    ...(datePartitionEnabled
      ? {
          datePartitioning: {
            sequence: readEnum(
              doc,
              'DatePartitionSequence',
              ['YYYYMMDD', 'YYYYMMDDHH', 'YYYYMM', 'MMYYYYDD', 'DDMMYYYY'],
              'YYYYMMDD',
              path,
            ),
            delimiter: readEnum(
              doc,
              'DatePartitionDelimiter',
              ['SLASH', 'UNDERSCORE', 'DASH', 'NONE'],
              'SLASH',
              path,
            ),
            timezone,
          },
        }
      : {}),
  };
};

/** PostgreSQL replication slot names: lower-case letters, digits and underscores, at most 63 characters. */
export const SLOT_NAME_PATTERN = /^[a-z0-9_]{1,63}$/;

export const readPostgresSettings = (endpoint: EndpointDescription): PostgresSourceSettings => {
  const path = 'PostgreSQLSettings';
  const doc = endpoint.postgreSqlSettings ?? {};
  const slotName = readString(doc, 'SlotName', path);
  if (slotName !== undefined && !SLOT_NAME_PATTERN.test(slotName)) {
    throw invalid(`${path}.SlotName`, 'must be 1-63 lower-case letters, digits or underscores');
  }
  const heartbeat = readBoolean(doc, 'HeartbeatEnable', false, path)
    ? {
        frequencyMinutes: readInteger(doc, 'HeartbeatFrequency', 5, path, 1, 1440),
        schema: readString(doc, 'HeartbeatSchema', path) ?? 'public',
      }
    : undefined;
  const captureDdls = readBoolean(doc, 'CaptureDdls', true, path);
  return {
    ...(slotName ? { slotName } : {}),
    ...(captureDdls ? { ddlArtifactsSchema: readString(doc, 'DdlArtifactsSchema', path) ?? 'public' } : {}),
    ...(heartbeat ? { heartbeat } : {}),
    mapBooleanAsBoolean: readBoolean(doc, 'MapBooleanAsBoolean', false, path),
    failTasksOnLobTruncation: readBoolean(doc, 'FailTasksOnLobTruncation', false, path),
    trimSpaceInChar: readBoolean(doc, 'TrimSpaceInChar', true, path),
  };
};

const readLobSettings = (settings: Doc): LobSettings => {
  const path = 'ReplicationTaskSettings.TargetMetadata';
  const metadata = section(settings, 'TargetMetadata', 'ReplicationTaskSettings');
  const supportLobs = readBoolean(metadata, 'SupportLobs', true, path);
  const fullLobMode = readBoolean(metadata, 'FullLobMode', false, path);
  const lobMaxSizeKb = readInteger(metadata, 'LobMaxSize', LOB_MAX_SIZE_KB_DEFAULT, path, 0, 102_400);
  // Full-LOB mode is unsupported on S3 targets (docs/dms-behaviour.md §5); read here as "no limit". A limit
  // of 0 in limited mode is not a valid DMS configuration, so it falls back to the documented default.
  if (fullLobMode) return { supportLobs };
  return { supportLobs, maxBytes: (lobMaxSizeKb > 0 ? lobMaxSizeKb : LOB_MAX_SIZE_KB_DEFAULT) * 1024 };
};

const readFullLoadSettings = (settings: Doc): FullLoadSettings => {
  const path = 'ReplicationTaskSettings.FullLoadSettings';
  const doc = section(settings, 'FullLoadSettings', 'ReplicationTaskSettings');
  return {
    targetTablePrepMode: readEnum(
      doc,
      'TargetTablePrepMode',
      ['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD'],
      'DO_NOTHING',
      path,
    ),
    maxFullLoadSubTasks: readInteger(doc, 'MaxFullLoadSubTasks', 8, path, 1, MAX_SUBTASKS),
    stopTaskCachedChangesApplied: readBoolean(doc, 'StopTaskCachedChangesApplied', false, path),
    stopTaskCachedChangesNotApplied: readBoolean(doc, 'StopTaskCachedChangesNotApplied', false, path),
  };
};

const readDdlHandling = (settings: Doc): DdlHandlingSettings => {
  const path = 'ReplicationTaskSettings.ChangeProcessingDdlHandlingPolicy';
  const doc = section(settings, 'ChangeProcessingDdlHandlingPolicy', 'ReplicationTaskSettings');
  return {
    handleSourceTableAltered: readBoolean(doc, 'HandleSourceTableAltered', true, path),
    handleSourceTableDropped: readBoolean(doc, 'HandleSourceTableDropped', true, path),
    handleSourceTableTruncated: readBoolean(doc, 'HandleSourceTableTruncated', true, path),
  };
};

/** Reads everything the data plane needs from a task context. Throws InvalidSettingError naming the field. */
export const readDataPlaneSettings = (
  ctx: Pick<TaskContext, 'source' | 'target' | 'settings'>,
): DataPlaneSettings => ({
  target: readS3Settings(ctx.target),
  source: readPostgresSettings(ctx.source),
  lob: readLobSettings(ctx.settings),
  fullLoad: readFullLoadSettings(ctx.settings),
  ddlHandling: readDdlHandling(ctx.settings),
});
