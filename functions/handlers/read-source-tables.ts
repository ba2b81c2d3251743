/**
 * Reads the tables a database's task replicates, with their columns and keys, from the source (the catalog step's
 * first half; it runs inside the network that reaches the sources, publish-catalog outside it).
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { getPostgresCredentials } from '#adapters/secrets';
import { readSourceTables } from '#adapters/source-catalog';
import { ENV } from '#contracts/env';
import { catalogSourceOf, selectedTables } from '#domain/lake/catalog-source';
import { storedPlanOf } from '#domain/stored-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ReadSourceTablesInput = z.object({ ...databaseKey, now });

export const readTables = async (event: unknown) => {
  const input = parseInput(ReadSourceTablesInput, event);
  const item = await registry.require(input);
  const plan = storedPlanOf(item);
  const tables = await readSourceTables({
    credentials: await getPostgresCredentials(plan.source.secretArn),
    database: plan.source.databaseName,
    sslMode: plan.sourceEndpoint.SslMode,
  });
  return { tables: selectedTables(catalogSourceOf(item), tables) };
};

export const handler = lambdaHandler(readTables);
