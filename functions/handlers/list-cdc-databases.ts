/**
 * The databases whose task is in CDC: the ones refresh-catalogs brings up to date with their source's columns
 * (docs/lake.md, "When the catalog is refreshed"). A database in another phase has no catalog yet, or is being
 * resized, stopped or torn down; the next scheduled run picks it up once it is back in CDC.
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { sourceNetworkOf } from '#domain/planner/network';
import { requireEnv } from '#shared/env';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ListCdcDatabasesInput = z.object({ now });

export const listCdcDatabases = async (event: unknown) => {
  parseInput(ListCdcDatabasesInput, event);
  const items = (await registry.listActive()).filter((item) => item.phase === 'CDC');
  return {
    // The network says which copy of read-source-tables reaches the database's source.
    databases: items.map(({ migrationId, databaseId, plan }) => ({
      migrationId,
      databaseId,
      network: sourceNetworkOf(plan),
    })),
  };
};

export const handler = lambdaHandler(listCdcDatabases);
