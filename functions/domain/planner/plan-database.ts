import { type FieldIssue, InvalidInputError, InvalidRequestError } from '#contracts/errors';
import { MANAGED_TAG_VALUE, TAG_KEYS } from '#contracts/tags';
import {
  describeWarnings,
  type FidelityPlan,
  planFidelity,
  type SourceInspection,
} from '#domain/fidelity/index';
import { deriveIdentifiers } from '#domain/naming';
import { type EffectiveDatabaseSettings, effectiveDatabaseSettings } from '#domain/request/effective';
import type { DatabaseRequest, MigrationRequest } from '#domain/request/schema';
import type { SourceEndpointPlan, TargetEndpointPlan } from './endpoint-plans.ts';
import type { InstancePlan } from './instance-plan.ts';
import { resolveNetwork } from './network.ts';
import type { DatabasePlan, PlannerEnvironment } from './plan.ts';
import type { ResourceTag } from './resource-fields.ts';
import { tableMappingsJson } from './table-mappings.ts';
import type { TaskPlan } from './task-plan.ts';

const resourceTags = (request: MigrationRequest, databaseId: string): ResourceTag[] => [
  { Key: TAG_KEYS.migration, Value: request.migrationId },
  { Key: TAG_KEYS.database, Value: databaseId },
  { Key: TAG_KEYS.managed, Value: MANAGED_TAG_VALUE },
  ...Object.entries(request.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
];

const sourceEndpoint = (
  database: DatabaseRequest,
  settings: EffectiveDatabaseSettings,
  environment: PlannerEnvironment,
  identifier: string,
  tags: ResourceTag[],
): SourceEndpointPlan => {
  const { heartbeat } = settings;
  return {
    EndpointIdentifier: identifier,
    EndpointType: 'source',
    EngineName: 'postgres',
    DatabaseName: database.databaseName,
    SslMode: settings.sslMode,
    PostgreSQLSettings: {
      SecretsManagerSecretId: database.secretArn,
      SecretsManagerAccessRoleArn: environment.dmsSecretsAccessRoleArn,
      DatabaseName: database.databaseName,
      // Without it booleans land in the lake as varchar(5).
      MapBooleanAsBoolean: true,
      HeartbeatEnable: heartbeat.enabled,
      ...(heartbeat.enabled ? { HeartbeatFrequency: heartbeat.frequencyMinutes } : {}),
      ...(heartbeat.enabled && heartbeat.schema !== undefined ? { HeartbeatSchema: heartbeat.schema } : {}),
      PluginName: settings.pluginName,
      FailTasksOnLobTruncation: settings.lobTruncation === 'fail',
    },
    Tags: tags,
  };
};

const targetEndpoint = (
  request: MigrationRequest,
  databaseId: string,
  settings: EffectiveDatabaseSettings,
  fidelity: FidelityPlan | null,
  environment: PlannerEnvironment,
  identifier: string,
  tags: ResourceTag[],
): TargetEndpointPlan => {
  const bucketOwner = request.target.bucketOwner ?? environment.lakeBucketOwner;
  return {
    EndpointIdentifier: identifier,
    EndpointType: 'target',
    EngineName: 's3',
    S3Settings: {
      ...settings.s3Settings,
      ...(fidelity === null ? {} : { ParquetTimestampInMillisecond: fidelity.parquetTimestampInMillisecond }),
      ServiceAccessRoleArn: environment.dmsS3AccessRoleArn,
      BucketName: request.target.bucket,
      BucketFolder: `${targetFolderOf(request, environment)}/${databaseId}`,
      EncryptionMode: 'sse-kms',
      ServerSideEncryptionKmsKeyId: request.target.kmsKeyArn,
      ...(bucketOwner === undefined ? {} : { ExpectedBucketOwner: bucketOwner }),
    },
    Tags: tags,
  };
};

const DEFAULT_LOB_MAX_SIZE_KB = 6400;

const lobMaxSizeKb = (settings: EffectiveDatabaseSettings): number =>
  settings.taskSettings.TargetMetadata?.LobMaxSize ?? DEFAULT_LOB_MAX_SIZE_KB;

const task = (
  settings: EffectiveDatabaseSettings,
  fidelity: FidelityPlan | null,
  identifier: string,
  tags: ResourceTag[],
): TaskPlan => {
  const taskSettings =
    fidelity === null
      ? settings.taskSettings
      : {
          ...settings.taskSettings,
          TargetMetadata: { ...settings.taskSettings.TargetMetadata, LobMaxSize: fidelity.lobMaxSizeKb },
        };
  return {
    ReplicationTaskIdentifier: identifier,
    MigrationType: 'full-load-and-cdc',
    TableMappings: tableMappingsJson(settings.tables.include, settings.tables.exclude, fidelity?.rules ?? []),
    ReplicationTaskSettings: JSON.stringify(taskSettings),
    Tags: tags,
  };
};

/** The fidelity section from the source inspection; null when the source was not inspected (request validation). */
const fidelityOf = (
  settings: EffectiveDatabaseSettings,
  inspection: SourceInspection | undefined,
): FidelityPlan | null =>
  inspection === undefined
    ? null
    : planFidelity(
        inspection,
        {
          lossyTypes: settings.fidelity.lossyTypes,
          lossyColumns: settings.fidelity.lossyColumns,
          warningsFatal: settings.fidelity.warningsFatal,
        },
        {
          lobMaxSizeKb: lobMaxSizeKb(settings),
          millisecondTimestampsRequested: settings.millisecondTimestampsRequested,
        },
      );

/** A plan, or the request problems that prevent one (an unknown network name). */
export type PlanOutcome = { readonly plan: DatabasePlan } | { readonly issues: FieldIssue[] };

/** Plans the database at `index` of a parsed request. Pure: same request and environment, same plan. */
export const planDatabaseAt = (
  request: MigrationRequest,
  index: number,
  environment: PlannerEnvironment,
  inspection?: SourceInspection,
): PlanOutcome => {
  const database = request.databases[index];
  if (database === undefined) {
    throw new InvalidInputError(`Migration "${request.migrationId}" has no database at index ${index}`);
  }
  const settings = effectiveDatabaseSettings(request.target, request.defaults, database);
  const networkPath = database.network === undefined ? 'defaults.network' : `databases[${index}].network`;
  const network = resolveNetwork(settings.network, environment.networks, networkPath);
  if ('issue' in network) return { issues: [network.issue] };
  const fidelity = fidelityOf(settings, inspection);
  if (fidelity !== null && settings.fidelity.warningsFatal && fidelity.warnings.length > 0) {
    const path =
      database.overrides?.fidelity?.warningsFatal === undefined
        ? 'defaults'
        : `databases[${index}].overrides`;
    return {
      issues: [
        {
          path: `${path}.fidelity.warningsFatal`,
          rule: `plan warnings are fatal, and ${fidelity.warnings.length} column(s) cannot be carried losslessly: ${describeWarnings(fidelity.warnings)}`,
        },
      ],
    };
  }

  const identifiers = deriveIdentifiers(request.migrationId, database.id);
  // Each resource gets its own copy so no consumer can change another resource's tags through an alias.
  const tags = () => resourceTags(request, database.id);
  const instance: InstancePlan = {
    ReplicationInstanceIdentifier: identifiers.instance,
    ReplicationInstanceClass: settings.fullLoadClass,
    AllocatedStorage: settings.allocatedStorageGb,
    MultiAZ: settings.multiAz,
    PubliclyAccessible: false,
    ...network.network,
    ...(settings.engineVersion === undefined ? {} : { EngineVersion: settings.engineVersion }),
    Tags: tags(),
  };
  return {
    plan: {
      migrationId: request.migrationId,
      databaseId: database.id,
      identifiers,
      network: network.name,
      tags: tags(),
      instance,
      sourceEndpoint: sourceEndpoint(database, settings, environment, identifiers.sourceEndpoint, tags()),
      targetEndpoint: targetEndpoint(
        request,
        database.id,
        settings,
        fidelity,
        environment,
        identifiers.targetEndpoint,
        tags(),
      ),
      task: task(settings, fidelity, identifiers.task, tags()),
      fidelity,
      source: {
        secretArn: database.secretArn,
        databaseName: database.databaseName,
        ...(settings.caCertificate !== undefined &&
        (settings.sslMode === 'verify-ca' || settings.sslMode === 'verify-full')
          ? { caCertificate: settings.caCertificate }
          : {}),
      },
      resize: settings.resize,
    },
  };
};

/**
 * The plan for one database of a parsed request. Throws `InvalidInputError` when the request has no such
 * database, and `InvalidRequestError` when the request does not fit the deployment (an unknown network name).
 */
export const planDatabase = (
  request: MigrationRequest,
  databaseId: string,
  environment: PlannerEnvironment,
  inspection?: SourceInspection,
): DatabasePlan => {
  const index = request.databases.findIndex((database) => database.id === databaseId);
  if (index < 0) {
    throw new InvalidInputError(`Migration "${request.migrationId}" has no database "${databaseId}"`);
  }
  const outcome = planDatabaseAt(request, index, environment, inspection);
  const issues = [
    ...targetFolderIssues(request, environment),
    ...('issues' in outcome ? outcome.issues : []),
  ];
  if (issues.length > 0 || 'issues' in outcome) throw new InvalidRequestError(issues);
  return outcome.plan;
};

/**
 * The request's folder, or by default `<lake folder>/<migration id>`: a request without one lands where the
 * deployment's DMS role may write (the migration id alone when the deployment names no lake folder).
 */
export const targetFolderOf = (request: MigrationRequest, environment: PlannerEnvironment): string =>
  request.target.folder ??
  (environment.lakeFolder === undefined
    ? request.migrationId
    : `${environment.lakeFolder}/${request.migrationId}`);

/**
 * The deployment's DMS role may write only under its lake folder: a target folder elsewhere would pass validation
 * and fail at DMS's S3 connection test, after an instance was already paid for.
 */
const targetFolderIssues = (request: MigrationRequest, environment: PlannerEnvironment): FieldIssue[] => {
  const allowed = environment.lakeFolder;
  const folder = request.target.folder;
  if (allowed === undefined || folder === undefined || folder === allowed || folder.startsWith(`${allowed}/`))
    return [];
  return [
    {
      path: 'target.folder',
      rule: `must be "${allowed}" or a folder below it: the deployment's DMS role writes only there (LAKE_FOLDER)`,
    },
  ];
};

/** Plans every database; all problems of all databases are reported in one `InvalidRequestError`. */
export const planFleet = (request: MigrationRequest, environment: PlannerEnvironment): DatabasePlan[] => {
  const outcomes = request.databases.map((_, index) => planDatabaseAt(request, index, environment));
  const issues = [
    ...targetFolderIssues(request, environment),
    ...outcomes.flatMap((outcome) => ('issues' in outcome ? outcome.issues : [])),
  ];
  // Databases that inherit a bad `defaults.network` would each report it; report it once.
  const distinct = [...new Map(issues.map((issue) => [`${issue.path}\u0000${issue.rule}`, issue])).values()];
  if (distinct.length > 0) throw new InvalidRequestError(distinct);
  return outcomes.flatMap((outcome) => ('plan' in outcome ? [outcome.plan] : []));
};
