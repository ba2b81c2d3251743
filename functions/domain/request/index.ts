export type { EffectiveDatabaseSettings } from './effective.ts';
export { effectiveDatabaseSettings } from './effective.ts';
export { parseMigrationRequest } from './parse.ts';
export type { ResizeSettings } from './resize-settings.ts';
export type {
  DatabaseOverrides,
  DatabaseRequest,
  MigrationRequest,
  MigrationRequestDefaults,
  MigrationTarget,
  NetworkSelection,
} from './schema.ts';
export { migrationRequestSchema } from './schema.ts';
