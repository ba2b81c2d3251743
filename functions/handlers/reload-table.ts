/**
 * The reload step of a table resync (docs/lake.md, "Resync"): DMS ReloadTables loads the table again while CDC goes
 * on (docs/dms-behaviour.md §2.4). begin-table-resync checked the table and holds its lock; a database teardown
 * began meanwhile refuses the reload.
 */
import * as z from 'zod';
import { reloadTables } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, now, sourceTable, taskArn } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ReloadTableInput = z.object({ ...databaseKey, ...sourceTable, taskArn, now });

export const reloadTable = async (event: unknown) => {
  const input = parseInput(ReloadTableInput, event);
  const item = await registry.require(input);
  refuseDuringTeardown(item, `reload of ${input.schemaName}.${input.tableName}`);
  await reloadTables(input.taskArn, [{ SchemaName: input.schemaName, TableName: input.tableName }]);
  // The wait that follows counts only a load that ended after this moment.
  return { requestedAt: input.now };
};

export const handler = lambdaHandler(reloadTable);
