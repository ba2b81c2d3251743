import * as z from 'zod';
import { migrationRequestSchema } from './schema.ts';

/** The request as JSON Schema for editors: the input side, so defaulted fields are optional. */
export const migrationRequestJsonSchema = (): Record<string, unknown> =>
  z.toJSONSchema(migrationRequestSchema, { io: 'input', target: 'draft-2020-12' });

/** File contents exactly as committed: stable key order from the schema, two-space indent, final newline. */
export const renderMigrationRequestJsonSchema = (): string =>
  `${JSON.stringify(migrationRequestJsonSchema(), null, 2)}\n`;
