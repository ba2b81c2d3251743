/**
 * IAM's evaluation logic within one account (docs/iam.md): an explicit Deny in any policy that applies wins;
 * otherwise an Allow in an identity policy of the principal, or in the resource's policy naming the principal,
 * allows; otherwise the request is implicitly denied.
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

const principalIn = (principals: Principals, request: AuthorizationRequest): boolean => {
  if (principals === '*') return true;
  const aws = principals['AWS'] ?? [];
  const services = principals['Service'] ?? [];
  if (request.servicePrincipal) return services.includes(request.servicePrincipal) || aws.includes('*');
  return aws.some(
    (id) =>
      id === '*' ||
      id === request.principalArn ||
      id === accountOf(request.principalArn) ||
      id === `arn:aws:iam::${accountOf(request.principalArn)}:root`,
  );
};

const principalMatches = (statement: Statement, request: AuthorizationRequest): boolean => {
  if (statement.principal) return principalIn(statement.principal, request);
  if (statement.notPrincipal) return !principalIn(statement.notPrincipal, request);
  return true;
};

const applicable = (
  policies: readonly Policy[],
  request: AuthorizationRequest,
  checkPrincipal: boolean,
): StatementRef[] =>
  policies.flatMap((policy) =>
    policy.statements.flatMap((statement, index) =>
      actionMatches(statement, request.action) &&
      resourceMatches(statement, request.resource) &&
      (!checkPrincipal || principalMatches(statement, request)) &&
      conditionsHold(statement.condition, request.context)
        ? [{ policy: policy.name, index, statement }]
        : [],
    ),
  );

export const evaluate = (
  request: AuthorizationRequest,
  identityPolicies: readonly Policy[],
  resourcePolicies: readonly Policy[] = [],
): Evaluation => {
  const fromIdentity = applicable(identityPolicies, request, false);
  const fromResource = applicable(resourcePolicies, request, true);
  const identityDeny = fromIdentity.filter((ref) => ref.statement.effect === 'Deny');
  const resourceDeny = fromResource.filter((ref) => ref.statement.effect === 'Deny');
  if (identityDeny.length > 0)
    return { decision: 'explicitDeny', matched: identityDeny, deniedBy: 'identity' };
  if (resourceDeny.length > 0)
    return { decision: 'explicitDeny', matched: resourceDeny, deniedBy: 'resource' };
  const allows = [...fromIdentity, ...fromResource].filter((ref) => ref.statement.effect === 'Allow');
  return allows.length > 0
    ? { decision: 'allow', matched: allows }
    : { decision: 'implicitDeny', matched: [] };
};
