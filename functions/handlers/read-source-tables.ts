/**
 * Reads the tables a database's task replicates, with their columns and keys, from the source (the catalog step's
 * first half; it runs inside the network that reaches the sources, publish-catalog outside it).
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { readSourceTables } from '#adapters/source-catalog';
import { ENV } from '#contracts/env';
import { catalogSourceOf, selectedTables } from '#domain/lake/catalog-source';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { sourceAccessOf } from '#shared/source-access';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ReadSourceTablesInput = z.object({ ...databaseKey, now });

export const readTables = async (event: unknown) => {
  const input = parseInput(ReadSourceTablesInput, event);
  const item = await registry.require(input);
  // The endpoint's TLS mode with the CA lakeshift imported for it, as the slot handlers connect.
  const access = await sourceAccessOf(item);
  const tables = await readSourceTables({
    ...access,
    database: access.database ?? access.credentials.dbname,
  });
  return { tables: selectedTables(catalogSourceOf(item), tables) };
};

export const handler = lambdaHandler(readTables);
