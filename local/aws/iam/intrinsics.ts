/**
 * Resolves the CloudFormation intrinsic functions a synthesized template uses in its policies (`Ref`,
 * `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`) to the names and ARNs the local AWS gives the
 * template's resources, so that policies name exactly what the local services hold.
 */
import { APP_NAME } from '#contracts/names';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/aws/shared/account';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  readonly Resources: Readonly<Record<string, TemplateResource>>;
}

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': APP_NAME,
};

const arn = (service: string, resource: string, region = LOCAL_REGION): string =>
  `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;

/** The handler name of a function the stack describes as `lakeshift <name>`. */
export const handlerOf = (resource: TemplateResource): string | undefined => {
  const description = resource.Properties?.['Description'];
  return typeof description === 'string' && description.startsWith(`${APP_NAME} `)
    ? description.slice(APP_NAME.length + 1)
    : undefined;
};

const stringProperty = (resource: TemplateResource, key: string): string | undefined => {
  const value = resource.Properties?.[key];
  return typeof value === 'string' ? value : undefined;
};

/** Physical name (what `Ref` returns for named resources) and ARN of one template resource, as held locally. */
export const physicalIdentity = (
  logicalId: string,
  resource: TemplateResource,
): { readonly ref: string; readonly arn: string } => {
  switch (resource.Type) {
    case 'AWS::IAM::Role': {
      const name = stringProperty(resource, 'RoleName') ?? `${APP_NAME}-${logicalId}`;
      return { ref: name, arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}` };
    }
    case 'AWS::Lambda::Function': {
      const handler = handlerOf(resource);
      const name =
        stringProperty(resource, 'FunctionName') ?? (handler ? `${APP_NAME}-${handler}` : logicalId);
      return { ref: name, arn: arn('lambda', `function:${name}`) };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = stringProperty(resource, 'StateMachineName') ?? logicalId;
      const machineArn = arn('states', `stateMachine:${name}`);
      return { ref: machineArn, arn: machineArn };
    }
    case 'AWS::DynamoDB::Table': {
      const name = stringProperty(resource, 'TableName') ?? `${APP_NAME}-registry`;
      return { ref: name, arn: arn('dynamodb', `table/${name}`) };
    }
    case 'AWS::Events::EventBus': {
      const name = stringProperty(resource, 'Name') ?? logicalId;
      return { ref: name, arn: arn('events', `event-bus/${name}`) };
    }
    case 'AWS::Events::Rule': {
      const name = stringProperty(resource, 'Name') ?? `${APP_NAME}-${logicalId}`;
      return { ref: name, arn: arn('events', `rule/${name}`) };
    }
    case 'AWS::S3::Bucket': {
      const name = stringProperty(resource, 'BucketName') ?? `${APP_NAME}-${logicalId}`.toLowerCase();
      return { ref: name, arn: `arn:aws:s3:::${name}` };
    }
    case 'AWS::KMS::Key':
      return { ref: logicalId, arn: arn('kms', `key/${logicalId}`) };
    case 'AWS::Logs::LogGroup': {
      const name = stringProperty(resource, 'LogGroupName') ?? `/${APP_NAME}/${logicalId}`;
      return { ref: name, arn: arn('logs', `log-group:${name}:*`) };
    }
    case 'AWS::SQS::Queue':
      return { ref: logicalId, arn: arn('sqs', logicalId) };
    case 'AWS::SNS::Topic':
      return { ref: arn('sns', logicalId), arn: arn('sns', logicalId) };
    default:
      return { ref: logicalId, arn: arn('cloudformation', `resource/${logicalId}`) };
  }
};

export class UnresolvableIntrinsicError extends Error {
  override readonly name = 'UnresolvableIntrinsicError';
}

/** Resolves every intrinsic in a template value. */
export const resolver = (template: CloudFormationTemplate): ((value: unknown) => unknown) => {
  const identity = (logicalId: string): { ref: string; arn: string } => {
    const resource = template.Resources[logicalId];
    if (!resource) throw new UnresolvableIntrinsicError(`no resource ${logicalId} in the template`);
    return physicalIdentity(logicalId, resource);
  };
  const asString = (value: unknown, where: string): string => {
    if (typeof value === 'string') return value;
    throw new UnresolvableIntrinsicError(`${where}: expected a string, got ${JSON.stringify(value)}`);
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') {
      const name = asString(argument, 'Ref');
      return PSEUDO[name] ?? identity(name).ref;
    }
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [logicalId, attribute] = argument as [string, string];
      if (attribute === 'Arn') return identity(logicalId).arn;
      if (attribute === 'Name') return identity(logicalId).ref;
      // Other attributes (security group ids, endpoints) name nothing IAM evaluates: they stay recognisable.
      identity(logicalId);
      return `${logicalId}.${attribute}`;
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolve(parts) as unknown[]).map((part) => asString(part, 'Fn::Join')).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Select') {
      const [index, list] = argument as [number, unknown];
      return (resolve(list) as unknown[])[Number(index)];
    }
    if (entries.length === 1 && key === 'Fn::Split') {
      const [separator, text] = argument as [string, unknown];
      return asString(resolve(text), 'Fn::Split').split(separator);
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [
        string,
        Record<string, unknown>,
      ];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return asString(resolve(variables[name]), `Fn::Sub ${name}`);
        if (PSEUDO[name]) return PSEUDO[name];
        const [logicalId = '', attribute] = name.split('.');
        return attribute === 'Arn' ? identity(logicalId).arn : identity(logicalId).ref;
      });
    }
    return Object.fromEntries(entries.map(([field, inner]) => [field, resolve(inner)]));
  };
  return resolve;
};
