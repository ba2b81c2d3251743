/**
 * The access record of a run: every (principal, action, resource, decision) the local AWS judged, with the
 * statements that decided, and the grants of the template no recorded request used (candidates for removal).
 */
import type { Decision, StatementRef } from './evaluate.ts';
import type { StackModel } from './stack-model.ts';
import { wildcardMatch } from './wildcard.ts';

export interface AccessEntry {
  readonly principal: string;
  /** The role whose policies were evaluated. */
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  readonly decision: Decision;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly statements: readonly { readonly policy: string; readonly index: number; readonly sid?: string }[];
}

export interface Grant {
  readonly roleArn: string;
  readonly policy: string;
  readonly index: number;
  readonly sid?: string;
  /** One action (or action pattern) of the statement. */
  readonly action: string;
}

export interface AccessSummary {
  readonly requests: number;
  readonly denied: readonly AccessEntry[];
  readonly exercisedGrants: readonly Grant[];
  readonly unexercisedGrants: readonly Grant[];
}

export const refOf = (ref: StatementRef): AccessEntry['statements'][number] => ({
  policy: ref.policy,
  index: ref.index,
  sid: ref.statement.sid,
});

export class AccessRecord {
  private readonly entries: AccessEntry[] = [];

  add(entry: AccessEntry): void {
    this.entries.push(entry);
  }

  all(): readonly AccessEntry[] {
    return this.entries;
  }

  denied(): readonly AccessEntry[] {
    return this.entries.filter((entry) => entry.decision !== 'allow');
  }

  /** Allow grants of the template's roles, each marked exercised when an allowed request used it. */
  summary(model: StackModel): AccessSummary {
    const grants = [...model.roles.values()].flatMap((role) =>
      role.policies.flatMap((policy) =>
        policy.statements.flatMap((statement, index) =>
          statement.effect === 'Allow'
            ? (statement.action ?? []).map((action) => ({
                roleArn: role.arn,
                policy: policy.name,
                index,
                sid: statement.sid,
                action,
              }))
            : [],
        ),
      ),
    );
    const used = (grant: Grant): boolean =>
      this.entries.some(
        (entry) =>
          entry.decision === 'allow' &&
          entry.roleArn === grant.roleArn &&
          wildcardMatch(grant.action, entry.action, true) &&
          entry.statements.some((ref) => ref.policy === grant.policy && ref.index === grant.index),
      );
    return {
      requests: this.entries.length,
      denied: this.denied(),
      exercisedGrants: grants.filter(used),
      unexercisedGrants: grants.filter((grant) => !used(grant)),
    };
  }
}
