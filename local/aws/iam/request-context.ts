/**
 * What AWS authorizes for one API request: the IAM action, every resource the Service Authorization Reference
 * lists for that action and the request names (CreateReplicationInstance: the instance and the subnet group), and
 * the condition keys of the request (`aws:RequestTag/*`, `aws:TagKeys`, service tag keys such as
 * `dms:req-tag/*`, `aws:ResourceTag/*` from the services' state). An action that passes a role adds
 * `iam:PassRole` on that role with `iam:PassedToService`.
 */
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/aws/shared/account';
import { placeholder, referenceAction, resourceArn, resourceTypeArnFormat } from './service-reference.ts';

export interface AuthorizationCheck {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

/** What the services know that IAM reads: resource tags, full ARNs of named things, token owners. */
export interface ServiceLookups {
  readonly dmsTags: (arn: string) => readonly Tag[];
  readonly secretArn: (secretId: string) => string | undefined;
  readonly tokenExecution: (token: string) => string | undefined;
}

export interface IamSettings {
  /**
   * Whether DMS checks `iam:GetRole` on a role an endpoint names, besides `iam:PassRole`. The DMS user guide lists
   * both for endpoints that name a role, without saying which call is checked when; the stricter reading is the
   * default (docs/iam.md).
   */
  readonly dmsChecksGetRoleOnPassedRoles: boolean;
}

export const DEFAULT_IAM_SETTINGS: IamSettings = { dmsChecksGetRoleOnPassedRoles: true };

/** IAM's service prefix for each `X-Amz-Target` prefix the local AWS serves. */
export const IAM_SERVICE_BY_TARGET: Readonly<Record<string, string>> = {
  AmazonDMSv20160101: 'dms',
  AWSStepFunctions: 'states',
  AWSEvents: 'events',
  GraniteServiceVersion20100801: 'cloudwatch',
  secretsmanager: 'secretsmanager',
  DynamoDB_20120810: 'dynamodb',
  AWSGlue: 'glue',
};

type Input = Readonly<Record<string, unknown>>;
const str = (input: Input | undefined, key: string): string | undefined =>
  typeof input?.[key] === 'string' ? (input[key] as string) : undefined;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const arnIn = (service: string, type: string, name: string): string =>
  resourceArn(service, type, { region: LOCAL_REGION, account: LOCAL_ACCOUNT_ID, name });

const requestTagContext = (service: string, tags: readonly Tag[]): Record<string, string | string[]> => {
  if (tags.length === 0) return {};
  const context: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((tag) => tag.Key) };
  for (const tag of tags) {
    context[`aws:RequestTag/${tag.Key}`] = tag.Value ?? '';
    if (service === 'dms') context[`dms:req-tag/${tag.Key}`] = tag.Value ?? '';
  }
  return context;
};

const resourceTagContext = (tags: readonly Tag[]): Record<string, string> =>
  Object.fromEntries(tags.map((tag) => [`aws:ResourceTag/${tag.Key}`, tag.Value ?? '']));

const tagsOf = (value: unknown): Tag[] =>
  Array.isArray(value)
    ? value.filter((tag): tag is Tag => typeof (tag as Tag | undefined)?.Key === 'string')
    : [];

/** The resources of a DMS request, per resource type of the reference, as the request members name them. */
const dmsResources = (operation: string, input: Input, type: string): string[] => {
  // ImportCertificate creates a certificate: like the Create operations, it is judged on the ARN its identifier names.
  const create = operation.startsWith('Create') || operation === 'ImportCertificate';
  switch (type) {
    case 'ReplicationInstance': {
      const arn = str(input, 'ReplicationInstanceArn');
      if (arn) return [arn];
      const id = str(input, 'ReplicationInstanceIdentifier');
      return create && id ? [arnIn('dms', type, id)] : [];
    }
    case 'ReplicationSubnetGroup': {
      const id = str(input, 'ReplicationSubnetGroupIdentifier');
      return id ? [arnIn('dms', type, id)] : [];
    }
    case 'Endpoint': {
      const arns = ['EndpointArn', 'SourceEndpointArn', 'TargetEndpointArn'].flatMap(
        (key) => str(input, key) ?? [],
      );
      if (arns.length > 0) return arns;
      const id = str(input, 'EndpointIdentifier');
      return create && id ? [arnIn('dms', type, id)] : [];
    }
    case 'ReplicationTask': {
      const arn = str(input, 'ReplicationTaskArn');
      return arn ? [arn] : [];
    }
    case 'Certificate': {
      const arn = str(input, 'CertificateArn');
      if (arn) return [arn];
      const id = str(input, 'CertificateIdentifier');
      return create && id ? [arnIn('dms', type, id)] : [];
    }
    default:
      return [];
  }
};

/** Roles a DMS request names for DMS to assume (S3 target role, Secrets Manager role), at any settings depth. */
const passedRoles = (input: unknown, found: Set<string> = new Set()): Set<string> => {
  if (typeof input !== 'object' || input === null) return found;
  for (const [key, value] of Object.entries(input)) {
    if (/RoleArn$/.test(key) && typeof value === 'string') found.add(value);
    else if (typeof value === 'object') passedRoles(value, found);
  }
  return found;
};

const dmsChecks = (
  operation: string,
  input: Input,
  lookups: ServiceLookups,
  settings: IamSettings,
): AuthorizationCheck[] => {
  const action = `dms:${operation}`;
  const reference = referenceAction('dms', operation);
  const requestContext = requestTagContext('dms', tagsOf(input['Tags']));
  const byResourceArn = str(input, 'ResourceArn');
  const resources = byResourceArn
    ? [byResourceArn]
    : reference.resourceTypes.flatMap((type) => {
        const found = dmsResources(operation, input, type.name);
        return found.length === 0 && type.required ? ['*'] : found;
      });
  const checks: AuthorizationCheck[] = (resources.length > 0 ? resources : ['*']).map((resource) => ({
    action,
    resource,
    context: { ...requestContext, ...resourceTagContext(resource === '*' ? [] : lookups.dmsTags(resource)) },
  }));
  if (operation.startsWith('Create') || operation.startsWith('Modify')) {
    for (const role of passedRoles(input)) {
      checks.push({
        action: 'iam:PassRole',
        resource: role,
        context: { 'iam:PassedToService': 'dms.amazonaws.com' },
      });
      if (settings.dmsChecksGetRoleOnPassedRoles)
        checks.push({ action: 'iam:GetRole', resource: role, context: {} });
    }
  }
  return checks;
};

/** The state machine of an execution ARN (`…:execution:<machine>:<name>` → `…:stateMachine:<machine>`). */
export const stateMachineOfExecution = (executionArn: string): string =>
  executionArn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');

const statesChecks = (operation: string, input: Input, lookups: ServiceLookups): AuthorizationCheck[] => {
  const action = `states:${operation}`;
  if (operation.startsWith('SendTask')) {
    // The reference lists no resource type, but Step Functions authorizes a token's completion against the state
    // machine whose execution holds the token (docs/iam.md).
    const execution = lookups.tokenExecution(str(input, 'taskToken') ?? '');
    return [{ action, resource: execution ? stateMachineOfExecution(execution) : '*', context: {} }];
  }
  const resource =
    str(input, 'executionArn') ??
    str(input, 'stateMachineArn') ??
    (operation === 'CreateStateMachine' ? arnIn('states', 'stateMachine', str(input, 'name') ?? '*') : '*');
  const checks: AuthorizationCheck[] = [
    { action, resource, context: requestTagContext('states', tagsOf(input['tags']).map(lowerTag)) },
  ];
  const role = str(input, 'roleArn');
  if (role)
    checks.push({
      action: 'iam:PassRole',
      resource: role,
      context: { 'iam:PassedToService': 'states.amazonaws.com' },
    });
  return checks;
};

const lowerTag = (tag: Tag | { key?: string; value?: string }): Tag => {
  const lower = tag as { key?: string; value?: string; Key?: string; Value?: string };
  return { Key: lower.Key ?? lower.key ?? '', Value: lower.Value ?? lower.value };
};

const eventBusArn = (nameOrArn: string | undefined): string =>
  nameOrArn?.startsWith('arn:') ? nameOrArn : arnIn('events', 'event-bus', nameOrArn ?? 'default');

const eventsChecks = (operation: string, input: Input): AuthorizationCheck[] => {
  const action = `events:${operation}`;
  if (operation === 'PutEvents') {
    const entries = Array.isArray(input['Entries']) ? (input['Entries'] as Input[]) : [];
    const buses = new Set(entries.map((entry) => eventBusArn(str(entry, 'EventBusName'))));
    return [...buses].map((resource) => ({ action, resource, context: {} }));
  }
  const ruleName = str(input, 'Name') ?? str(input, 'Rule');
  if (ruleName && operation !== 'CreateEventBus' && !operation.endsWith('EventBus')) {
    const bus = str(input, 'EventBusName');
    const name = bus && bus !== 'default' ? `${bus.split('/').pop()}/${ruleName}` : ruleName;
    return [
      {
        action,
        resource: arnIn('events', 'rule-on-default-event-bus', name),
        context: requestTagContext('events', tagsOf(input['Tags'])),
      },
    ];
  }
  const busName = str(input, 'Name');
  return [{ action, resource: busName ? eventBusArn(busName) : '*', context: {} }];
};

const cloudWatchChecks = (operation: string, input: Input): AuthorizationCheck[] => {
  const action = `cloudwatch:${operation}`;
  const names = [str(input, 'AlarmName'), ...strings(input['AlarmNames'])].filter(
    (name): name is string => !!name,
  );
  const resourceArnMember = str(input, 'ResourceARN');
  if (resourceArnMember)
    return [
      {
        action,
        resource: resourceArnMember,
        context: requestTagContext('cloudwatch', tagsOf(input['Tags'])),
      },
    ];
  const hasAlarm = referenceAction('cloudwatch', operation).resourceTypes.some(
    (type) => type.name === 'alarm',
  );
  if (!hasAlarm) return [{ action, resource: '*', context: {} }];
  const alarms = names.length > 0 ? names : ['*'];
  return alarms.map((name) => ({
    action,
    resource: arnIn('cloudwatch', 'alarm', name),
    context: requestTagContext('cloudwatch', tagsOf(input['Tags'])),
  }));
};

const secretsChecks = (operation: string, input: Input, lookups: ServiceLookups): AuthorizationCheck[] => {
  const action = `secretsmanager:${operation}`;
  const id = str(input, 'SecretId');
  if (id)
    return [
      {
        action,
        resource:
          lookups.secretArn(id) ??
          (id.startsWith('arn:') ? id : arnIn('secretsmanager', 'Secret', `${id}-??????`)),
        context: {},
      },
    ];
  const name = str(input, 'Name');
  return [
    {
      action,
      resource: name ? arnIn('secretsmanager', 'Secret', `${name}-??????`) : '*',
      context: requestTagContext('secretsmanager', tagsOf(input['Tags'])),
    },
  ];
};

const tableArn = (table: string, index?: string): string =>
  `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${table}${index ? `/index/${index}` : ''}`;

const dynamoDbChecks = (operation: string, input: Input): AuthorizationCheck[] => {
  const action = `dynamodb:${operation}`;
  const table = str(input, 'TableName');
  if (table) return [{ action, resource: tableArn(table, str(input, 'IndexName')), context: {} }];
  const requestItems = input['RequestItems'];
  if (requestItems && typeof requestItems === 'object') {
    return Object.keys(requestItems).map((name) => ({ action, resource: tableArn(name), context: {} }));
  }
  return [{ action, resource: '*', context: {} }];
};

const glueArn = (resource: string): string => `arn:aws:glue:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${resource}`;

/**
 * Glue authorizes a database call on the catalog and the database, and a table call on the catalog, the database
 * and the table (Glue's "Specifying AWS Glue resource ARNs"); a call that lists tables covers every table of the
 * database, and DeleteDatabase every table and function of it.
 */
const glueChecks = (operation: string, input: Input): AuthorizationCheck[] => {
  const action = `glue:${operation}`;
  const tableInput = input['TableInput'] as Input | undefined;
  const databaseInput = input['DatabaseInput'] as Input | undefined;
  const database = (
    str(input, 'DatabaseName') ??
    str(databaseInput, 'Name') ??
    str(input, 'Name')
  )?.toLowerCase();
  const isTableCall = /Table/.test(operation);
  const table = (str(tableInput, 'Name') ?? (isTableCall ? str(input, 'Name') : undefined))?.toLowerCase();
  const resources = [
    glueArn('catalog'),
    ...(database ? [glueArn(`database/${database}`)] : []),
    ...(database && isTableCall ? [glueArn(`table/${database}/${table ?? '*'}`)] : []),
    // Deleting a database deletes its tables and functions, and is authorized on them.
    ...(database && operation === 'DeleteDatabase'
      ? [glueArn(`table/${database}/*`), glueArn(`userDefinedFunction/${database}/*`)]
      : []),
  ];
  return resources.map((resource) => ({ action, resource, context: {} }));
};

/**
 * The IAM action S3 authorizes each operation with (S3's "Required permissions for Amazon S3 API operations"):
 * listing is `s3:ListBucket` on the bucket, HEAD and GET of an object `s3:GetObject`, a copy `s3:PutObject` on the
 * target (and `s3:GetObject` on the source), a batch delete `s3:DeleteObject` on each key.
 */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  ListObjectsV2: 'ListBucket',
  HeadBucket: 'ListBucket',
  HeadObject: 'GetObject',
  GetObject: 'GetObject',
  PutObject: 'PutObject',
  CopyObject: 'PutObject',
  DeleteObject: 'DeleteObject',
  DeleteObjects: 'DeleteObject',
};

/** An S3 bucket or object ARN, in the reference's format for that resource type. */
export const s3Arn = (bucket: string, key?: string): string =>
  resourceTypeArnFormat('s3', key === undefined ? 'bucket' : 'object')
    .replace(placeholder('Partition'), 'aws')
    .replace(placeholder('BucketName'), bucket)
    .replace(placeholder('ObjectName'), key ?? '');

/** `CopySource` as S3 reads it: `[/]bucket/key`, URL-encoded, with an optional `?versionId=`. */
export const copySourceOf = (copySource: string): { readonly bucket: string; readonly key: string } => {
  const path = decodeURIComponent((copySource.split('?')[0] ?? '').replace(/^\//, ''));
  const slash = path.indexOf('/');
  return slash < 0 ? { bucket: path, key: '' } : { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
};

const s3Checks = (operation: string, input: Input): AuthorizationCheck[] => {
  const name = S3_ACTIONS[operation] ?? operation;
  const action = `s3:${referenceAction('s3', name).name}`;
  const bucket = str(input, 'Bucket') ?? '*';
  if (name === 'ListBucket') {
    const context: Record<string, string> = {};
    for (const [member, key] of [
      ['Prefix', 's3:prefix'],
      ['Delimiter', 's3:delimiter'],
      ['MaxKeys', 's3:max-keys'],
    ] as const) {
      const value = input[member];
      if (value !== undefined) context[key] = String(value);
    }
    return [{ action, resource: s3Arn(bucket), context }];
  }
  const deleted = input['Delete'] as { Objects?: readonly Input[] } | undefined;
  const keys = deleted?.Objects
    ? deleted.Objects.map((object) => str(object, 'Key') ?? '')
    : [str(input, 'Key') ?? '*'];
  const checks = keys.map((key) => ({ action, resource: s3Arn(bucket, key), context: {} }));
  const copySource = str(input, 'CopySource');
  if (operation === 'CopyObject' && copySource) {
    const source = copySourceOf(copySource);
    checks.unshift({
      action: `s3:${referenceAction('s3', 'GetObject').name}`,
      resource: s3Arn(source.bucket, source.key),
      context: {},
    });
  }
  return checks;
};

/** Every check AWS makes for one request to `service` (an IAM service prefix). */
export const authorizationChecks = (
  service: string,
  operation: string,
  input: Input,
  lookups: ServiceLookups,
  settings: IamSettings = DEFAULT_IAM_SETTINGS,
): AuthorizationCheck[] => {
  switch (service) {
    case 'dms':
      return dmsChecks(operation, input, lookups, settings);
    case 'states':
      return statesChecks(operation, input, lookups);
    case 'events':
      return eventsChecks(operation, input);
    case 'cloudwatch':
      return cloudWatchChecks(operation, input);
    case 'secretsmanager':
      return secretsChecks(operation, input, lookups);
    case 'dynamodb':
      return dynamoDbChecks(operation, input);
    case 'glue':
      return glueChecks(operation, input);
    case 's3':
      return s3Checks(operation, input);
    default:
      return [{ action: `${service}:${operation}`, resource: '*', context: {} }];
  }
};
