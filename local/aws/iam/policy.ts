/**
 * IAM policy documents as the policy grammar defines them (docs/iam.md): statements with Effect, Action or
 * NotAction, Resource or NotResource, Principal or NotPrincipal (resource policies) and Condition. Values that the
 * grammar allows as a string or a list are normalised to lists once, when a policy is read.
 */
export type Effect = 'Allow' | 'Deny';

/** Condition block: operator → condition key → values. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** Principals of a resource policy statement, by kind (`AWS`, `Service`, `Federated`) or `*` for everyone. */
export type Principals = '*' | Readonly<Record<string, readonly string[]>>;

export interface Statement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: Principals;
  readonly notPrincipal?: Principals;
  readonly condition?: ConditionBlock;
}

export interface Policy {
  /** Where the policy comes from (a template logical id, a role name). */
  readonly name: string;
  readonly statements: readonly Statement[];
}

export class PolicyGrammarError extends Error {
  override readonly name = 'PolicyGrammarError';
}

const list = (value: unknown, field: string): readonly string[] | undefined => {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new PolicyGrammarError(
      `${field}: expected a string or a list of strings, got ${JSON.stringify(item)}`,
    );
  });
};

const principals = (value: unknown, field: string): Principals | undefined => {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyGrammarError(`${field}: expected "*" or an object of principal lists`);
  }
  return Object.fromEntries(
    Object.entries(value).map(([kind, ids]) => [kind, list(ids, `${field}.${kind}`) ?? []]),
  );
};

const conditions = (value: unknown, field: string): ConditionBlock | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw new PolicyGrammarError(`${field}: expected an object`);
  return Object.fromEntries(
    Object.entries(value).map(([operator, keys]) => {
      if (typeof keys !== 'object' || keys === null) {
        throw new PolicyGrammarError(`${field}.${operator}: expected an object of condition keys`);
      }
      return [
        operator,
        Object.fromEntries(
          Object.entries(keys).map(([key, values]) => [
            key,
            list(values, `${field}.${operator}.${key}`) ?? [],
          ]),
        ),
      ];
    }),
  );
};

/** Reads one statement of a policy document; a statement outside the grammar is an error naming the field. */
export const parseStatement = (raw: unknown, field = 'Statement'): Statement => {
  if (typeof raw !== 'object' || raw === null) throw new PolicyGrammarError(`${field}: expected an object`);
  const value = raw as Record<string, unknown>;
  const effect = value['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyGrammarError(`${field}.Effect: must be "Allow" or "Deny"`);
  }
  const statement: Statement = {
    sid: typeof value['Sid'] === 'string' ? value['Sid'] : undefined,
    effect,
    action: list(value['Action'], `${field}.Action`),
    notAction: list(value['NotAction'], `${field}.NotAction`),
    resource: list(value['Resource'], `${field}.Resource`),
    notResource: list(value['NotResource'], `${field}.NotResource`),
    principal: principals(value['Principal'], `${field}.Principal`),
    notPrincipal: principals(value['NotPrincipal'], `${field}.NotPrincipal`),
    condition: conditions(value['Condition'], `${field}.Condition`),
  };
  if ((statement.action === undefined) === (statement.notAction === undefined)) {
    throw new PolicyGrammarError(`${field}: exactly one of Action and NotAction is required`);
  }
  return statement;
};

/** Reads a policy document (`{ Version, Statement }`). */
export const parsePolicy = (name: string, document: unknown): Policy => {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  const raw = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return {
    name,
    statements: raw.map((statement, index) => parseStatement(statement, `${name}.Statement[${index}]`)),
  };
};
