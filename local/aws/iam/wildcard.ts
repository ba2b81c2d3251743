/**
 * IAM's wildcard matching: `*` matches any run of characters (none included) and `?` exactly one, in actions,
 * resources and the `Like` condition operators. Actions compare without regard to case, ARNs with it.
 */
const cache = new Map<string, RegExp>();

const compile = (pattern: string, ignoreCase: boolean): RegExp => {
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let compiled = cache.get(key);
  if (!compiled) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    cache.set(key, compiled);
  }
  return compiled;
};

export const wildcardMatch = (pattern: string, value: string, ignoreCase = false): boolean =>
  pattern === '*' || compile(pattern, ignoreCase).test(value);

/**
 * ARN matching as `ArnLike` and the Resource element do it: the six colon-separated parts compare one by one, each
 * with wildcards, and the resource part keeps its colons.
 */
export const arnMatch = (pattern: string, arn: string): boolean => {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (!patternParts || !arnParts) return wildcardMatch(pattern, arn);
  return patternParts.every((part, index) => wildcardMatch(part, arnParts[index] ?? ''));
};

const splitArn = (arn: string): string[] | undefined => {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
};
