/**
 * First state of migrate-fleet: parses the request and plans every database (so a bad request fails before
 * anything is created, with one message naming every invalid field), and returns only what the Map needs: each
 * database's id and its deterministic migrate-database execution name.
 */
import * as z from 'zod';
import { planFleet } from '#domain/planner/index';
import { parseMigrationRequest } from '#domain/request/index';
import { plainTextWarnings } from '#domain/request/source-tls';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler, logger } from '#shared/lambda';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';

const environment = plannerEnvironmentFromEnv();

const ValidateRequestInput = z.object({ request: z.unknown(), now });

export const validateRequest = async (event: unknown) => {
  const input = parseInput(ValidateRequestInput, event);
  const request = parseMigrationRequest(input.request);
  const plans = planFleet(request, environment);
  const warnings = plainTextWarnings(request);
  for (const warning of warnings) logger.warn(warning);
  return {
    ...(warnings.length > 0 ? { warnings } : {}),
    migrationId: request.migrationId,
    maxConcurrency: request.maxConcurrency,
    databases: plans.map((plan) => ({
      databaseId: plan.databaseId,
      executionName: plan.identifiers.executionName,
    })),
  };
};

export const handler = lambdaHandler(validateRequest);
