/**
 * Deletes the Glue catalog of one database at teardown (docs/lake.md): its database, change-log tables and views.
 * The name derives from (migrationId, databaseId) alone, so this works whatever the registry holds; a database that
 * does not exist is done. The lake's files are kept.
 */
import * as z from 'zod';
import { deleteCatalogDatabase } from '#adapters/glue';
import { glueDatabaseName } from '#domain/lake/names';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DeleteCatalogInput = z.object({ ...databaseKey, now });

export const deleteCatalog = async (event: unknown) => {
  const input = parseInput(DeleteCatalogInput, event);
  const glueDatabase = glueDatabaseName(input.migrationId, input.databaseId);
  return { glueDatabase, deleted: await deleteCatalogDatabase(glueDatabase) };
};

export const handler = lambdaHandler(deleteCatalog);
