/**
 * First state of migrate-database: plans the database from the request (pure and deterministic), registers it on
 * its attempt and moves it to PROVISIONING, publishing Database Phase Changed when the phase moved. Registering the
 * same attempt again (a retried state) keeps the existing item; the next attempt of a FAILED or DELETED database
 * begins here (docs/failure-semantics.md).
 */
import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { sourceInspectionSchema } from '#domain/fidelity/schemas';
import { phaseChanged, planWarnings } from '#domain/lakeshift-events';
import { planDatabase } from '#domain/planner/index';
import { requestForDatabase } from '#domain/request/database-request';
import { parseMigrationRequest } from '#domain/request/index';
import { requireEnv } from '#shared/env';
import { databaseId, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const environment = plannerEnvironmentFromEnv();
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const PlanDatabaseInput = z.object({
  request: z.unknown(),
  databaseId,
  attempt: z.number().int().min(1, 'must be an attempt number of 1 or more'),
  now,
  inspection: sourceInspectionSchema.optional(),
});

export const planDatabaseHandler = async (event: unknown) => {
  const input = parseInput(PlanDatabaseInput, event);
  const plan = planDatabase(
    parseMigrationRequest(input.request),
    input.databaseId,
    environment,
    input.inspection,
  );
  const key = { migrationId: plan.migrationId, databaseId: plan.databaseId };
  const origin = { attempt: input.attempt, request: requestForDatabase(input.request, input.databaseId) };
  const found = await registry.register(plan, input.now, origin);
  const registered =
    found.attempt === input.attempt ? found : await registry.beginAttempt(plan, input.now, origin);
  const item = await registry.transition(key, 'PROVISIONING', { now: input.now });
  const events = [
    // Warnings go out once per attempt, when it is registered; a retried state finds them in the registry's plan.
    ...(registered.phase === 'REQUESTED' ? planWarnings(item, plan, input.now) : []),
    ...(registered.phase !== item.phase ? [phaseChanged(item, registered.phase, input.now)] : []),
  ];
  if (events.length > 0) await publishEvents(env[ENV.eventBusName], events);
  return { migrationId: plan.migrationId, databaseId: plan.databaseId, plan };
};

export const handler = lambdaHandler(planDatabaseHandler);
