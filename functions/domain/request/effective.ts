import { DEFAULT_LADDER, type InstanceClass } from '#domain/instance-classes';
import { mergeResizeLayers, type ResizeSettings } from './resize-settings.ts';
import { S3_SETTINGS_SEED, type TunableS3Settings } from './s3-settings.ts';
import type {
  DatabaseRequest,
  MigrationRequestDefaults,
  MigrationTarget,
  NetworkSelection,
} from './schema.ts';
import { mergeTaskSettings, TASK_SETTINGS_SEED, type TaskSettingsOverrides } from './task-settings.ts';

/** One database's settings after the seed, the request defaults and its own overrides are layered. */
export interface EffectiveDatabaseSettings {
  readonly fullLoadClass: InstanceClass;
  readonly allocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly engineVersion: string | undefined;
  readonly sslMode: NonNullable<DatabaseRequest['sslMode']>;
  /** For verify-ca/verify-full; the request's rules make sure there is one then. */
  readonly caCertificate: DatabaseRequest['caCertificate'];
  readonly lobTruncation: MigrationRequestDefaults['lobTruncation'];
  readonly pluginName: MigrationRequestDefaults['pluginName'];
  readonly heartbeat: {
    readonly enabled: boolean;
    readonly frequencyMinutes: number;
    readonly schema?: string;
  };
  readonly tables: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly network: NetworkSelection | undefined;
  readonly s3Settings: TunableS3Settings;
  readonly taskSettings: TaskSettingsOverrides;
  readonly resize: ResizeSettings;
  readonly fidelity: MigrationRequestDefaults['fidelity'];
  /** True when the request itself (defaults or overrides) set ParquetTimestampInMillisecond true. */
  readonly millisecondTimestampsRequested: boolean;
}

/** The resize settings of the defaults layer alone, as every database without resize overrides gets them. */
export const defaultResizeSettings = (defaults: MigrationRequestDefaults): ResizeSettings =>
  mergeResizeLayers([defaults.resize], DEFAULT_LADDER, defaults.fullLoadClass);

export const defaultS3Settings = (target: Pick<MigrationTarget, 's3Settings'>): TunableS3Settings => ({
  ...S3_SETTINGS_SEED,
  ...target.s3Settings,
});

export const effectiveDatabaseSettings = (
  target: Pick<MigrationTarget, 's3Settings'>,
  defaults: MigrationRequestDefaults,
  database: DatabaseRequest,
): EffectiveDatabaseSettings => {
  const overrides = database.overrides ?? {};
  const fullLoadClass = overrides.fullLoadClass ?? defaults.fullLoadClass;
  return {
    fullLoadClass,
    allocatedStorageGb: overrides.allocatedStorageGb ?? defaults.allocatedStorageGb,
    multiAz: overrides.multiAz ?? defaults.multiAz,
    engineVersion: overrides.engineVersion ?? defaults.engineVersion,
    sslMode: database.sslMode ?? defaults.sslMode,
    caCertificate: database.caCertificate ?? defaults.caCertificate,
    lobTruncation: overrides.lobTruncation ?? defaults.lobTruncation,
    pluginName: overrides.pluginName ?? defaults.pluginName,
    heartbeat: { ...defaults.heartbeat, ...overrides.heartbeat },
    tables: {
      include: database.tables?.include ?? defaults.tables.include,
      exclude: database.tables?.exclude ?? defaults.tables.exclude,
    },
    network: database.network ?? defaults.network,
    s3Settings: { ...defaultS3Settings(target), ...overrides.s3Settings },
    taskSettings: mergeTaskSettings(TASK_SETTINGS_SEED, defaults.taskSettings, overrides.taskSettings ?? {}),
    resize: mergeResizeLayers(
      overrides.resize === undefined ? [defaults.resize] : [defaults.resize, overrides.resize],
      DEFAULT_LADDER,
      fullLoadClass,
    ),
    fidelity: { ...defaults.fidelity, ...overrides.fidelity },
    millisecondTimestampsRequested:
      (overrides.s3Settings?.ParquetTimestampInMillisecond ??
        target.s3Settings.ParquetTimestampInMillisecond) === true,
  };
};
