/**
 * EventBridge event pattern matching: the subset of the pattern language lakeshift and its users write (exact
 * values, null, prefix, suffix, equals-ignore-case, anything-but, exists, numeric, nested objects, `$or`).
 * `validatePattern` rejects anything else up front, as PutRule does, rather than silently never matching.
 */

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MISSING = Symbol('missing');
type Value = unknown | typeof MISSING;

/** True when `event` matches `pattern`. The pattern must be valid (see `validatePattern`). */
export const matchesPattern = (pattern: Readonly<Record<string, unknown>>, event: unknown): boolean =>
  matchesObject(pattern, event);

const matchesObject = (pattern: Readonly<Record<string, unknown>>, value: unknown): boolean => {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(expected as Record<string, unknown>[]).some((branch) => matchesObject(branch, value)))
        return false;
      continue;
    }
    const actual: Value = isObject(value) && key in value ? value[key] : MISSING;
    if (Array.isArray(expected)) {
      if (!matchesField(expected, actual)) return false;
    } else if (isObject(expected)) {
      if (actual === MISSING || !matchesNested(expected, actual)) return false;
    }
  }
  return true;
};

/** A nested pattern object against an event value; an array of objects matches when any element matches. */
const matchesNested = (pattern: Record<string, unknown>, actual: unknown): boolean =>
  Array.isArray(actual)
    ? actual.some((item) => matchesObject(pattern, item))
    : matchesObject(pattern, actual);

/** A leaf: the event value (or any element of an event array) must match one of the pattern's alternatives. */
const matchesField = (alternatives: readonly unknown[], actual: Value): boolean => {
  const onlyAbsence = alternatives.every((alt) => isObject(alt) && alt.exists === false);
  if (actual === MISSING) return alternatives.some((alt) => isObject(alt) && alt.exists === false);
  if (onlyAbsence) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  return alternatives.some((alt) => matchesAlternative(alt, values));
};

const matchesAlternative = (alternative: unknown, values: readonly unknown[]): boolean => {
  if (!isObject(alternative)) return values.some((value) => equalsLiteral(alternative, value));
  const [operator, operand] = Object.entries(alternative)[0] ?? [];
  switch (operator) {
    case 'exists':
      // The field is present (absence was handled by the caller); `exists` matches leaves only.
      return operand === true && values.some((value) => !isObject(value));
    case 'prefix':
      return values.some((value) => matchesAffix(operand, value, (text, affix) => text.startsWith(affix)));
    case 'suffix':
      return values.some((value) => matchesAffix(operand, value, (text, affix) => text.endsWith(affix)));
    case 'equals-ignore-case':
      return values.some(
        (value) => typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase(),
      );
    case 'anything-but':
      return values.some((value) => !matchesAnythingButOperand(operand, value));
    case 'numeric':
      return values.some((value) => typeof value === 'number' && matchesNumeric(operand as unknown[], value));
    default:
      return false;
  }
};

const matchesAffix = (
  operand: unknown,
  value: unknown,
  test: (text: string, affix: string) => boolean,
): boolean => {
  if (typeof value !== 'string') return false;
  if (isObject(operand)) {
    const affix = String(operand['equals-ignore-case']);
    return test(value.toLowerCase(), affix.toLowerCase());
  }
  return test(value, String(operand));
};

/** True when `value` is one of the things `anything-but` excludes. */
const matchesAnythingButOperand = (operand: unknown, value: unknown): boolean => {
  if (Array.isArray(operand)) return operand.some((item) => equalsLiteral(item, value));
  if (isObject(operand)) return matchesAlternative(operand, [value]);
  return equalsLiteral(operand, value);
};

const equalsLiteral = (expected: unknown, value: unknown): boolean => {
  if (typeof expected === 'number' && typeof value === 'number') return expected === value;
  return expected === value;
};

const COMPARATORS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const matchesNumeric = (conditions: readonly unknown[], value: number): boolean => {
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = COMPARATORS[String(conditions[i])];
    if (!compare?.(value, Number(conditions[i + 1]))) return false;
  }
  return true;
};

const LEAF_OPERATORS = new Set([
  'exists',
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
]);

/** Throws `InvalidEventPatternError` naming the offending path when the pattern uses syntax we do not support. */
export const validatePattern = (pattern: unknown, path = ''): void => {
  if (!isObject(pattern))
    throw new InvalidEventPatternError(`Event pattern ${path || '(root)'} must be an object`);
  if (path === '' && Object.keys(pattern).length === 0) {
    throw new InvalidEventPatternError('Event pattern must not be empty');
  }
  for (const [key, value] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) {
        throw new InvalidEventPatternError(`${here} must be an array of at least two patterns`);
      }
      value.forEach((branch, index) => {
        validatePattern(branch, `${here}[${index}]`);
      });
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(`${here} must not be an empty array`);
      for (const alternative of value) validateAlternative(alternative, here);
    } else if (isObject(value)) {
      validatePattern(value, here);
    } else {
      throw new InvalidEventPatternError(
        `${here} must be an array or an object, got ${JSON.stringify(value)}`,
      );
    }
  }
};

const validateAlternative = (alternative: unknown, path: string): void => {
  if (!isObject(alternative)) {
    if (alternative !== null && !['string', 'number', 'boolean'].includes(typeof alternative)) {
      throw new InvalidEventPatternError(
        `${path}: ${JSON.stringify(alternative)} is not a value or an operator`,
      );
    }
    return;
  }
  const entries = Object.entries(alternative);
  const [operator, operand] = entries[0] ?? [];
  if (entries.length !== 1 || operator === undefined || !LEAF_OPERATORS.has(operator)) {
    throw new InvalidEventPatternError(
      `${path}: unsupported operator ${JSON.stringify(alternative)}; supported: ${[...LEAF_OPERATORS].join(', ')}`,
    );
  }
  const fail = (rule: string) => new InvalidEventPatternError(`${path}: "${operator}" ${rule}`);
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw fail('takes true or false');
      return;
    case 'prefix':
    case 'suffix':
      if (typeof operand === 'string') return;
      if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string') return;
      throw fail('takes a string or {"equals-ignore-case": string}');
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw fail('takes a string');
      return;
    case 'anything-but':
      if (isObject(operand)) {
        validateAlternative(operand, path);
        return;
      }
      if (Array.isArray(operand) && operand.every((item) => ['string', 'number'].includes(typeof item)))
        return;
      if (['string', 'number'].includes(typeof operand)) return;
      throw fail('takes a value, a list of values, or a prefix/suffix object');
    case 'numeric':
      validateNumeric(operand, fail);
      return;
  }
};

const validateNumeric = (operand: unknown, fail: (rule: string) => Error): void => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw fail('takes one or two [operator, number] pairs');
  }
  for (let i = 0; i < operand.length; i += 2) {
    if (!(String(operand[i]) in COMPARATORS) || typeof operand[i + 1] !== 'number') {
      throw fail(`has an invalid pair ${JSON.stringify(operand.slice(i, i + 2))}`);
    }
  }
};
