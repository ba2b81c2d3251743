/**
 * Enum-valued request members and their allowed values, taken from the SDK's generated enums. DMS answers a value
 * outside the set with `InvalidParameterValueException`. S3 and PostgreSQL settings are matched ignoring case and
 * `_`/`-` (the API model and the user guide spell them differently and DMS accepts both), and echoed as sent.
 */
import {
  CannedAclForObjectsValue,
  CompressionTypeValue,
  DatabaseMode,
  DataFormatValue,
  DatePartitionDelimiterValue,
  DatePartitionSequenceValue,
  DmsSslModeValue,
  EncodingTypeValue,
  EncryptionModeValue,
  LongVarcharMappingType,
  MigrationTypeValue,
  ParquetVersionValue,
  PluginNameValue,
  PostgreSQLAuthenticationMethod,
  ReloadOptionValue,
  ReplicationEndpointTypeValue,
  StartReplicationTaskTypeValue,
} from '@aws-sdk/client-database-migration-service';
import { invalidParameterValue } from './errors.ts';

interface EnumRule {
  readonly values: readonly string[];
  /** Compare ignoring case and `_` vs `-`. */
  readonly loose?: boolean;
}

const rule = (values: Record<string, string>, loose = false): EnumRule => ({
  values: Object.values(values),
  loose,
});

const S3_ENUMS: Record<string, EnumRule> = {
  'S3Settings.CompressionType': rule(CompressionTypeValue, true),
  'S3Settings.DataFormat': rule(DataFormatValue, true),
  'S3Settings.ParquetVersion': rule(ParquetVersionValue, true),
  'S3Settings.EncodingType': rule(EncodingTypeValue, true),
  'S3Settings.EncryptionMode': rule(EncryptionModeValue, true),
  'S3Settings.DatePartitionSequence': rule(DatePartitionSequenceValue, true),
  'S3Settings.DatePartitionDelimiter': rule(DatePartitionDelimiterValue, true),
  'S3Settings.CannedAclForObjects': rule(CannedAclForObjectsValue, true),
  'PostgreSQLSettings.PluginName': rule(PluginNameValue, true),
  'PostgreSQLSettings.MapLongVarcharAs': rule(LongVarcharMappingType, true),
  'PostgreSQLSettings.DatabaseMode': rule(DatabaseMode, true),
  'PostgreSQLSettings.AuthenticationMethod': rule(PostgreSQLAuthenticationMethod, true),
};

const ENDPOINT_ENUMS: Record<string, EnumRule> = {
  EndpointType: rule(ReplicationEndpointTypeValue, true),
  SslMode: rule(DmsSslModeValue),
  ...S3_ENUMS,
};

const ENUMS_BY_OPERATION: Record<string, Record<string, EnumRule>> = {
  CreateEndpoint: ENDPOINT_ENUMS,
  ModifyEndpoint: ENDPOINT_ENUMS,
  CreateReplicationTask: { MigrationType: rule(MigrationTypeValue) },
  ModifyReplicationTask: { MigrationType: rule(MigrationTypeValue) },
  StartReplicationTask: { StartReplicationTaskType: rule(StartReplicationTaskTypeValue) },
  ReloadTables: { ReloadOption: rule(ReloadOptionValue) },
  DescribeEvents: { SourceType: { values: ['replication-instance', 'replication-task'] } },
};

const normalize = (value: string): string => value.toLowerCase().replaceAll('_', '-');

const valueAt = (input: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => {
    if (node && typeof node === 'object' && !Array.isArray(node))
      return (node as Record<string, unknown>)[key];
    return undefined;
  }, input);

/** Throws `InvalidParameterValueException` naming the first member whose value is outside its enum. */
export const checkEnums = (operation: string, input: Record<string, unknown>): void => {
  const rules = ENUMS_BY_OPERATION[operation];
  if (!rules) return;
  for (const [path, { values, loose }] of Object.entries(rules)) {
    const value = valueAt(input, path);
    if (typeof value !== 'string') continue;
    const ok = loose
      ? values.some((allowed) => normalize(allowed) === normalize(value))
      : values.includes(value);
    if (!ok)
      throw invalidParameterValue(`Invalid value '${value}' for ${path}. Valid values: ${values.join(', ')}`);
  }
};
