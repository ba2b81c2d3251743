/**
 * Starts the connection test of each endpoint from the replication instance (describe-resources reads the
 * outcome) and, given the database's key, inspects the source for columns the lake may lose: tables whose
 * out-of-line values an UPDATE can leave NULL (Plan Warning, logged and returned; the migration goes on).
 */
import * as z from 'zod';
import { testConnection } from '#adapters/dms';
import { readToastExposure } from '#adapters/postgres-toast';
import { createRegistry } from '#adapters/registry';
import { getPostgresCredentials } from '#adapters/secrets';
import { ENV } from '#contracts/env';
import { type PlanWarning, sourceNotInspected, unchangedToastWarnings } from '#domain/planner/toast-warnings';
import { storedPlanOf } from '#domain/stored-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, endpointArn, instanceArn, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler, logger } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const TestConnectionsInput = z.object({
  ...databaseKey,
  instanceArn,
  endpointArns: z.array(endpointArn).min(1, 'must list at least one endpoint ARN'),
  now,
});

type Key = Pick<z.output<typeof TestConnectionsInput>, 'migrationId' | 'databaseId'>;

const sourceWarnings = async (key: Key): Promise<PlanWarning[]> => {
  const plan = storedPlanOf(await registry.require(key));
  try {
    const exposure = await readToastExposure({
      credentials: await getPostgresCredentials(plan.source.secretArn),
      database: plan.source.databaseName,
      sslMode: plan.sourceEndpoint.SslMode,
    });
    return unchangedToastWarnings(exposure);
  } catch (error) {
    // The inspection only informs: DMS's own connection test decides whether the source can be reached.
    return [sourceNotInspected(`${key.migrationId}/${key.databaseId}`, error)];
  }
};

export const testConnections = async (event: unknown) => {
  const input = parseInput(TestConnectionsInput, event);
  const started = [];
  // One at a time: a busy instance answers InvalidResourceStateFault, which the state machine retries as a whole.
  for (const arn of input.endpointArns) {
    const connection = await testConnection(input.instanceArn, arn);
    started.push({ endpointArn: arn, status: connection.Status ?? 'testing' });
  }
  const warnings = await sourceWarnings(input);
  for (const { message, ...warning } of warnings) {
    // `message` is the logger's own key: the warning's text goes under `detail`.
    logger.warn('Plan Warning', {
      migrationId: input.migrationId,
      databaseId: input.databaseId,
      ...warning,
      detail: message,
    });
  }
  return { instanceArn: input.instanceArn, connections: started, warnings };
};

export const handler = lambdaHandler(testConnections);
