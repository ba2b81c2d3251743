/**
 * First state of migrate-fleet: parses the request and plans every database (so a bad request fails before
 * anything is created, with one message naming every invalid field), and returns only what the Map needs: each
 * database's id and its deterministic migrate-database execution name.
 */
import * as z from 'zod';
import { planFleet } from '#domain/planner/index';
import { parseMigrationRequest } from '#domain/request/index';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';

const environment = plannerEnvironmentFromEnv();

/** Databases migrated at once when the request does not say. */
export const DEFAULT_MAX_CONCURRENCY = 10;

const ValidateRequestInput = z.object({ request: z.unknown(), now });

/** `maxConcurrency` of the request when it has one (a positive integer), else the default. */
const maxConcurrencyOf = (request: object): number => {
  const value = 'maxConcurrency' in request ? request.maxConcurrency : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_CONCURRENCY;
};

export const validateRequest = async (event: unknown) => {
  const input = parseInput(ValidateRequestInput, event);
  const request = parseMigrationRequest(input.request);
  const plans = planFleet(request, environment);
  return {
    migrationId: request.migrationId,
    maxConcurrency: maxConcurrencyOf(request),
    databases: plans.map((plan) => ({
      databaseId: plan.databaseId,
      executionName: plan.identifiers.executionName,
    })),
  };
};

export const handler = lambdaHandler(validateRequest);
