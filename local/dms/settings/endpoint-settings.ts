/**
 * How DMS echoes endpoint settings (docs/dms-behaviour.md §5, §6.1, §11.1): the caller's values as sent (S3
 * enum spellings included), with the documented defaults filled in for the rest. Engines the emulator knows,
 * with their display names.
 */
export const ENGINE_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  postgres: 'PostgreSQL',
  'aurora-postgresql': 'Amazon Aurora PostgreSQL',
  mysql: 'MySQL',
  aurora: 'Amazon Aurora MySQL',
  mariadb: 'MariaDB',
  oracle: 'Oracle',
  sqlserver: 'Microsoft SQL Server',
  s3: 'Amazon S3',
  redshift: 'Amazon Redshift',
  dynamodb: 'Amazon DynamoDB',
  kinesis: 'Amazon Kinesis',
  kafka: 'Kafka',
  opensearch: 'Amazon OpenSearch Service',
  docdb: 'Amazon DocumentDB',
  mongodb: 'MongoDB',
  db2: 'IBM Db2 LUW',
  sybase: 'SAP ASE',
  neptune: 'Amazon Neptune',
  babelfish: 'Babelfish',
};

/** Engines whose endpoint settings object the emulator default-fills, and the request member that carries it. */
export const SETTINGS_MEMBER: Readonly<Record<string, string>> = {
  postgres: 'PostgreSQLSettings',
  'aurora-postgresql': 'PostgreSQLSettings',
  s3: 'S3Settings',
};

const POSTGRES_DEFAULTS = {
  CaptureDdls: true,
  DdlArtifactsSchema: 'public',
  ExecuteTimeout: 60,
  FailTasksOnLobTruncation: false,
  HeartbeatEnable: false,
  HeartbeatFrequency: 5,
  HeartbeatSchema: 'public',
  MapBooleanAsBoolean: false,
  MapJsonbAsClob: false,
  MapLongVarcharAs: 'wstring',
  MaxFileSize: 32768,
  DatabaseMode: 'default',
  TrimSpaceInChar: true,
};

const S3_DEFAULTS = {
  AddColumnName: false,
  CannedAclForObjects: 'none',
  CdcInsertsAndUpdates: false,
  CdcInsertsOnly: false,
  CdcMaxBatchInterval: 60,
  CdcMinFileSize: 32000,
  CompressionType: 'NONE',
  CsvDelimiter: ',',
  CsvRowDelimiter: '\\n',
  DataFormat: 'csv',
  DataPageSize: 1048576,
  DatePartitionEnabled: false,
  DictPageSizeLimit: 1048576,
  EnableStatistics: true,
  EncodingType: 'rle-dictionary',
  EncryptionMode: 'SSE_S3',
  IncludeOpForFullLoad: false,
  MaxFileSize: 1048576,
  ParquetTimestampInMillisecond: false,
  ParquetVersion: 'parquet-1-0',
  PreserveTransactions: false,
  Rfc4180: true,
  RowGroupLength: 10000,
  UseTaskStartTimeForFullLoadTimestamp: false,
  AddTrailingPaddingCharacter: false,
  GlueCatalogGeneration: false,
};

const DEFAULTS_BY_MEMBER: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  PostgreSQLSettings: POSTGRES_DEFAULTS,
  S3Settings: S3_DEFAULTS,
};

/** The settings object as DMS returns it: defaults under the caller's values. */
export const fillEndpointSettings = (
  member: string,
  given: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> => ({ ...(DEFAULTS_BY_MEMBER[member] ?? {}), ...(given ?? {}) });
