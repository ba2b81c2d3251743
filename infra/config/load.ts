import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { type LakeshiftConfig, lakeshiftConfigSchema } from './schema.ts';

/** One invalid config field: its path (e.g. `networks.default.sources`) and the rule it broke. */
export interface ConfigIssue {
  readonly path: string;
  readonly rule: string;
}

/** A bad deployment config. The message names every invalid field, so one run shows everything to fix. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidLakeshiftConfig';
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid lakeshift config in ${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${issues
        .map((issue) => `${issue.path || '(root)'}: ${issue.rule}`)
        .join('; ')}`,
    );
  }
}

/** Validates a config document and applies defaults. */
export const parseLakeshiftConfig = (raw: unknown, source = 'config'): LakeshiftConfig => {
  const result = lakeshiftConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new InvalidConfigError(source, result.error.issues.flatMap(toConfigIssues));
};

/** Where the CDK app looks for the config, relative to the repository root. */
export const CONFIG_FILE = 'infra/config/lakeshift.config.json';
export const EXAMPLE_CONFIG_FILE = 'infra/config/example.config.json';
/** CDK context keys: `-c lakeshiftConfig=path/to/file.json`, or a `lakeshift` object in cdk.json. */
export const CONFIG_PATH_CONTEXT_KEY = 'lakeshiftConfig';
export const CONFIG_CONTEXT_KEY = 'lakeshift';

export interface LoadedConfig {
  readonly config: LakeshiftConfig;
  /** Where it came from, for the synth log. */
  readonly source: string;
}

/**
 * Finds the config: a path given in context, then an object in context, then the config file, then the example
 * (so that a fresh clone synthesizes; the log says which one was used).
 */
export const loadLakeshiftConfig = (
  rootDir: string,
  tryGetContext: (key: string) => unknown,
): LoadedConfig => {
  const contextPath = tryGetContext(CONFIG_PATH_CONTEXT_KEY);
  if (typeof contextPath === 'string' && contextPath.length > 0) {
    return fromFile(join(rootDir, contextPath), contextPath);
  }
  const contextObject = tryGetContext(CONFIG_CONTEXT_KEY);
  if (contextObject !== undefined) {
    return {
      config: parseLakeshiftConfig(contextObject, `context "${CONFIG_CONTEXT_KEY}"`),
      source: 'context',
    };
  }
  const file = existsSync(join(rootDir, CONFIG_FILE)) ? CONFIG_FILE : EXAMPLE_CONFIG_FILE;
  return fromFile(join(rootDir, file), file);
};

function fromFile(path: string, label: string): LoadedConfig {
  if (!existsSync(path)) {
    throw new InvalidConfigError(label, [{ path: '', rule: 'file not found' }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidConfigError(label, [{ path: '', rule: `not valid JSON (${(error as Error).message})` }]);
  }
  return { config: parseLakeshiftConfig(raw, label), source: label };
}

function toConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  // An unknown key is reported at its own path, so a typo reads as `lake.foldr: unknown key`.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), rule: 'unknown key' }));
  }
  return [{ path: formatPath(issue.path), rule: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}
