import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMigrationRequestJsonSchema } from '#domain/request/json-schema';
import { parseMigrationRequest } from '#domain/request/parse';

const repositoryFile = (path: string) =>
  readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

describe('schema/migration-request.schema.json', () => {
  it('matches the zod schema (run `npm run schema` after changing the request schema)', () => {
    // Act
    const committed = repositoryFile('schema/migration-request.schema.json');

    // Assess
    expect(committed).toBe(renderMigrationRequestJsonSchema());
  });

  it('documents the defaults and the closed objects editors need to catch typos', () => {
    // Act
    const schema = JSON.parse(repositoryFile('schema/migration-request.schema.json'));

    // Assess
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['migrationId', 'target', 'databases']);
    expect(schema.properties.defaults.properties.fullLoadClass.default).toBe('dms.r5.xlarge');
    expect(schema.properties.defaults.properties.sslMode.enum).toEqual([
      'require',
      'verify-ca',
      'verify-full',
    ]);
    expect(schema.properties.target.properties.s3Settings.additionalProperties).toBe(false);
  });
});

describe('examples', () => {
  it('parses the three-database example', () => {
    // Act
    const request = parseMigrationRequest(JSON.parse(repositoryFile('examples/migration-request.json')));

    // Assess
    expect(request.databases.map((database) => database.id)).toEqual(['orders', 'billing', 'inventory']);
    expect(request.target.folder).toBe('raw/postgres');
    expect(request.defaults.resize.steadyClass).toBe('auto');
  });

  it('parses the minimal example', () => {
    // Act
    const request = parseMigrationRequest(JSON.parse(repositoryFile('examples/minimal-request.json')));

    // Assess
    expect(request.migrationId).toBe('shop-2026');
    // No folder: the planner puts it under the deployment's lake folder.
    expect(request.target.folder).toBeUndefined();
    expect(request.defaults.fullLoadClass).toBe('dms.r5.xlarge');
  });
});
