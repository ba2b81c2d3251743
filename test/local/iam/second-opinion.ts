/**
 * A second opinion on the local evaluator: `@cloud-copilot/iam-simulate` (AGPL-3.0, a devDependency used only
 * here) evaluates the same request against the same role policies. It matches a concrete DMS ARN to no resource type
 * (the reference writes DMS ARNs with a literal `*` for the name), so DMS resources are asked in their wildcard form,
 * and DMS ARNs in statements take the same form: a grant naming one subnet group is judged by its resource type, and
 * the names are left to the local evaluator's own tests.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { AccessEntry } from '#local/aws/iam/access-record';
import type { Decision } from '#local/aws/iam/evaluate';
import type { Statement } from '#local/aws/iam/policy';
import type { StackModel } from '#local/aws/iam/stack-model';

const DECISIONS: Readonly<Record<string, Decision>> = {
  Allowed: 'allow',
  ImplicitlyDenied: 'implicitDeny',
  ExplicitlyDenied: 'explicitDeny',
};

/** A DMS ARN with its name as the reference writes it (`*`); any other ARN as it is. */
const askedResource = (resource: string): string =>
  resource.replace(/^(arn:aws:dms:[^:]*:[^:]*:[a-z-]+:).+$/, '$1*');

/** A statement back in the policy grammar's JSON. */
const toJson = (statement: Statement): Record<string, unknown> => ({
  ...(statement.sid ? { Sid: statement.sid } : {}),
  Effect: statement.effect,
  ...(statement.action ? { Action: statement.action } : {}),
  ...(statement.notAction ? { NotAction: statement.notAction } : {}),
  ...(statement.resource ? { Resource: statement.resource.map(askedResource) } : {}),
  ...(statement.notResource ? { NotResource: statement.notResource.map(askedResource) } : {}),
  ...(statement.condition ? { Condition: statement.condition } : {}),
});

/** iam-simulate's decision for one recorded request of a role, or its error message. */
export const secondOpinion = async (model: StackModel, entry: AccessEntry): Promise<Decision | string> => {
  const role = model.roles.get(entry.roleArn);
  const result = await runSimulation(
    {
      request: {
        principal: entry.roleArn,
        action: entry.action,
        resource: { resource: askedResource(entry.resource), accountId: entry.roleArn.split(':')[4] ?? '' },
        contextVariables: Object.fromEntries(
          Object.entries(entry.context).map(([key, value]) => [
            key,
            typeof value === 'string' ? value : [...value],
          ]),
        ),
      },
      identityPolicies: (role?.policies ?? []).map((policy) => ({
        name: policy.name,
        policy: { Version: '2012-10-17', Statement: policy.statements.map(toJson) },
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') return `error: ${result.errors.message}`;
  return DECISIONS[result.overallResult] ?? result.overallResult;
};
