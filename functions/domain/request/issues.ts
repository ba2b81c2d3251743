import type { z } from 'zod';
import type { FieldIssue } from '#contracts/errors';

type PathSegment = PropertyKey;

/** `databases[2].secretArn`; keys that are not plain names are quoted (`tags["cost center"]`). */
export const formatPath = (path: readonly PathSegment[]): string => {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) {
      text += text ? `.${segment}` : segment;
    } else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
};

const describeType = (expected: string): string =>
  expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`;

/** zod's generic messages start like this; ours never do. */
const isGenericMessage = (message: string): boolean =>
  /^(Invalid|Too (small|big)|Unrecognized)/.test(message);

/** One zod issue as one or more request issues, each with the path and the rule in plain words. */
export const toFieldIssues = (
  issue: z.core.$ZodIssue,
  basePath: readonly PathSegment[] = [],
): FieldIssue[] => {
  const path = [...basePath, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), rule: 'is not a known field' }));
    case 'invalid_type':
      return [
        {
          path: formatPath(path),
          rule: !isGenericMessage(issue.message)
            ? issue.message
            : issue.input === undefined
              ? 'is required'
              : `must be ${describeType(issue.expected)}`,
        },
      ];
    case 'invalid_value':
      return [
        {
          path: formatPath(path),
          rule: isGenericMessage(issue.message)
            ? `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
            : issue.message,
        },
      ];
    case 'invalid_key':
      return [
        { path: formatPath(path), rule: `key ${issue.issues.map((inner) => inner.message).join('; ')}` },
      ];
    default:
      return [{ path: formatPath(path), rule: issue.message }];
  }
};
