import type { EnvName } from '#contracts/env';
import { ConfigurationError } from '#contracts/errors';

/**
 * Reads required environment variables at cold start. Fails naming every missing variable, so a misconfigured
 * function never starts serving.
 */
export const requireEnv = <const Names extends readonly EnvName[]>(
  names: Names,
  source: NodeJS.ProcessEnv = process.env,
): Readonly<Record<Names[number], string>> => {
  const missing = names.filter((name) => !source[name]?.trim());
  if (missing.length > 0) {
    throw new ConfigurationError(`Missing required environment variable(s): ${missing.join(', ')}`);
  }
  return Object.fromEntries(names.map((name) => [name, (source[name] ?? '').trim()])) as Record<
    Names[number],
    string
  >;
};
