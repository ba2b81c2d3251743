import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMigrationRequestJsonSchema } from '#domain/request/json-schema';

/** Writes the migration request JSON Schema for editors; a test fails when the committed file is stale. */
const output = fileURLToPath(new URL('../schema/migration-request.schema.json', import.meta.url));
writeFileSync(output, renderMigrationRequestJsonSchema());
console.log(`wrote ${output}`);
