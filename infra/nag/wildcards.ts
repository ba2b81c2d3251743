import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
// cdk-nag renders wildcard resources with this function; acknowledgements must name them exactly as it does.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/** The cdk-nag IAM5 finding id for one wildcard resource of a statement. */
export const wildcardFindingId = (scope: IConstruct, resource: string): string =>
  `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;

/**
 * Adds a statement whose resources need a wildcard, and acknowledges exactly those wildcards on the grantee with
 * the reason, so that the justification sits next to the grant and nothing else is silenced.
 */
export const allowWithWildcard = (role: iam.IRole, statement: iam.PolicyStatement, reason: string): void => {
  role.addToPrincipalPolicy(statement);
  acknowledgeWildcards(role, statement, reason);
};

/** Acknowledges the wildcard resources of a statement attached elsewhere (e.g. an inline policy). */
export const acknowledgeWildcards = (
  scope: IConstruct,
  statement: iam.PolicyStatement,
  reason: string,
): void => {
  for (const resource of statement.resources) {
    const id = wildcardFindingId(scope, resource);
    if (id.includes('*')) Validations.of(scope).acknowledge({ id, reason });
  }
};
