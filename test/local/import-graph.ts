/**
 * The import graph of the repository's TypeScript modules, read from their source text: relative specifiers and the
 * package's `#...` subpath imports, type-only imports included (they tie modules together just the same).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const SPECIFIER = /(?:^|\s)(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\s)import\s+'([^']+)'/gm;

const SUBPATHS = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')).imports as Record<
  string,
  string
>;

/** The repository-relative file a specifier in `from` names, or undefined for a package. */
const resolveSpecifier = (from: string, specifier: string): string | undefined => {
  if (specifier.startsWith('.'))
    return relative(REPOSITORY_ROOT, resolve(REPOSITORY_ROOT, dirname(from), specifier));
  for (const [pattern, target] of Object.entries(SUBPATHS)) {
    const prefix = pattern.replace('*', '');
    if (specifier.startsWith(prefix)) return join(target.replace('*', specifier.slice(prefix.length)));
  }
  return undefined;
};

/** The repository files `file` imports directly. */
export const importsOf = (file: string): string[] => {
  const text = readFileSync(join(REPOSITORY_ROOT, file), 'utf8');
  const found = new Set<string>();
  for (const match of text.matchAll(SPECIFIER)) {
    const target = resolveSpecifier(file, match[1] ?? match[2] ?? '');
    if (target && existsSync(join(REPOSITORY_ROOT, target))) found.add(target);
  }
  return [...found];
};

/** Every file reachable from `start` through imports, `start` included. */
export const reachableFrom = (start: string): Set<string> => {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const next of importsOf(file)) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
};

/** The import cycles among `files` (imports leaving the set are ignored), each as the path that closes it. */
export const importCycles = (
  files: readonly string[],
  importsOfFile: (file: string) => readonly string[] = importsOf,
): string[][] => {
  const inSet = new Set(files);
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const visit = (path: string[]): void => {
    const file = path[path.length - 1] ?? '';
    state.set(file, 'visiting');
    for (const next of importsOfFile(file).filter((target) => inSet.has(target))) {
      if (state.get(next) === 'visiting') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit([...path, next]);
    }
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit([file]);
  return cycles;
};

/** The TypeScript files under a repository folder, repository-relative. */
export const typeScriptFilesUnder = (folder: string): string[] =>
  readdirSync(join(REPOSITORY_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name))
    .sort();
