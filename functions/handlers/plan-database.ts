/**
 * First state of migrate-database: plans the database from the request (pure and deterministic), registers it and
 * moves it to PROVISIONING, publishing Database Phase Changed when the phase moved. Registering again (a re-run)
 * keeps the existing item.
 */
import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { phaseChanged } from '#domain/lakeshift-events';
import { planDatabase } from '#domain/planner/index';
import { parseMigrationRequest } from '#domain/request/index';
import { requireEnv } from '#shared/env';
import { databaseId, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const environment = plannerEnvironmentFromEnv();
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const PlanDatabaseInput = z.object({ request: z.unknown(), databaseId, now });

export const planDatabaseHandler = async (event: unknown) => {
  const input = parseInput(PlanDatabaseInput, event);
  const plan = planDatabase(parseMigrationRequest(input.request), input.databaseId, environment);
  const key = { migrationId: plan.migrationId, databaseId: plan.databaseId };
  const registered = await registry.register(plan, input.now);
  const item = await registry.transition(key, 'PROVISIONING', { now: input.now });
  if (registered.phase !== item.phase) {
    await publishEvents(env[ENV.eventBusName], [phaseChanged(item, registered.phase, input.now)]);
  }
  return { migrationId: plan.migrationId, databaseId: plan.databaseId, plan };
};

export const handler = lambdaHandler(planDatabaseHandler);
