import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What users run (handlers, the local AWS, the CLI, the stack) uses permissively licensed packages only; a copyleft
 * package may serve inside tests as a second opinion, never more. So a copyleft package is a devDependency, and no
 * file outside `test/` imports it.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const RUNTIME_FOLDERS = ['functions', 'local', 'cli', 'infra', 'bench'];
const COPYLEFT = /\b(A|L)?GPL\b|\bMPL\b|\bEUPL\b/i;

interface Manifest {
  readonly license?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const readManifest = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const project = readManifest(join(ROOT, 'package.json'));
const licenceOf = (name: string): string =>
  readManifest(join(ROOT, 'node_modules', name, 'package.json')).license ?? '';

const sourceFiles = (folder: string): string[] =>
  readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.includes('node_modules'))
    .map((file) => join(ROOT, folder, file));

const direct = [...Object.keys(project.dependencies ?? {}), ...Object.keys(project.devDependencies ?? {})];
const copyleft = direct.filter((name) => COPYLEFT.test(licenceOf(name)));

describe('copyleft packages', () => {
  it('finds the licence of every direct dependency, so the check below cannot pass by reading nothing', () => {
    // Assess
    expect(direct.filter((name) => licenceOf(name) === '')).toEqual([]);
  });

  it('recognizes the IAM second opinion used by the tests (AGPL) as copyleft', () => {
    // Assess
    expect(copyleft).toContain('@cloud-copilot/iam-simulate');
  });

  it('are devDependencies only', () => {
    // Assess
    expect(copyleft.filter((name) => name in (project.dependencies ?? {}))).toEqual([]);
  });

  it('are imported by no file users run', () => {
    // Act
    const importers = RUNTIME_FOLDERS.flatMap(sourceFiles).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return copyleft.some((name) => text.includes(`'${name}'`) || text.includes(`'${name}/`));
    });
    // Assess
    expect(importers).toEqual([]);
  });
});
