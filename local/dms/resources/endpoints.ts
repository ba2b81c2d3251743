/** Endpoints: Create, Describe, Modify, Delete. */
import type {
  CreateEndpointMessage,
  CreateEndpointResponse,
  DeleteEndpointMessage,
  DeleteEndpointResponse,
  DescribeEndpointsMessage,
  DescribeEndpointsResponse,
  Endpoint,
  ModifyEndpointMessage,
  ModifyEndpointResponse,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { dmsArn, generateUuid } from '../protocol/arn.ts';
import { describePage } from '../protocol/describe.ts';
import {
  invalidParameterCombination,
  invalidParameterValue,
  invalidResourceState,
  resourceAlreadyExists,
  resourceQuotaExceeded,
} from '../protocol/errors.ts';
import { checkResourceIdentifier, normalizeIdentifier } from '../protocol/identifiers.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import {
  ENGINE_DISPLAY_NAMES,
  fillEndpointSettings,
  SETTINGS_MEMBER,
} from '../settings/endpoint-settings.ts';
import { getEndpoint, tasksUsingEndpoint } from '../state/lookup.ts';
import type { EndpointRecord } from '../state/records.ts';
import { getCertificate } from './certificates.ts';
import { setTags, validateTags } from './tags.ts';

/** Request members that are not stored as attributes (identity, type, engine, tags). */
const NOT_ATTRIBUTES = new Set([
  'EndpointArn',
  'EndpointIdentifier',
  'EndpointType',
  'EngineName',
  'Tags',
  'ResourceIdentifier',
  'ExactSettings',
]);
/** Statuses of tasks during which their endpoints cannot change. */
const TASK_BUSY = new Set(['starting', 'running', 'stopping', 'modifying', 'moving', 'testing']);

export const endpointToApi = (ctx: DmsContext, endpoint: EndpointRecord): Wire<Endpoint> => {
  const { Password: _password, ...visible } = endpoint.attributes;
  const settingsMember = SETTINGS_MEMBER[endpoint.engineName];
  const settings = settingsMember ? visible[settingsMember] : undefined;
  const hidden =
    settings && typeof settings === 'object' ? { ...(settings as Record<string, unknown>) } : undefined;
  if (hidden) delete hidden['Password'];
  return {
    EndpointIdentifier: endpoint.identifier,
    // DMS answers the type in upper case although requests send it in lower case
    // (docs/dms-behaviour.md §6.1).
    EndpointType: endpoint.endpointType as Wire<Endpoint>['EndpointType'],
    EngineName: endpoint.engineName,
    EngineDisplayName: ENGINE_DISPLAY_NAMES[endpoint.engineName] ?? endpoint.engineName,
    Status: endpoint.status,
    EndpointArn: endpoint.arn,
    SslMode: 'none',
    // DMS fills the account's default key for database endpoints and leaves it empty for S3
    // (docs/dms-behaviour.md §5, §11.1).
    ...(endpoint.engineName === 's3'
      ? {}
      : {
          KmsKeyId: `arn:aws:kms:${ctx.config.region}:${ctx.config.account}:key/${generateUuid(ctx.config.seed, 0)}`,
        }),
    ...(visible as Wire<Endpoint>),
    ...(settingsMember && hidden ? { [settingsMember]: hidden } : {}),
  };
};

const checkEngine = (engineName: string): string => {
  if (!Object.hasOwn(ENGINE_DISPLAY_NAMES, engineName))
    throw invalidParameterValue(
      `Invalid EngineName ${engineName}. Valid values: ${Object.keys(ENGINE_DISPLAY_NAMES).join(', ')}`,
    );
  return engineName;
};

const endpointType = (value: string): 'SOURCE' | 'TARGET' =>
  value.toLowerCase() === 'source' ? 'SOURCE' : 'TARGET';

/** Checks the combinations DMS rejects and builds the stored attributes (settings default-filled). */
const attributesFrom = (
  engineName: string,
  input: Readonly<Record<string, unknown>>,
  previous: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> => {
  const attributes: Record<string, unknown> = { ...previous };
  for (const [key, value] of Object.entries(input)) if (!NOT_ATTRIBUTES.has(key)) attributes[key] = value;
  const settingsMember = SETTINGS_MEMBER[engineName];
  if (settingsMember) {
    const given = input[settingsMember] as Record<string, unknown> | undefined;
    const earlier = previous[settingsMember] as Record<string, unknown> | undefined;
    attributes[settingsMember] = fillEndpointSettings(settingsMember, {
      ...(earlier ?? {}),
      ...(given ?? {}),
    });
  }
  const postgres = attributes['PostgreSQLSettings'] as Record<string, unknown> | undefined;
  const usesSecret = postgres?.['SecretsManagerSecretId'] !== undefined;
  const usesPassword = attributes['Password'] !== undefined || postgres?.['Password'] !== undefined;
  if (usesSecret && usesPassword)
    throw invalidParameterCombination(
      'Specify either SecretsManagerSecretId or Username/Password for the endpoint credentials, not both',
    );
  if (usesSecret && postgres?.['SecretsManagerAccessRoleArn'] === undefined)
    throw invalidParameterCombination('SecretsManagerAccessRoleArn is required with SecretsManagerSecretId');
  const sslMode = String(attributes['SslMode'] ?? 'none').toLowerCase();
  if ((sslMode === 'verify-ca' || sslMode === 'verify-full') && attributes['CertificateArn'] === undefined)
    throw invalidParameterCombination(
      `SslMode ${sslMode} requires a CertificateArn: the server's certificate is verified against it`,
    );
  if (engineName === 's3') {
    const s3 = attributes['S3Settings'] as Record<string, unknown> | undefined;
    if (typeof s3?.['BucketName'] !== 'string' || s3['BucketName'] === '')
      throw invalidParameterValue('S3Settings.BucketName is required for an S3 endpoint');
    if (s3['TimestampColumnName'] === '')
      throw invalidParameterValue('TimestampColumnName cannot be an empty string.');
    if (s3['CdcInsertsOnly'] === true && s3['CdcInsertsAndUpdates'] === true)
      throw invalidParameterCombination('CdcInsertsOnly and CdcInsertsAndUpdates cannot both be true');
  }
  return attributes;
};

/** A CertificateArn must name a certificate of the account. */
const requireCertificate = (ctx: DmsContext, attributes: Readonly<Record<string, unknown>>): void => {
  const arn = attributes['CertificateArn'];
  if (typeof arn === 'string') getCertificate(ctx.state, arn);
};

const identifierTaken = (ctx: DmsContext, identifier: string, except?: string): boolean =>
  Object.values(ctx.state.endpoints).some(
    (endpoint) => endpoint.identifier === identifier && endpoint.arn !== except,
  );

export const createEndpoint = (
  ctx: DmsContext,
  input: Input<CreateEndpointMessage, 'EndpointIdentifier' | 'EndpointType' | 'EngineName'>,
): Wire<CreateEndpointResponse> => {
  const { config, state } = ctx;
  const identifier = normalizeIdentifier('EndpointIdentifier', input.EndpointIdentifier);
  const engineName = checkEngine(input.EngineName);
  const type = endpointType(input.EndpointType);
  if (engineName === 's3' && type === 'SOURCE' && input.ExternalTableDefinition === undefined)
    throw invalidParameterValue('ExternalTableDefinition is required for an S3 source endpoint');
  const attributes = attributesFrom(engineName, input as Record<string, unknown>);
  requireCertificate(ctx, attributes);
  const resourceId =
    input.ResourceIdentifier !== undefined ? checkResourceIdentifier(input.ResourceIdentifier) : undefined;
  const tags = validateTags(input.Tags);
  if (identifierTaken(ctx, identifier))
    throw resourceAlreadyExists(`Endpoint with identifier ${identifier} already exists`);
  const arn = dmsArn(config.region, config.account, 'endpoint', resourceId ?? ctx.nextResourceId());
  if (state.endpoints[arn]) throw resourceAlreadyExists(`Endpoint with ARN ${arn} already exists`);
  if (Object.keys(state.endpoints).length >= config.quotas.endpoints)
    throw resourceQuotaExceeded(
      `The quota of ${config.quotas.endpoints} endpoints for this account has been reached`,
    );
  const endpoint: EndpointRecord = {
    arn,
    resourceId: arn.slice(arn.lastIndexOf(':') + 1),
    identifier,
    endpointType: type,
    engineName,
    status: 'active',
    createdAt: ctx.clock.now(),
    attributes,
  };
  state.endpoints[arn] = endpoint;
  setTags(ctx, arn, tags);
  ctx.events.publish('endpoint-created', endpoint);
  return { Endpoint: endpointToApi(ctx, endpoint) };
};

export const describeEndpoints = (
  ctx: DmsContext,
  input: Wire<DescribeEndpointsMessage>,
): Wire<DescribeEndpointsResponse> => {
  const { items, ...marker } = describePage(
    Object.values(ctx.state.endpoints),
    input,
    {
      fields: {
        'endpoint-arn': (endpoint) => [endpoint.arn],
        'endpoint-type': (endpoint) => [endpoint.endpointType],
        'endpoint-id': (endpoint) => [endpoint.identifier],
        'engine-name': (endpoint) => [endpoint.engineName],
      },
      caseInsensitive: ['endpoint-id', 'endpoint-type'],
      what: 'endpoints',
    },
    (endpoint) => endpointToApi(ctx, endpoint),
  );
  return { Endpoints: items, ...marker };
};

export const modifyEndpoint = (
  ctx: DmsContext,
  input: Input<ModifyEndpointMessage, 'EndpointArn'>,
): Wire<ModifyEndpointResponse> => {
  const endpoint = getEndpoint(ctx.state, input.EndpointArn);
  if (endpoint.status !== 'active')
    throw invalidResourceState(
      `Endpoint ${endpoint.identifier} cannot be modified in state ${endpoint.status}`,
    );
  const busy = tasksUsingEndpoint(ctx.state, endpoint.arn).filter((task) => TASK_BUSY.has(task.status));
  if (busy.length > 0)
    throw invalidResourceState(
      `Endpoint ${endpoint.identifier} is used by replication task ${busy[0]?.identifier ?? ''} in state ` +
        `${busy[0]?.status ?? ''}; stop the task before modifying the endpoint`,
    );
  const engineName = input.EngineName !== undefined ? checkEngine(input.EngineName) : endpoint.engineName;
  const type = input.EndpointType !== undefined ? endpointType(input.EndpointType) : endpoint.endpointType;
  const used = tasksUsingEndpoint(ctx.state, endpoint.arn);
  if (used.length > 0 && (engineName !== endpoint.engineName || type !== endpoint.endpointType))
    throw invalidResourceState('The engine or type of an endpoint used by a replication task cannot change');
  let identifier = endpoint.identifier;
  if (input.EndpointIdentifier !== undefined) {
    identifier = normalizeIdentifier('EndpointIdentifier', input.EndpointIdentifier);
    if (identifierTaken(ctx, identifier, endpoint.arn))
      throw resourceAlreadyExists(`Endpoint with identifier ${identifier} already exists`);
  }
  // ExactSettings=true replaces the settings objects instead of merging them.
  const previous = input.ExactSettings === true ? {} : endpoint.attributes;
  const attributes = attributesFrom(engineName, input as Record<string, unknown>, previous);
  requireCertificate(ctx, attributes);
  endpoint.identifier = identifier;
  endpoint.engineName = engineName;
  endpoint.endpointType = type;
  endpoint.attributes = attributes;
  return { Endpoint: endpointToApi(ctx, endpoint) };
};

export const deleteEndpoint = (
  ctx: DmsContext,
  input: Input<DeleteEndpointMessage, 'EndpointArn'>,
): Wire<DeleteEndpointResponse> => {
  const endpoint = getEndpoint(ctx.state, input.EndpointArn);
  if (endpoint.status === 'deleting')
    throw invalidResourceState(`Endpoint ${endpoint.identifier} is already being deleted`);
  const tasks = tasksUsingEndpoint(ctx.state, endpoint.arn);
  if (tasks.length > 0)
    throw invalidResourceState(
      `Endpoint ${endpoint.identifier} is used by ${tasks.length} replication task(s) and cannot be deleted`,
    );
  ctx.lifecycle.deleteEndpoint(endpoint);
  return { Endpoint: endpointToApi(ctx, endpoint) };
};
