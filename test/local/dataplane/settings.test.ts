import { describe, expect, it } from 'vitest';
import { InvalidSettingError } from '#local/dataplane/errors';
import { readDataPlaneSettings, readS3Settings } from '#local/dataplane/settings';
import type { EndpointDescription } from '#local/dms/workload';

const target = (s3Settings: Record<string, unknown>): EndpointDescription => ({
  endpointArn: 'target',
  endpointIdentifier: 'target',
  endpointType: 'TARGET',
  engineName: 's3',
  sslMode: 'none',
  s3Settings,
});

const source = (postgreSqlSettings: Record<string, unknown> = {}): EndpointDescription => ({
  endpointArn: 'source',
  endpointIdentifier: 'source',
  endpointType: 'SOURCE',
  engineName: 'postgres',
  sslMode: 'none',
  postgreSqlSettings,
});

describe('readDataPlaneSettings', () => {
  it('fills DMS defaults and accepts both enum spellings', () => {
    // Prepare
    const settings = {
      target: target({
        BucketName: 'lake',
        BucketFolder: '/raw/app/',
        DataFormat: 'PARQUET',
        ParquetVersion: 'PARQUET_2_0',
        DatePartitionEnabled: true,
        DatePartitionDelimiter: 'dash',
      }),
      source: source({ SlotName: 'slot_one', MapBooleanAsBoolean: true }),
      settings: {
        TargetMetadata: { LobMaxSize: 64 },
        FullLoadSettings: { TargetTablePrepMode: 'truncate_before_load' },
      },
    };

    // Act
    const read = readDataPlaneSettings(settings);

    // Assess
    expect(read.target).toMatchObject({
      bucketFolder: ['raw', 'app'],
      parquetVersion: '2.0',
      maxFileSizeKb: 1_048_576,
      cdcMaxBatchIntervalSeconds: 60,
      cdcMinFileSizeKb: 32_000,
      datePartitioning: { sequence: 'YYYYMMDD', delimiter: 'DASH', timezone: 'UTC' },
    });
    expect(read.source).toEqual({
      slotName: 'slot_one',
      // CaptureDdls is true by default, with the artifacts in public.
      ddlArtifactsSchema: 'public',
      mapBooleanAsBoolean: true,
      failTasksOnLobTruncation: false,
      trimSpaceInChar: true,
    });
    expect(read.lob).toEqual({ supportLobs: true, maxBytes: 64 * 1024 });
    expect(read.fullLoad).toEqual({
      targetTablePrepMode: 'TRUNCATE_BEFORE_LOAD',
      maxFullLoadSubTasks: 8,
      stopTaskCachedChangesApplied: false,
      stopTaskCachedChangesNotApplied: false,
    });
    expect(read.ddlHandling).toEqual({
      handleSourceTableAltered: true,
      handleSourceTableDropped: true,
      handleSourceTableTruncated: true,
    });
  });

  it('names the field and the rule of a bad value', () => {
    // Prepare
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ BucketName: 'lake', DataFormat: 'csv' }, 'S3Settings.DataFormat: must be parquet'],
      [
        { BucketName: 'lake', DataFormat: 'parquet', MaxFileSize: 0 },
        'S3Settings.MaxFileSize: must be an integer from 1 to 1048576',
      ],
      [
        { BucketName: 'lake', DataFormat: 'parquet', CdcInsertsOnly: true, CdcInsertsAndUpdates: true },
        'S3Settings.CdcInsertsAndUpdates',
      ],
      [
        {
          BucketName: 'lake',
          DataFormat: 'parquet',
          DatePartitionEnabled: true,
          DatePartitionTimezone: 'Mars/Base',
        },
        'S3Settings.DatePartitionTimezone',
      ],
      [{ DataFormat: 'parquet' }, 'S3Settings.BucketName: is required'],
      [
        { BucketName: 'lake', DataFormat: 'parquet', PreserveTransactions: true, CdcPath: 'cdc' },
        'S3Settings.PreserveTransactions: transaction-ordered CDC files',
      ],
    ];

    // Act
    const errors = cases.map(([s3Settings]) => {
      try {
        readS3Settings(target(s3Settings));
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    errors.forEach((error, index) => {
      expect(error).toBeInstanceOf(InvalidSettingError);
      expect((error as Error).message).toContain(cases[index]?.[1]);
    });
  });

  it('rejects a slot name PostgreSQL would not accept', () => {
    // Prepare
    const settings = {
      target: target({ BucketName: 'lake', DataFormat: 'parquet' }),
      source: source({ SlotName: 'Bad-Slot' }),
      settings: {},
    };

    // Act
    const read = () => readDataPlaneSettings(settings);

    // Assess
    expect(read).toThrow(
      'PostgreSQLSettings.SlotName: must be 1-63 lower-case letters, digits or underscores',
    );
  });

  it('reads full-LOB mode as no size limit and SupportLobs=false as LOBs left out', () => {
    // Prepare
    const base = { target: target({ BucketName: 'lake', DataFormat: 'parquet' }), source: source() };

    // Act
    const full = readDataPlaneSettings({ ...base, settings: { TargetMetadata: { FullLobMode: true } } });
    const none = readDataPlaneSettings({ ...base, settings: { TargetMetadata: { SupportLobs: false } } });

    // Assess
    expect(full.lob).toEqual({ supportLobs: true });
    expect(none.lob).toEqual({ supportLobs: false, maxBytes: 32 * 1024 });
  });
});
