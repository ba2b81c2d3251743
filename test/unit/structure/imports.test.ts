import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findImportCycles, importEdgesUnder, importStatements, importsUnder } from '#test/import-graph';
import { callOutViolations, layerViolations } from '#test/layer-rule';

const ROOT = resolve(import.meta.dirname, '../../..');
const FUNCTIONS = join(ROOT, 'functions');

const fixtures: string[] = [];

/** A throwaway package: its `package.json` maps `#<layer>/*` as the repository's does, plus the given files. */
const fixturePackage = async (files: Readonly<Record<string, string>>): Promise<string> => {
  const root = mkdtempSync(join(tmpdir(), 'imports-'));
  fixtures.push(root);
  const layers = ['contracts', 'domain', 'adapters', 'shared', 'handlers'];
  const imports = Object.fromEntries(layers.map((layer) => [`#${layer}/*`, `./functions/${layer}/*.ts`]));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ imports }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
};

afterEach(() => {
  for (const root of fixtures.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('importStatements', () => {
  it('reads static, type-only, re-exported and dynamic imports', () => {
    // Prepare
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '#domain/b';",
      "export { c } from './c.ts';",
      "const d = () => import('#adapters/d');",
      'const note = \'import("./not-an-import.ts")\';',
      "import { type E, type F } from 'e';",
      "import { type G, h } from 'g';",
      "export type { I } from 'i';",
      "import 'j';",
    ].join('\n');
    // Act
    const statements = importStatements('example.ts', text);
    // Assess
    expect(statements).toEqual([
      { specifier: './a.ts', typeOnly: false },
      { specifier: '#domain/b', typeOnly: true },
      { specifier: './c.ts', typeOnly: false },
      { specifier: '#adapters/d', typeOnly: false },
      { specifier: 'e', typeOnly: true },
      { specifier: 'g', typeOnly: false },
      { specifier: 'i', typeOnly: true },
      { specifier: 'j', typeOnly: false },
    ]);
  });
});

describe('callOutViolations', () => {
  it('names AWS SDK and PostgreSQL code loaded outside adapters/, but not their types', async () => {
    // Prepare
    const root = await fixturePackage({
      'functions/domain/state.ts': [
        "import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';",
        "import { DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';",
        'export const state = (task: ReplicationTask) => [task, DescribeReplicationTasksCommand];',
      ].join('\n'),
      'functions/shared/db.ts': "const load = () => import('pg');\nexport { load };",
      'functions/adapters/dms.ts': [
        "import { DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';",
        "import pg from 'pg';",
        'export const x = [DescribeReplicationTasksCommand, pg];',
      ].join('\n'),
      'functions/handlers/h.ts': "import * as z from 'zod';\nexport const h = z;",
    });
    const functions = join(root, 'functions');
    // Act
    const violations = callOutViolations(importsUnder(functions, root).packages, functions);
    // Assess
    expect(violations).toEqual([
      'domain/state.ts → @aws-sdk/client-database-migration-service: loads AWS or PostgreSQL code outside adapters/',
      'shared/db.ts → pg: loads AWS or PostgreSQL code outside adapters/',
    ]);
  });
});

describe('layerViolations', () => {
  it('names an import from shared/ into adapters/', async () => {
    // Prepare
    const root = await fixturePackage({
      'functions/shared/clients.ts': 'export const client = 1;',
      'functions/adapters/dms.ts': "import { client } from '#shared/clients';\nexport const dms = client;",
    });
    // Act
    const violations = layerViolations(
      importEdgesUnder(join(root, 'functions'), root),
      join(root, 'functions'),
    );
    // Assess
    expect(violations).toEqual([
      'adapters/dms.ts → #shared/clients: adapters/ imports from shared/, a higher layer',
    ]);
  });

  it('names imports from adapters/ and shared/ into domain/, type-only and relative ones included', async () => {
    // Prepare
    const root = await fixturePackage({
      'functions/adapters/registry.ts': 'export type Item = { id: string };',
      'functions/shared/env.ts': 'export const env = {};',
      'functions/domain/policy.ts': [
        "import type { Item } from '../adapters/registry.ts';",
        "import { env } from '#shared/env';",
        'export const decide = (item: Item) => [item, env];',
      ].join('\n'),
    });
    // Act
    const violations = layerViolations(
      importEdgesUnder(join(root, 'functions'), root),
      join(root, 'functions'),
    );
    // Assess
    expect(violations).toEqual([
      'domain/policy.ts → ../adapters/registry.ts: domain/ imports from adapters/, a higher layer',
      'domain/policy.ts → #shared/env: domain/ imports from shared/, a higher layer',
    ]);
  });

  it('names an import of code outside functions/ and one handler importing another', async () => {
    // Prepare
    const root = await fixturePackage({
      'infra/stack.ts': 'export const stack = 1;',
      'functions/handlers/a.ts': "import { stack } from '../../infra/stack.ts';\nexport const a = stack;",
      'functions/handlers/b.ts': "import { a } from '#handlers/a';\nexport const b = a;",
    });
    // Act
    const violations = layerViolations(
      importEdgesUnder(join(root, 'functions'), root),
      join(root, 'functions'),
    );
    // Assess
    expect(violations).toEqual([
      'handlers/a.ts → ../../infra/stack.ts: imports from outside functions/',
      'handlers/b.ts → #handlers/a: one handler imports another',
    ]);
  });

  it('accepts imports within a layer and downward', async () => {
    // Prepare
    const root = await fixturePackage({
      'functions/contracts/names.ts': 'export const NAME = "n";',
      'functions/domain/naming.ts': "import { NAME } from '#contracts/names';\nexport const name = NAME;",
      'functions/adapters/dms.ts':
        "import { name } from '#domain/naming';\nimport 'zod';\nexport const d = name;",
      'functions/handlers/h.ts':
        "import { d } from '#adapters/dms';\nimport { name } from '../domain/naming.ts';\nexport const h = [d, name];",
    });
    // Act
    const violations = layerViolations(
      importEdgesUnder(join(root, 'functions'), root),
      join(root, 'functions'),
    );
    // Assess
    expect(violations).toEqual([]);
  });
});

describe('functions/ layers', () => {
  it('imports only downward: contracts < domain < adapters < shared < handlers', () => {
    // Act
    const violations = layerViolations(importEdgesUnder(FUNCTIONS, ROOT), FUNCTIONS);
    // Assess
    expect(violations).toEqual([]);
  });

  it('loads the AWS SDK and the PostgreSQL driver only in adapters/', () => {
    // Act
    const violations = callOutViolations(importsUnder(FUNCTIONS, ROOT).packages, FUNCTIONS);
    // Assess
    expect(violations).toEqual([]);
  });
});

describe('findImportCycles', () => {
  it('finds a cycle through three files as a closed path', async () => {
    // Prepare
    const root = await fixturePackage({
      'lib/a.ts': "import { b } from './b.ts';\nexport const a = b;",
      'lib/b.ts': "import { c } from './nested/c.ts';\nexport const b = c;",
      'lib/nested/c.ts': "import type { A } from '../a.ts';\nexport const c = 1;\nexport type C = A;",
      'lib/d.ts': "import { a } from './a.ts';\nexport const d = a;",
    });
    // Act
    const cycles = findImportCycles(join(root, 'lib'), root);
    // Assess
    expect(cycles).toEqual([['a.ts', 'b.ts', 'nested/c.ts', 'a.ts']]);
  });

  it('finds a file that imports itself', async () => {
    // Prepare
    const root = await fixturePackage({ 'lib/a.ts': "export const a = 1;\nexport * from './a.ts';" });
    // Act
    const cycles = findImportCycles(join(root, 'lib'), root);
    // Assess
    expect(cycles).toEqual([['a.ts', 'a.ts']]);
  });

  it('ignores a cycle that runs through a file outside the folder', async () => {
    // Prepare
    const root = await fixturePackage({
      'lib/a.ts': "import { b } from '../elsewhere/b.ts';\nexport const a = b;",
      'elsewhere/b.ts': "import { a } from '../lib/a.ts';\nexport const b = a;",
    });
    // Act
    const cycles = findImportCycles(join(root, 'lib'), root);
    // Assess
    expect(cycles).toEqual([]);
  });
});

describe('import cycles', () => {
  it('has none under functions/', () => {
    expect(findImportCycles(FUNCTIONS, ROOT)).toEqual([]);
  });

  it('has none under local/, the DMS emulator included', () => {
    expect(findImportCycles(join(ROOT, 'local'), ROOT)).toEqual([]);
  });
});
