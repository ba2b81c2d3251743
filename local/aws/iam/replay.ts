/**
 * Replays recorded decisions against a stack model: each recorded check is evaluated again with the same
 * principal, action, resource and context. With a statement removed, a replay shows which requests needed it.
 */
import type { AccessEntry } from './access-record.ts';
import { contextOf } from './conditions.ts';
import { type Decision, evaluate } from './evaluate.ts';
import type { StackModel } from './stack-model.ts';
import { arnMatch } from './wildcard.ts';

export interface StatementAddress {
  readonly roleArn: string;
  readonly policy: string;
  readonly index: number;
}

/** The model without one statement of one role's policy. */
export const withoutStatement = (model: StackModel, address: StatementAddress): StackModel => {
  const roles = new Map(model.roles);
  const role = roles.get(address.roleArn);
  if (role) {
    roles.set(address.roleArn, {
      ...role,
      policies: role.policies.map((policy) =>
        policy.name === address.policy
          ? { ...policy, statements: policy.statements.filter((_, index) => index !== address.index) }
          : policy,
      ),
    });
  }
  return { ...model, roles };
};

/** The decision a recorded role request gets from `model`. */
export const replayDecision = (model: StackModel, entry: AccessEntry): Decision =>
  evaluate(
    {
      principalArn: entry.roleArn,
      action: entry.action,
      resource: entry.resource,
      context: contextOf(entry.context),
    },
    model.roles.get(entry.roleArn)?.policies ?? [],
    model.resourcePolicies
      .filter((policy) => policy.resources.some((pattern) => arnMatch(pattern, entry.resource)))
      .map((policy) => policy.policy),
  ).decision;

/** The statements (by role, policy and index) that allowed at least one recorded request. */
export const exercisedStatements = (entries: readonly AccessEntry[]): StatementAddress[] => {
  const seen = new Map<string, StatementAddress>();
  for (const entry of entries) {
    if (entry.decision !== 'allow' || !entry.roleArn.startsWith('arn:aws:iam::')) continue;
    for (const ref of entry.statements) {
      seen.set(`${entry.roleArn}|${ref.policy}|${ref.index}`, {
        roleArn: entry.roleArn,
        policy: ref.policy,
        index: ref.index,
      });
    }
  }
  return [...seen.values()];
};
