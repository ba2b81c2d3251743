/**
 * Enum-valued request members and their allowed values, from the DMS model the SDK ships (`model-enums.ts`). DMS
 * answers a value outside the set with `InvalidParameterValueException`. Endpoint settings and `EndpointType` are
 * matched ignoring case and `_`/`-` (the API model and the user guide spell them differently and DMS accepts both),
 * and echoed as sent.
 */

import { invalidParameterValue } from './errors.ts';
import { type EnumMember, enumMembersOf } from './model-enums.ts';

interface EnumRule {
  readonly values: readonly string[];
  /** Compare ignoring case and `_` vs `-`. */
  readonly loose?: boolean;
}

/**
 * Where DMS accepts more than the model lists: DescribeEvents answers for tasks as well as instances, while the
 * model's SourceType enum has only `replication-instance`.
 */
const WIDER_THAN_MODEL: Readonly<Record<string, Readonly<Record<string, EnumRule>>>> = {
  DescribeEvents: { SourceType: { values: ['replication-instance', 'replication-task'] } },
};

const isLoose = (member: EnumMember): boolean =>
  member.path.includes('Settings.') || member.path === 'EndpointType';

const cache = new Map<string, Readonly<Record<string, EnumRule>>>();

/** The enum rules of one operation: the model's, widened where DMS accepts more. */
export const enumRulesOf = (operation: string): Readonly<Record<string, EnumRule>> => {
  let rules = cache.get(operation);
  if (!rules) {
    rules = {
      ...Object.fromEntries(
        enumMembersOf(operation).map((member) => [
          member.path,
          { values: member.values, loose: isLoose(member) },
        ]),
      ),
      ...WIDER_THAN_MODEL[operation],
    };
    cache.set(operation, rules);
  }
  return rules;
};

const normalize = (value: string): string => value.toLowerCase().replaceAll('_', '-');

const valueAt = (input: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => {
    if (node && typeof node === 'object' && !Array.isArray(node))
      return (node as Record<string, unknown>)[key];
    return undefined;
  }, input);

/** Throws `InvalidParameterValueException` naming the first member whose value is outside its enum. */
export const checkEnums = (operation: string, input: Record<string, unknown>): void => {
  const rules = enumRulesOf(operation);
  for (const [path, { values, loose }] of Object.entries(rules)) {
    const value = valueAt(input, path);
    if (typeof value !== 'string') continue;
    const ok = loose
      ? values.some((allowed) => normalize(allowed) === normalize(value))
      : values.includes(value);
    if (!ok)
      throw invalidParameterValue(`Invalid value '${value}' for ${path}. Valid values: ${values.join(', ')}`);
  }
};
