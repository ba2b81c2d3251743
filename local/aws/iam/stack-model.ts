/**
 * The IAM of a synthesized lakeshift template, as the local AWS enforces it: every role with the policies attached
 * to it, the resource policies (bucket policies, key policies, Lambda permissions), which role each function, state
 * machine and rule target runs with, and each function's environment. Nothing here is a second copy of the
 * permissions: it is all read from the template.
 */
import {
  type CloudFormationTemplate,
  handlerOf,
  physicalIdentity,
  resolver,
  type TemplateResource,
} from './intrinsics.ts';
import { type Policy, parsePolicy } from './policy.ts';

export interface RoleModel {
  readonly arn: string;
  readonly name: string;
  readonly logicalId: string;
  /** Services the trust policy lets assume the role (e.g. `lambda.amazonaws.com`). */
  readonly trustedServices: readonly string[];
  readonly policies: readonly Policy[];
  /** AWS managed policies attached by ARN: their statements are not in the template and are not evaluated. */
  readonly managedPolicyArns: readonly string[];
}

export interface ResourcePolicy {
  /** ARN patterns of the resources the policy guards (a bucket guards its objects too). */
  readonly resources: readonly string[];
  readonly policy: Policy;
}

export interface StackModel {
  readonly roles: ReadonlyMap<string, RoleModel>;
  readonly resourcePolicies: readonly ResourcePolicy[];
  /** Function name → role ARN (a source handler has a function, and a role, per network). */
  readonly functionRoles: ReadonlyMap<string, string>;
  /** Handler name → environment variables of its function. */
  readonly functionEnvironments: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** State machine ARN → role ARN. */
  readonly stateMachineRoles: ReadonlyMap<string, string>;
  /** Rule target ARN → the role EventBridge uses to reach it (targets without a role use resource policies). */
  readonly targetRoles: ReadonlyMap<string, string>;
  /** Rule target ARN → ARN of the rule that targets it. */
  readonly ruleByTarget: ReadonlyMap<string, string>;
}

const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

const entriesOfType = (template: CloudFormationTemplate, type: string): [string, TemplateResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

export const readStackModel = (template: CloudFormationTemplate): StackModel => {
  const resolve = resolver(template);
  const props = (resource: TemplateResource): Record<string, unknown> => resource.Properties ?? {};

  const attached = new Map<string, Policy[]>();
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::IAM::Policy')) {
    const policy = parsePolicy(logicalId, resolve(props(resource)['PolicyDocument']));
    for (const role of asList(props(resource)['Roles'])) {
      const name = String(resolve(role));
      attached.set(name, [...(attached.get(name) ?? []), policy]);
    }
  }

  const roles = new Map<string, RoleModel>();
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::IAM::Role')) {
    const { ref: name, arn } = physicalIdentity(logicalId, resource);
    const inline = asList(props(resource)['Policies']).map((raw, index) => {
      const entry = raw as { PolicyName?: string; PolicyDocument?: unknown };
      return parsePolicy(`${logicalId}.${entry.PolicyName ?? index}`, resolve(entry.PolicyDocument));
    });
    const trust = parsePolicy(
      `${logicalId}.AssumeRolePolicyDocument`,
      resolve(props(resource)['AssumeRolePolicyDocument']),
    );
    roles.set(arn, {
      arn,
      name,
      logicalId,
      trustedServices: trust.statements.flatMap((statement) =>
        statement.principal && statement.principal !== '*' ? (statement.principal['Service'] ?? []) : [],
      ),
      policies: [...inline, ...(attached.get(name) ?? [])],
      managedPolicyArns: asList(resolve(props(resource)['ManagedPolicyArns'])).map(String),
    });
  }

  const resourcePolicies: ResourcePolicy[] = [];
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::S3::BucketPolicy')) {
    const bucket = String(resolve(props(resource)['Bucket']));
    resourcePolicies.push({
      resources: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      policy: parsePolicy(logicalId, resolve(props(resource)['PolicyDocument'])),
    });
  }
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::KMS::Key')) {
    resourcePolicies.push({
      resources: [physicalIdentity(logicalId, resource).arn],
      policy: parsePolicy(logicalId, resolve(props(resource)['KeyPolicy'])),
    });
  }
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::SecretsManager::ResourcePolicy')) {
    resourcePolicies.push({
      resources: [String(resolve(props(resource)['SecretId']))],
      policy: parsePolicy(logicalId, resolve(props(resource)['ResourcePolicy'])),
    });
  }
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::Lambda::Permission')) {
    const p = resolve(props(resource)) as Record<string, string>;
    const functionArn = String(p['FunctionName']);
    resourcePolicies.push({
      resources: [functionArn],
      policy: parsePolicy(logicalId, {
        Statement: [
          {
            Effect: 'Allow',
            Action: p['Action'],
            Principal: { Service: p['Principal'] },
            Resource: functionArn,
            ...(p['SourceArn'] ? { Condition: { ArnLike: { 'aws:SourceArn': p['SourceArn'] } } } : {}),
          },
        ],
      }),
    });
  }

  const functionRoles = new Map<string, string>();
  const functionEnvironments = new Map<string, Record<string, string>>();
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::Lambda::Function')) {
    const handler = handlerOf(resource);
    if (!handler) continue;
    functionRoles.set(physicalIdentity(logicalId, resource).ref, String(resolve(props(resource)['Role'])));
    const variables = (
      resolve(props(resource)['Environment']) as { Variables?: Record<string, unknown> } | undefined
    )?.Variables;
    functionEnvironments.set(
      handler,
      Object.fromEntries(Object.entries(variables ?? {}).map(([key, value]) => [key, String(value)])),
    );
  }

  const stateMachineRoles = new Map<string, string>();
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::StepFunctions::StateMachine')) {
    stateMachineRoles.set(
      physicalIdentity(logicalId, resource).arn,
      String(resolve(props(resource)['RoleArn'])),
    );
  }

  const targetRoles = new Map<string, string>();
  const ruleByTarget = new Map<string, string>();
  for (const [logicalId, resource] of entriesOfType(template, 'AWS::Events::Rule')) {
    for (const target of asList(resolve(props(resource)['Targets'])) as {
      Arn?: string;
      RoleArn?: string;
    }[]) {
      if (target.Arn && target.RoleArn) targetRoles.set(target.Arn, target.RoleArn);
      if (target.Arn) ruleByTarget.set(target.Arn, physicalIdentity(logicalId, resource).arn);
    }
  }

  return {
    roles,
    resourcePolicies,
    functionRoles,
    functionEnvironments,
    stateMachineRoles,
    targetRoles,
    ruleByTarget,
  };
};
