/**
 * IAM's evaluation logic within one account (docs/iam.md): an explicit Deny in any policy that applies wins;
 * otherwise an Allow in an identity policy of the principal, or in the resource's policy naming the principal
 * itself, allows; otherwise the request is implicitly denied. A resource policy that names the account (its root or
 * its id) delegates to the account's identity policies rather than allowing on its own. A KMS key is stricter: its
 * key policy must allow, either naming the principal or delegating to the account, in which case an identity
 * policy must allow too (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
 */
import { type ContextValues, conditionsHold } from './conditions.ts';
import type { Policy, Principals, Statement } from './policy.ts';
import { arnMatch, wildcardMatch } from './wildcard.ts';

export interface AuthorizationRequest {
  /** The principal's ARN as policies name it (the role ARN for a role session). */
  readonly principalArn: string;
  /** The service principal, when a service acts (e.g. `events.amazonaws.com`). */
  readonly servicePrincipal?: string;
  readonly action: string;
  readonly resource: string;
  readonly context: ContextValues;
}

export type Decision = 'allow' | 'implicitDeny' | 'explicitDeny';

export interface StatementRef {
  readonly policy: string;
  readonly index: number;
  readonly statement: Statement;
}

export interface Evaluation {
  readonly decision: Decision;
  /** The statements that decided: the allowing ones, or the denying ones. */
  readonly matched: readonly StatementRef[];
  /** Which kind of policy an explicit deny came from. */
  readonly deniedBy?: 'identity' | 'resource';
}

const actionMatches = (statement: Statement, action: string): boolean =>
  statement.action
    ? statement.action.some((pattern) => wildcardMatch(pattern, action, true))
    : !(statement.notAction ?? []).some((pattern) => wildcardMatch(pattern, action, true));

const resourceMatches = (statement: Statement, resource: string): boolean => {
  if (statement.resource) return statement.resource.some((pattern) => arnMatch(pattern, resource));
  if (statement.notResource) return !statement.notResource.some((pattern) => arnMatch(pattern, resource));
  // A resource policy statement may leave Resource out: it means the resource the policy is attached to.
  return true;
};

const accountOf = (arn: string): string | undefined => arn.split(':')[4];

/** How a statement's principal names the requester: itself (or everyone), its account, or not at all. */
type PrincipalMatch = 'principal' | 'account' | undefined;

const principalIn = (principals: Principals, request: AuthorizationRequest): PrincipalMatch => {
  if (principals === '*') return 'principal';
  const aws = principals['AWS'] ?? [];
  const services = principals['Service'] ?? [];
  if (request.servicePrincipal) {
    return services.includes(request.servicePrincipal) || aws.includes('*') ? 'principal' : undefined;
  }
  if (aws.some((id) => id === '*' || id === request.principalArn)) return 'principal';
  const account = accountOf(request.principalArn);
  return aws.some((id) => id === account || id === `arn:aws:iam::${account}:root`) ? 'account' : undefined;
};

const principalMatch = (statement: Statement, request: AuthorizationRequest): PrincipalMatch => {
  if (statement.principal) return principalIn(statement.principal, request);
  if (statement.notPrincipal) return principalIn(statement.notPrincipal, request) ? undefined : 'principal';
  return 'principal';
};

interface ResourceStatementRef extends StatementRef {
  readonly principalMatch: Exclude<PrincipalMatch, undefined>;
}

const applicable = (policies: readonly Policy[], request: AuthorizationRequest): StatementRef[] =>
  policies.flatMap((policy) =>
    policy.statements.flatMap((statement, index) =>
      actionMatches(statement, request.action) &&
      resourceMatches(statement, request.resource) &&
      conditionsHold(statement.condition, request.context)
        ? [{ policy: policy.name, index, statement }]
        : [],
    ),
  );

const applicableToPrincipal = (
  policies: readonly Policy[],
  request: AuthorizationRequest,
): ResourceStatementRef[] =>
  applicable(policies, request).flatMap((ref) => {
    const match = principalMatch(ref.statement, request);
    return match ? [{ ...ref, principalMatch: match }] : [];
  });

const isKmsKey = (arn: string): boolean => /^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(arn);

export const evaluate = (
  request: AuthorizationRequest,
  identityPolicies: readonly Policy[],
  resourcePolicies: readonly Policy[] = [],
): Evaluation => {
  const fromIdentity = applicable(identityPolicies, request);
  const fromResource = applicableToPrincipal(resourcePolicies, request);
  const identityDeny = fromIdentity.filter((ref) => ref.statement.effect === 'Deny');
  const resourceDeny = fromResource.filter((ref) => ref.statement.effect === 'Deny');
  if (identityDeny.length > 0)
    return { decision: 'explicitDeny', matched: identityDeny, deniedBy: 'identity' };
  if (resourceDeny.length > 0)
    return { decision: 'explicitDeny', matched: resourceDeny, deniedBy: 'resource' };
  const identityAllows = fromIdentity.filter((ref) => ref.statement.effect === 'Allow');
  const resourceAllows = fromResource.filter((ref) => ref.statement.effect === 'Allow');
  const namingPrincipal = resourceAllows.filter((ref) => ref.principalMatch === 'principal');
  const delegating = resourceAllows.filter((ref) => ref.principalMatch === 'account');
  const allows = isKmsKey(request.resource)
    ? // Without the key policy's permission, identity policies have no effect on a KMS key.
      [...namingPrincipal, ...(delegating.length > 0 ? identityAllows : [])]
    : [...identityAllows, ...namingPrincipal];
  return allows.length > 0
    ? {
        decision: 'allow',
        matched: allows.map(({ policy, index, statement }) => ({ policy, index, statement })),
      }
    : { decision: 'implicitDeny', matched: [] };
};
