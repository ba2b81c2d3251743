import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, InvalidRequestError } from '#contracts/errors';
import { DEFAULT_LADDER } from '#domain/instance-classes';
import { parseMigrationRequest } from '#domain/request/parse';
import {
  EXPECTED_RESIZE_THRESHOLDS,
  type JsonObject,
  type JsonValue,
  KMS_KEY_ARN,
  minimalRequest,
  secretArnFor,
  threeDatabaseRequest,
  withValue,
} from './fixtures.ts';

const issuesOf = (input: unknown): { path: string; rule: string }[] => {
  try {
    parseMigrationRequest(input);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.issues.map(({ path, rule }) => ({ path, rule }));
    throw error;
  }
  throw new Error('expected the request to be rejected');
};

describe('parseMigrationRequest', () => {
  it('applies every default to a minimal request', () => {
    // Act
    const request = parseMigrationRequest(minimalRequest());

    // Assess
    expect(request).toEqual({
      migrationId: 'shop-2026',
      target: { bucket: 'acme-lake', kmsKeyArn: KMS_KEY_ARN, s3Settings: {} },
      defaults: {
        fullLoadClass: 'dms.r5.xlarge',
        allocatedStorageGb: 100,
        multiAz: false,
        sslMode: 'require',
        lobTruncation: 'fail',
        pluginName: 'test-decoding',
        heartbeat: { enabled: true, frequencyMinutes: 5 },
        tables: { include: ['%.%'], exclude: [] },
        taskSettings: {},
        resize: {
          ladder: [...DEFAULT_LADDER],
          ...EXPECTED_RESIZE_THRESHOLDS,
        },
        fidelity: { lossyTypes: [], lossyColumns: {}, warningsFatal: false },
      },
      databases: [{ id: 'shop', secretArn: secretArnFor('shop'), databaseName: 'shop' }],
      maxConcurrency: 10,
    });
  });

  it('gives the same result when a parsed request is parsed again', () => {
    // Prepare
    const first = parseMigrationRequest(threeDatabaseRequest());

    // Act
    const second = parseMigrationRequest(JSON.parse(JSON.stringify(first)));

    // Assess
    expect(second).toEqual(first);
  });

  it('normalises the user guide spelling of S3 enum values to the API spelling', () => {
    // Prepare
    const input = withValue(minimalRequest(), 'target.s3Settings', {
      CompressionType: 'GZIP',
      ParquetVersion: 'PARQUET_2_0',
      CannedAclForObjects: 'BUCKET_OWNER_FULL_CONTROL',
    });

    // Act
    const request = parseMigrationRequest(input);

    // Assess
    expect(request.target.s3Settings).toEqual({
      CompressionType: 'gzip',
      ParquetVersion: 'parquet-2-0',
      CannedAclForObjects: 'bucket-owner-full-control',
    });
  });

  it('accepts verify-full with the RDS CA bundle named instead of a PEM', () => {
    // Prepare
    const input = withValue(
      withValue(minimalRequest(), 'databases.0.sslMode', 'verify-full'),
      'databases.0.caCertificate',
      { bundle: 'rds-global' },
    );
    // Act
    const request = parseMigrationRequest(input);
    // Assess
    expect(request.databases[0]).toMatchObject({
      sslMode: 'verify-full',
      caCertificate: { bundle: 'rds-global' },
    });
  });

  it('accepts an editor $schema reference', () => {
    // Prepare
    const input = withValue(minimalRequest(), '$schema', '../schema/migration-request.schema.json');

    // Act
    const request = parseMigrationRequest(input);

    // Assess
    expect(request.migrationId).toBe('shop-2026');
  });

  it('rejects a document that is not an object, as a whole', () => {
    // Act
    const issues = issuesOf(['not', 'a', 'request']);

    // Assess
    expect(issues).toEqual([{ path: '', rule: 'must be an object' }]);
  });

  it('throws an error named for the state machine contract whose message names each field', () => {
    // Prepare
    const input = withValue(withValue(minimalRequest(), 'migrationId', 'Shop'), 'target.bucket', 'ab');

    // Act
    const run = () => parseMigrationRequest(input);

    // Assess
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(
      'Invalid migration request (2 problems): migrationId: must be lower-case (DMS stores identifiers lower-case); ' +
        'target.bucket: must be 3 to 63 characters',
    );
    expect(() => parseMigrationRequest(input)).toThrowError(
      expect.objectContaining({ name: ERROR_NAMES.invalidRequest }),
    );
  });

  type Case = readonly [
    title: string,
    path: string,
    value: JsonValue | undefined,
    issuePath: string,
    rule: string,
  ];
  const rejected: Case[] = [
    ['a missing migration id', 'migrationId', undefined, 'migrationId', 'is required'],
    [
      'an upper-case migration id',
      'migrationId',
      'Shop',
      'migrationId',
      'must be lower-case (DMS stores identifiers lower-case)',
    ],
    [
      'a migration id with --',
      'migrationId',
      'shop--2026',
      'migrationId',
      'must not contain two consecutive hyphens (DMS identifier rules)',
    ],
    [
      'a migration id starting with a digit',
      'migrationId',
      '2026-shop',
      'migrationId',
      'must start with a letter (DMS identifier rules)',
    ],
    [
      'a migration id ending with a hyphen',
      'migrationId',
      'shop-',
      'migrationId',
      'must not end with a hyphen (DMS identifier rules)',
    ],
    [
      'a 64-character migration id',
      'migrationId',
      'a'.repeat(64),
      'migrationId',
      'must be 1 to 63 characters (DMS identifier rules)',
    ],
    [
      'a database id with an underscore',
      'databases.0.id',
      'shop_eu',
      'databases[0].id',
      'must contain only letters, digits and hyphens (DMS identifier rules)',
    ],
    ['a two-letter bucket', 'target.bucket', 'ab', 'target.bucket', 'must be 3 to 63 characters'],
    [
      'an upper-case bucket',
      'target.bucket',
      'Acme-Lake',
      'target.bucket',
      'must contain only lower-case letters, digits, dots and hyphens',
    ],
    [
      'a bucket ending with a hyphen',
      'target.bucket',
      'acme-lake-',
      'target.bucket',
      'must start and end with a letter or digit',
    ],
    [
      'a bucket with adjacent dots',
      'target.bucket',
      'acme..lake',
      'target.bucket',
      'must not contain two adjacent dots',
    ],
    [
      'a bucket shaped like an IP address',
      'target.bucket',
      '192.168.5.4',
      'target.bucket',
      'must not be formatted as an IP address',
    ],
    [
      'a bucket with a reserved prefix',
      'target.bucket',
      'xn--lake',
      'target.bucket',
      "must not start with 'xn--', 'sthree-' or 'amzn-s3-demo-'",
    ],
    [
      'a bucket with a reserved suffix',
      'target.bucket',
      'lake-s3alias',
      'target.bucket',
      "must not end with '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3'",
    ],
    [
      'a folder with a leading slash',
      'target.folder',
      '/raw',
      'target.folder',
      "must be S3 key segments of letters, digits and !_.*'()- joined by single slashes, without a leading or trailing slash",
    ],
    [
      'a folder with a .. segment',
      'target.folder',
      'raw/../x',
      'target.folder',
      "must not contain '.' or '..' segments",
    ],
    [
      'a KMS alias instead of a key ARN',
      'target.kmsKeyArn',
      'arn:aws:kms:us-east-1:123456789012:alias/lake',
      'target.kmsKeyArn',
      'must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (aliases are not accepted)',
    ],
    [
      'a bucket owner that is not an account id',
      'target.bucketOwner',
      '12345',
      'target.bucketOwner',
      'must be a 12-digit AWS account id',
    ],
    [
      'a secret ARN without its random suffix',
      'databases.0.secretArn',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:lakeshift/shop',
      'databases[0].secretArn',
      'must be a complete Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>',
    ],
    [
      'a secret ARN of another service',
      'databases.0.secretArn',
      'arn:aws:ssm:us-east-1:123456789012:parameter/shop-Ab12Cd',
      'databases[0].secretArn',
      'must be a complete Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>',
    ],
    [
      'an empty database name',
      'databases.0.databaseName',
      '',
      'databases[0].databaseName',
      'must not be empty',
    ],
    [
      'SSL mode none without the acknowledgement',
      'databases.0.sslMode',
      'none',
      'databases[0].acknowledgePlainText',
      "must be true with sslMode 'none': credentials and data would cross the network unencrypted",
    ],
    [
      'SSL mode none as the default',
      'defaults.sslMode',
      'none',
      'defaults.sslMode',
      "must be 'require', 'verify-ca' or 'verify-full' (plain text, 'none', is chosen per database with acknowledgePlainText)",
    ],
    [
      'verify-full without a CA certificate',
      'databases.0.sslMode',
      'verify-full',
      'databases[0].caCertificate',
      "is required with sslMode verify-full (here or in defaults): DMS verifies the source's certificate against the CA certificate assigned to the endpoint, and fails the connection test without one",
    ],
    [
      'a CA bundle lakeshift does not ship',
      'databases.0.caCertificate',
      { bundle: 'rds-ca-2019' },
      'databases[0].caCertificate',
      'must be one of {"secretArn": "<Secrets Manager secret ARN>"}, {"certificateArn": "<DMS certificate ARN>"} or {"bundle": "rds-global"}',
    ],
    [
      'an unknown instance class',
      'defaults.fullLoadClass',
      'dms.r5.huge',
      'defaults.fullLoadClass',
      'must be a known DMS instance class, e.g. dms.r5.xlarge',
    ],
    [
      'an unknown per-database class',
      'databases.0.overrides.fullLoadClass',
      'r5.xlarge',
      'databases[0].overrides.fullLoadClass',
      'must be a known DMS instance class, e.g. dms.r5.xlarge',
    ],
    [
      'allocated storage under 5 GB',
      'defaults.allocatedStorageGb',
      4,
      'defaults.allocatedStorageGb',
      'must be >= 5 GB',
    ],
    [
      'an engine version that is not x.y.z',
      'defaults.engineVersion',
      '3.5',
      'defaults.engineVersion',
      'must be a DMS engine version such as 3.5.3',
    ],
    [
      'an unknown LOB truncation choice',
      'defaults.lobTruncation',
      'ignore',
      'defaults.lobTruncation',
      'must be one of "fail", "truncate"',
    ],
    [
      'a heartbeat every 0 minutes',
      'databases.0.overrides.heartbeat',
      { frequencyMinutes: 0 },
      'databases[0].overrides.heartbeat.frequencyMinutes',
      'must be >= 1',
    ],
    [
      'a ladder out of order',
      'defaults.resize.ladder',
      ['dms.r5.xlarge', 'dms.r5.large'],
      'defaults.resize.ladder[1]',
      'must be larger than dms.r5.xlarge (ladder ordered smallest to largest by memory, then vCPU, no repeats)',
    ],
    [
      'a ladder with equal rungs',
      'defaults.resize.ladder',
      ['dms.t3.medium', 'dms.c5.large'],
      'defaults.resize.ladder[1]',
      'must be larger than dms.t3.medium (ladder ordered smallest to largest by memory, then vCPU, no repeats)',
    ],
    [
      'an empty ladder',
      'defaults.resize.ladder',
      [],
      'defaults.resize.ladder',
      'must list at least one instance class',
    ],
    [
      'a floor off the ladder',
      'defaults.resize.floor',
      'dms.c5.large',
      'defaults.resize.floor',
      "must be one of the ladder's classes (dms.t3.medium, dms.t3.large, dms.r5.large, dms.r5.xlarge, dms.r5.2xlarge, dms.r5.4xlarge)",
    ],
    [
      'a ceiling off the ladder',
      'defaults.resize.ceiling',
      'dms.r5.8xlarge',
      'defaults.resize.ceiling',
      "must be one of the ladder's classes (dms.t3.medium, dms.t3.large, dms.r5.large, dms.r5.xlarge, dms.r5.2xlarge, dms.r5.4xlarge)",
    ],
    [
      'a steady class off the ladder',
      'defaults.resize.steadyClass',
      'dms.c5.xlarge',
      'defaults.resize.steadyClass',
      "must be 'auto' or one of the ladder's classes (dms.t3.medium, dms.t3.large, dms.r5.large, dms.r5.xlarge, dms.r5.2xlarge, dms.r5.4xlarge)",
    ],
    [
      'an unknown steady class',
      'defaults.resize.steadyClass',
      'smallest',
      'defaults.resize.steadyClass',
      "must be 'auto' or a known DMS instance class, e.g. dms.r5.large",
    ],
    [
      'a headroom above 1',
      'defaults.resize.headroom',
      1.5,
      'defaults.resize.headroom',
      'must be between 0 and 1',
    ],
    [
      'a step-up CPU above 100 %',
      'defaults.resize.stepUp',
      { cpuPercent: 120 },
      'defaults.resize.stepUp.cpuPercent',
      'must be between 0 and 100',
    ],
    [
      'a fractional quiet window',
      'defaults.resize.stepDown',
      { quietMinutes: 1.5 },
      'defaults.resize.stepDown.quietMinutes',
      'must be a whole number of minutes',
    ],
    [
      'an unknown S3 setting',
      'target.s3Settings',
      { CompresionType: 'gzip' },
      'target.s3Settings.CompresionType',
      'is not a known field',
    ],
    [
      'an S3 setting of the wrong type',
      'target.s3Settings',
      { EnableStatistics: 'yes' },
      'target.s3Settings.EnableStatistics',
      'must be a boolean',
    ],
    [
      'an S3 enum value DMS does not know',
      'target.s3Settings',
      { DataFormat: 'orc' },
      'target.s3Settings.DataFormat',
      'must be one of "parquet", "PARQUET", "csv", "CSV"',
    ],
    [
      'a public canned ACL',
      'target.s3Settings',
      { CannedAclForObjects: 'public-read' },
      'target.s3Settings.CannedAclForObjects',
      'must be one of "none", "NONE", "private", "PRIVATE", "bucket-owner-read", "BUCKET_OWNER_READ", "bucket-owner-full-control", "BUCKET_OWNER_FULL_CONTROL"',
    ],
    [
      'a MaxFileSize above 1 GB',
      'target.s3Settings',
      { MaxFileSize: 2_000_000 },
      'target.s3Settings.MaxFileSize',
      'must be at most 1,048,576 KB',
    ],
    [
      'an S3 setting lakeshift derives',
      'target.s3Settings',
      { BucketName: 'other' },
      'target.s3Settings.BucketName',
      'is set by lakeshift from target.bucket; remove it',
    ],
    [
      'SSE-S3 instead of SSE-KMS',
      'databases.0.overrides.s3Settings',
      { EncryptionMode: 'sse-s3' },
      'databases[0].overrides.s3Settings.EncryptionMode',
      'is set by lakeshift from target.kmsKeyArn (the lake is always SSE-KMS); remove it',
    ],
    [
      'PreserveTransactions without CdcPath',
      'target.s3Settings',
      { PreserveTransactions: true, DatePartitionEnabled: false },
      'target.s3Settings.PreserveTransactions',
      'requires CdcPath',
    ],
    [
      'date partitions with CdcPath',
      'target.s3Settings',
      { CdcPath: 'changes' },
      'target.s3Settings.DatePartitionEnabled',
      'cannot be true together with PreserveTransactions or CdcPath',
    ],
    [
      'inserts-only with inserts-and-updates',
      'databases.0.overrides.s3Settings',
      { CdcInsertsOnly: true, CdcInsertsAndUpdates: true },
      'databases[0].overrides.s3Settings.CdcInsertsAndUpdates',
      'cannot be true together with CdcInsertsOnly',
    ],
    [
      'an unknown task settings section',
      'defaults.taskSettings',
      { FullLoad: {} },
      'defaults.taskSettings.FullLoad',
      'is not a known field',
    ],
    [
      'an unknown task setting',
      'defaults.taskSettings',
      { FullLoadSettings: { MaxSubTasks: 8 } },
      'defaults.taskSettings.FullLoadSettings.MaxSubTasks',
      'is not a known field',
    ],
    [
      '50 full-load subtasks',
      'defaults.taskSettings',
      { FullLoadSettings: { MaxFullLoadSubTasks: 50 } },
      'defaults.taskSettings.FullLoadSettings.MaxFullLoadSubTasks',
      'must be at most 49 (DMS limit)',
    ],
    [
      'a commit rate above 50,000',
      'defaults.taskSettings',
      { FullLoadSettings: { CommitRate: 50_001 } },
      'defaults.taskSettings.FullLoadSettings.CommitRate',
      'must be at most 50,000 (DMS limit)',
    ],
    [
      'a prep mode DMS does not know',
      'defaults.taskSettings',
      { FullLoadSettings: { TargetTablePrepMode: 'TRUNCATE' } },
      'defaults.taskSettings.FullLoadSettings.TargetTablePrepMode',
      'must be one of "DO_NOTHING", "DROP_AND_CREATE", "TRUNCATE_BEFORE_LOAD"',
    ],
    [
      'full LOB mode',
      'databases.0.overrides.taskSettings',
      { TargetMetadata: { FullLobMode: true } },
      'databases[0].overrides.taskSettings.TargetMetadata.FullLobMode',
      'must be false: full LOB mode is not supported with an S3 target',
    ],
    [
      'batch apply',
      'defaults.taskSettings',
      { TargetMetadata: { BatchApplyEnabled: true } },
      'defaults.taskSettings.TargetMetadata.BatchApplyEnabled',
      'must be false: batch apply is not supported with an S3 target (risk of data loss)',
    ],
    [
      'no stop after cached changes',
      'defaults.taskSettings',
      { FullLoadSettings: { StopTaskCachedChangesApplied: false } },
      'defaults.taskSettings.FullLoadSettings.StopTaskCachedChangesApplied',
      'must stay true: lakeshift steps the instance down while the task is stopped after the full load',
    ],
    [
      'a log component listed twice',
      'defaults.taskSettings',
      {
        Logging: {
          LogComponents: [
            { Id: 'IO', Severity: 'LOGGER_SEVERITY_DEFAULT' },
            { Id: 'IO', Severity: 'LOGGER_SEVERITY_DEBUG' },
          ],
        },
      },
      'defaults.taskSettings.Logging.LogComponents',
      'must not list a component Id twice',
    ],
    [
      'a table pattern without a schema',
      'defaults.tables',
      { include: ['orders'] },
      'defaults.tables.include[0]',
      "must be 'schema.table' (letters, digits, _, $, -; '%' matches anything), e.g. 'public.%'",
    ],
    [
      'a table pattern with two dots',
      'databases.0.tables',
      { exclude: ['a.b.c'] },
      'databases[0].tables.exclude[0]',
      "must be 'schema.table' (letters, digits, _, $, -; '%' matches anything), e.g. 'public.%'",
    ],
    [
      'a repeated table pattern',
      'databases.0.tables',
      { include: ['public.%', 'public.%'] },
      'databases[0].tables.include',
      'must not repeat a pattern',
    ],
    [
      'an empty include list',
      'databases.0.tables',
      { include: [] },
      'databases[0].tables.include',
      'must list at least one pattern',
    ],
    [
      'a slot name, which DMS reads only with a CdcStartPosition a full-load-and-cdc task does not have',
      'databases.0.slotName',
      'shop_slot',
      'databases[0].slotName',
      'is not supported: DMS reads a named slot only if it was created beforehand and the task starts from a CdcStartPosition, which a full-load-and-cdc migration does not have; lakeshift lets DMS create the slot and records its name',
    ],
    [
      'an empty network',
      'databases.0.network',
      {},
      'databases[0].network',
      'must name a network or give a subnet group or security groups',
    ],
    [
      'a malformed security group id',
      'databases.0.network',
      { vpcSecurityGroupIds: ['sg-12'] },
      'databases[0].network.vpcSecurityGroupIds[0]',
      'must be a security group id: sg- followed by 8 or 17 hex digits',
    ],
    [
      'a repeated security group',
      'defaults.network',
      { vpcSecurityGroupIds: ['sg-0123abcd', 'sg-0123abcd'] },
      'defaults.network.vpcSecurityGroupIds',
      'must not repeat a security group',
    ],
    [
      "the 'default' subnet group",
      'databases.0.network',
      { replicationSubnetGroupId: 'default' },
      'databases[0].network.replicationSubnetGroupId',
      "must not be 'default' (reserved by DMS)",
    ],
    [
      'a network name with a space',
      'databases.0.network',
      { name: 'corp vpc' },
      'databases[0].network.name',
      'must be 1 to 64 letters, digits, _ or -',
    ],
    [
      'a typo in a database field',
      'databases.0.secretARN',
      'x',
      'databases[0].secretARN',
      'is not a known field',
    ],
    ['a typo at the top level', 'database', [], 'database', 'is not a known field'],
    ['no databases', 'databases', [], 'databases', 'must list at least one database'],
    [
      'a reserved tag key',
      'tags',
      { 'lakeshift:owner': 'me' },
      'tags["lakeshift:owner"]',
      "key must not start with 'aws:' or 'lakeshift:' (reserved; lakeshift sets lakeshift:migration, lakeshift:database, lakeshift:managed)",
    ],
    [
      'a tag value over 256 characters',
      'tags',
      { team: 'x'.repeat(257) },
      'tags.team',
      'must be at most 256 characters',
    ],
  ];

  it.each(rejected)('rejects %s', (_title, path, value, issuePath, rule) => {
    // Prepare
    const input = withValue(minimalRequest(), path, value);

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([{ path: issuePath, rule }]);
  });

  it('rejects a repeated database id, pointing at the repeat', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.2.id', 'orders');

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([
      { path: 'databases[2].id', rule: 'must be unique (databases[0] has the same id)' },
    ]);
  });

  it('checks per-database resize overrides against the merged settings', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.1.overrides.resize', {
      floor: 'dms.r5.2xlarge',
      ceiling: 'dms.r5.large',
    });

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[1].overrides.resize.floor',
        rule: 'must not be larger than the ceiling (dms.r5.large)',
      },
    ]);
  });

  it('checks an inherited floor against a ladder a database replaces', () => {
    // Prepare
    const defaultsFloor = withValue(threeDatabaseRequest(), 'defaults.resize.floor', 'dms.t3.large');
    const input = withValue(defaultsFloor, 'databases.0.overrides.resize', {
      ladder: ['dms.r5.large', 'dms.r5.xlarge'],
    });

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[0].overrides.resize.floor',
        rule: "must be one of the ladder's classes (dms.r5.large, dms.r5.xlarge)",
      },
    ]);
  });

  it('reports the same override problem for each database that has it', () => {
    // Prepare
    const override = { CdcInsertsOnly: true, CdcInsertsAndUpdates: true };
    const input = withValue(
      withValue(threeDatabaseRequest(), 'databases.0.overrides.s3Settings', override),
      'databases.2.overrides.s3Settings',
      override,
    );

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([
      {
        path: 'databases[0].overrides.s3Settings.CdcInsertsAndUpdates',
        rule: 'cannot be true together with CdcInsertsOnly',
      },
      {
        path: 'databases[2].overrides.s3Settings.CdcInsertsAndUpdates',
        rule: 'cannot be true together with CdcInsertsOnly',
      },
    ]);
  });

  it('reports a problem of the defaults once, not again for every database that inherits it', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'target.s3Settings', { CdcPath: 'changes' });

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues).toEqual([
      {
        path: 'target.s3Settings.DatePartitionEnabled',
        rule: 'cannot be true together with PreserveTransactions or CdcPath',
      },
    ]);
  });

  it('lists every invalid field of a request in one error, cross-field rules included', () => {
    // Prepare
    let input: JsonObject = threeDatabaseRequest();
    input = withValue(input, 'migrationId', 'Orders');
    input = withValue(input, 'target.bucket', 'Acme_Lake');
    input = withValue(input, 'target.kmsKeyArn', 'alias/lake');
    input = withValue(input, 'target.s3Settings', { DataFormat: 'orc', PreserveTransactions: true });
    input = withValue(input, 'defaults.resize', {
      ladder: ['dms.r5.large', 'dms.r5.xlarge'],
      floor: 'dms.t3.medium',
    });
    input = withValue(input, 'databases.0.secretArn', 'shop-secret');
    input = withValue(input, 'databases.0.sslMode', 'none');
    input = withValue(input, 'databases.1.id', 'orders');
    input = withValue(input, 'databases.1.overrides.taskSettings', {
      FullLoadSettings: { MaxFullLoadSubTasks: 64 },
    });
    input = withValue(input, 'databases.2.tables', { include: ['everything'] });
    input = withValue(input, 'databases.2.network', { vpcSecurityGroupIds: ['sg-x'] });

    // Act
    const issues = issuesOf(input);

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([
      'migrationId',
      'target.bucket',
      'target.kmsKeyArn',
      'target.s3Settings.DataFormat',
      'databases[0].secretArn',
      'databases[1].overrides.taskSettings.FullLoadSettings.MaxFullLoadSubTasks',
      'databases[2].tables.include[0]',
      'databases[2].network.vpcSecurityGroupIds[0]',
      'databases[1].id',
      'defaults.resize.floor',
      'databases[0].acknowledgePlainText',
    ]);
    expect(issues.every((issue) => issue.rule.length > 0)).toBe(true);
  });
});
