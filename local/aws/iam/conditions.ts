/**
 * The condition operators of the IAM policy grammar (docs/iam.md): string, numeric, date, Bool, ARN and Null
 * operators, their `…IfExists` forms and the `ForAllValues:` / `ForAnyValue:` set qualifiers. Condition keys are
 * looked up without regard to case, as IAM does.
 */
import type { ConditionBlock } from './policy.ts';
import { arnMatch, wildcardMatch } from './wildcard.ts';

/** Condition keys of one request (keys in lower case) and their values; a single-valued key has one value. */
export type ContextValues = ReadonlyMap<string, readonly string[]>;

export const contextOf = (entries: Readonly<Record<string, string | readonly string[]>>): ContextValues =>
  new Map(
    Object.entries(entries).map(([key, value]) => [
      key.toLowerCase(),
      typeof value === 'string' ? [value] : value,
    ]),
  );

export class UnsupportedConditionOperatorError extends Error {
  override readonly name = 'UnsupportedConditionOperatorError';
}

type Compare = (policyValue: string, requestValue: string) => boolean;

const numeric =
  (test: (request: number, policy: number) => boolean): Compare =>
  (policyValue, requestValue) => {
    const policy = Number(policyValue);
    const request = Number(requestValue);
    return !Number.isNaN(policy) && !Number.isNaN(request) && test(request, policy);
  };

const date =
  (test: (request: number, policy: number) => boolean): Compare =>
  (policyValue, requestValue) => {
    const toTime = (value: string): number =>
      /^\d+$/.test(value) ? Number(value) * 1000 : new Date(value).getTime();
    const policy = toTime(policyValue);
    const request = toTime(requestValue);
    return !Number.isNaN(policy) && !Number.isNaN(request) && test(request, policy);
  };

/** Positive operators; each negated operator is the negation of one of these. */
const POSITIVE: Readonly<Record<string, Compare>> = {
  stringequals: (policy, request) => policy === request,
  stringequalsignorecase: (policy, request) => policy.toLowerCase() === request.toLowerCase(),
  stringlike: (policy, request) => wildcardMatch(policy, request),
  numericequals: numeric((request, policy) => request === policy),
  numericlessthan: numeric((request, policy) => request < policy),
  numericlessthanequals: numeric((request, policy) => request <= policy),
  numericgreaterthan: numeric((request, policy) => request > policy),
  numericgreaterthanequals: numeric((request, policy) => request >= policy),
  dateequals: date((request, policy) => request === policy),
  datelessthan: date((request, policy) => request < policy),
  datelessthanequals: date((request, policy) => request <= policy),
  dategreaterthan: date((request, policy) => request > policy),
  dategreaterthanequals: date((request, policy) => request >= policy),
  bool: (policy, request) => policy.toLowerCase() === request.toLowerCase(),
  arnequals: (policy, request) => arnMatch(policy, request),
  arnlike: (policy, request) => arnMatch(policy, request),
};

const NEGATED: Readonly<Record<string, string>> = {
  stringnotequals: 'stringequals',
  stringnotequalsignorecase: 'stringequalsignorecase',
  stringnotlike: 'stringlike',
  numericnotequals: 'numericequals',
  datenotequals: 'dateequals',
  arnnotequals: 'arnequals',
  arnnotlike: 'arnlike',
};

interface Operator {
  readonly set?: 'forallvalues' | 'foranyvalue';
  readonly ifExists: boolean;
  readonly negated: boolean;
  readonly compare?: Compare;
  readonly isNull: boolean;
}

const parseOperator = (raw: string): Operator => {
  let name = raw.toLowerCase();
  let set: Operator['set'];
  for (const qualifier of ['forallvalues', 'foranyvalue'] as const) {
    if (name.startsWith(`${qualifier}:`)) {
      set = qualifier;
      name = name.slice(qualifier.length + 1);
    }
  }
  const ifExists = name.endsWith('ifexists');
  if (ifExists) name = name.slice(0, -'ifexists'.length);
  if (name === 'null') return { set, ifExists, negated: false, isNull: true };
  const positive = NEGATED[name] ?? name;
  const compare = POSITIVE[positive];
  if (!compare) throw new UnsupportedConditionOperatorError(`Condition operator ${raw} is not supported`);
  return { set, ifExists, negated: positive !== name, compare, isNull: false };
};

/** Whether one value of the request matches the operator against the policy's values. */
const valueMatches = (operator: Operator, policyValues: readonly string[], requestValue: string): boolean => {
  const compare = operator.compare as Compare;
  const any = policyValues.some((policyValue) => compare(policyValue, requestValue));
  return operator.negated ? !any : any;
};

const keyMatches = (
  operator: Operator,
  policyValues: readonly string[],
  requestValues: readonly string[] | undefined,
): boolean => {
  if (operator.isNull) {
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((value) => (value.toLowerCase() === 'true') === absent);
  }
  const present = requestValues !== undefined && requestValues.length > 0;
  if (operator.set === 'forallvalues') {
    return !present || requestValues.every((value) => valueMatches(operator, policyValues, value));
  }
  if (!present) return operator.ifExists || (operator.negated && operator.set === undefined);
  return requestValues.some((value) => valueMatches(operator, policyValues, value));
};

/** Whether a statement's Condition block holds for a request: every operator and every key must hold. */
export const conditionsHold = (block: ConditionBlock | undefined, context: ContextValues): boolean =>
  Object.entries(block ?? {}).every(([rawOperator, keys]) => {
    const operator = parseOperator(rawOperator);
    return Object.entries(keys).every(([key, values]) =>
      keyMatches(operator, values, context.get(key.toLowerCase())),
    );
  });
