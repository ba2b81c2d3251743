import * as z from 'zod';
import { awsEnum } from './aws-enum.ts';
import { s3Folder } from './rules.ts';

/**
 * S3 target settings a request may override (docs/dms-behaviour.md §5), each with its type and range.
 * Settings lakeshift derives from the request itself (bucket, folder, encryption, roles, owner) are refused
 * here so there is one way to set each.
 */

const positiveInt = (unit: string) =>
  z.number().int(`must be a whole number of ${unit}`).positive(`must be a positive number of ${unit}`);

const reserved = (source: string) =>
  z.never({ error: `is set by lakeshift from ${source}; remove it` }).optional();

export const s3SettingsOverridesSchema = z
  .strictObject({
    CompressionType: awsEnum(['none', 'gzip']),
    DataFormat: awsEnum(['parquet', 'csv']),
    ParquetVersion: awsEnum(['parquet-1-0', 'parquet-2-0']),
    EnableStatistics: z.boolean(),
    EncodingType: awsEnum(['rle-dictionary', 'plain', 'plain-dictionary']),
    DictPageSizeLimit: positiveInt('bytes'),
    DataPageSize: positiveInt('bytes'),
    RowGroupLength: positiveInt('rows').max(67_108_864, 'must be at most 64 × 1024 × 1024 rows'),
    DatePartitionEnabled: z.boolean(),
    DatePartitionSequence: z.enum(['YYYYMMDD', 'YYYYMMDDHH', 'YYYYMM', 'MMYYYYDD', 'DDMMYYYY']),
    DatePartitionDelimiter: z.enum(['SLASH', 'UNDERSCORE', 'DASH', 'NONE']),
    DatePartitionTimezone: z
      .string()
      .regex(/^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/, "must be a time zone such as 'UTC' or 'Europe/Paris'"),
    MaxFileSize: positiveInt('KB').max(1_048_576, 'must be at most 1,048,576 KB'),
    CdcMaxBatchInterval: positiveInt('seconds'),
    CdcMinFileSize: positiveInt('KB'),
    IncludeOpForFullLoad: z.boolean(),
    CdcInsertsOnly: z.boolean(),
    CdcInsertsAndUpdates: z.boolean(),
    TimestampColumnName: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
        'must be a column name: a letter or underscore, then letters, digits or _',
      ),
    UseTaskStartTimeForFullLoadTimestamp: z.boolean(),
    ParquetTimestampInMillisecond: z.boolean(),
    // Public ACLs are not offered: the lake is private by design.
    CannedAclForObjects: awsEnum(['none', 'private', 'bucket-owner-read', 'bucket-owner-full-control']),
    AddColumnName: z.boolean(),
    CdcPath: s3Folder,
    PreserveTransactions: z.boolean(),
    AddTrailingPaddingCharacter: z.boolean(),
    GlueCatalogGeneration: z.boolean(),
    CsvDelimiter: z.string().min(1, 'must not be empty'),
    CsvRowDelimiter: z.string().min(1, 'must not be empty'),
    CsvNullValue: z.string(),
    UseCsvNoSupValue: z.boolean(),
    CsvNoSupValue: z.string(),
    BucketName: reserved('target.bucket'),
    BucketFolder: reserved('target.folder and the database id'),
    ServiceAccessRoleArn: reserved('the deployment (the DMS S3 access role)'),
    EncryptionMode: reserved('target.kmsKeyArn (the lake is always SSE-KMS)'),
    ServerSideEncryptionKmsKeyId: reserved('target.kmsKeyArn'),
    ExpectedBucketOwner: reserved('target.bucketOwner or the deployment'),
  })
  .partial();

export type S3SettingsOverrides = z.output<typeof s3SettingsOverridesSchema>;

/** Keys lakeshift sets itself; a request may not. */
export type DerivedS3SettingKey =
  | 'BucketName'
  | 'BucketFolder'
  | 'ServiceAccessRoleArn'
  | 'EncryptionMode'
  | 'ServerSideEncryptionKmsKeyId'
  | 'ExpectedBucketOwner';

export type TunableS3Settings = Omit<S3SettingsOverrides, DerivedS3SettingKey>;

/** The seed configuration: Parquet for Athena/Glue, one file per hour of CDC, op and timestamp columns. */
export const S3_SETTINGS_SEED = {
  DataFormat: 'parquet',
  EnableStatistics: true,
  DatePartitionEnabled: true,
  MaxFileSize: 64_000,
  CdcMaxBatchInterval: 3600,
  CdcMinFileSize: 64_000,
  IncludeOpForFullLoad: true,
  CompressionType: 'none',
  ParquetTimestampInMillisecond: true,
  TimestampColumnName: 'dms_timestamp',
} as const satisfies TunableS3Settings;

export interface SettingConflict {
  readonly key: string;
  readonly message: string;
}

/**
 * Combinations DMS refuses (docs/dms-behaviour.md §5), checked on the effective settings after all layers are
 * merged.
 */
export const s3SettingsConflicts = (settings: TunableS3Settings): SettingConflict[] => {
  const conflicts: SettingConflict[] = [];
  const transactional = settings.PreserveTransactions === true || settings.CdcPath !== undefined;
  if (settings.PreserveTransactions === true && settings.CdcPath === undefined) {
    conflicts.push({ key: 'PreserveTransactions', message: 'requires CdcPath' });
  }
  for (const key of ['DatePartitionEnabled', 'AddColumnName', 'GlueCatalogGeneration'] as const) {
    if (transactional && settings[key] === true) {
      conflicts.push({ key, message: 'cannot be true together with PreserveTransactions or CdcPath' });
    }
  }
  if (settings.CdcInsertsOnly === true && settings.CdcInsertsAndUpdates === true) {
    conflicts.push({ key: 'CdcInsertsAndUpdates', message: 'cannot be true together with CdcInsertsOnly' });
  }
  return conflicts;
};
