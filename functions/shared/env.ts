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

/** An optional whole number of minutes (> 0) from the environment, read at cold start; malformed fails naming it. */
export const optionalMinutes = (
  name: string,
  fallback: number,
  source: NodeJS.ProcessEnv = process.env,
): number => {
  const raw = source[name]?.trim();
  if (!raw) return fallback;
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw new ConfigurationError(`${name}: must be a whole number of minutes > 0, got "${raw}"`);
  }
  return minutes;
};
