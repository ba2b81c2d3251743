/**
 * First state of migrate-fleet. Its input is a migration request, or a retry request (`Retry Requested`:
 * `{migrationId, databaseIds, attempts?}`), which runs the named databases again from the requests the registry
 * keeps for them. It plans every database (so a bad request fails before anything is created, with one message
 * naming every invalid field), reads each database's attempt from the registry and decides per database whether
 * this trigger starts an attempt (and its execution name) or only reports what the database is doing
 * (docs/failure-semantics.md). It warns when the databases it starts would pass the account's DMS quotas.
 */
import * as z from 'zod';
import { describeAccountQuotas } from '#adapters/dms';
import { createRegistry } from '#adapters/registry';
import { type RetryRequest, retryRequestSchema } from '#contracts/attempts';
import { ENV } from '#contracts/env';
import { InvalidInputError } from '#contracts/errors';
import { decideDatabaseRun } from '#domain/attempts';
import { planFleet } from '#domain/planner/index';
import type { RegistryItem } from '#domain/registry-item';
import { requestForRetry } from '#domain/request/database-request';
import {
  quotasToCheck,
  quotaWarnings,
  type StartedDatabase,
  startedDatabase,
} from '#domain/request/dms-quotas';
import { parseMigrationRequest } from '#domain/request/index';
import { sourceReachWarnings } from '#domain/request/source-reach';
import { plainTextWarnings } from '#domain/request/source-tls';
import { assertFleetFitsStatePayload } from '#domain/request/state-payload';
import { requireEnv } from '#shared/env';
import { now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler, logger } from '#shared/lambda';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';

const env = requireEnv([ENV.registryTableName]);
const environment = plannerEnvironmentFromEnv();
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ValidateRequestInput = z.object({ request: z.unknown(), now });

/** The request a retry runs: the named databases' stored requests, put back together. */
const retriedRequest = (retry: RetryRequest, items: readonly RegistryItem[]) => {
  const unknown = retry.databaseIds.filter((id) => !items.some((item) => item.databaseId === id));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `databaseIds: migration ${retry.migrationId} has no database ${unknown.join(', ')}`,
    );
  }
  const stored = retry.databaseIds.map((databaseId) => {
    const item = items.find((candidate) => candidate.databaseId === databaseId);
    if (item?.request === undefined) {
      throw new InvalidInputError(
        `databaseIds: ${databaseId} keeps no request to retry from; send its migration request again`,
      );
    }
    return { databaseId, request: item.request };
  });
  return requestForRetry(stored);
};

/** The DMS quotas the started databases would pass, as warnings; DMS is asked only when they create something. */
const dmsQuotaWarnings = async (started: readonly StartedDatabase[]): Promise<string[]> =>
  quotasToCheck(started)
    ? quotaWarnings(
        started,
        await describeAccountQuotas().then(
          (quotas) => ({ quotas }),
          (error: unknown) => ({ error }),
        ),
      )
    : [];

/** A retry names its databases (`databaseIds`); a migration request lists them (`databases`). */
const isRetryRequest = (request: unknown): boolean =>
  typeof request === 'object' && request !== null && 'databaseIds' in request;

export const validateRequest = async (event: unknown) => {
  const input = parseInput(ValidateRequestInput, event);
  const retry = isRetryRequest(input.request) ? parseInput(retryRequestSchema, input.request) : undefined;
  const migrationId = retry?.migrationId ?? parseMigrationRequest(input.request).migrationId;
  const items = await registry.listByMigration(migrationId);
  const raw = retry ? retriedRequest(retry, items) : input.request;
  const request = parseMigrationRequest(raw);
  const plans = planFleet(request, environment);
  const databases = plans.map((plan) => {
    const item = items.find((candidate) => candidate.databaseId === plan.databaseId);
    return {
      plan,
      item,
      run: {
        databaseId: plan.databaseId,
        // The network whose copies of the source handlers migrate-database invokes for this database.
        network: plan.network,
        ...decideDatabaseRun(plan, item, retry?.attempts?.[plan.databaseId]),
      },
    };
  });
  const started = databases
    .filter(({ run }) => run.action === 'start')
    .map(({ plan, item }) => startedDatabase(plan, item));
  const warnings = [
    ...plainTextWarnings(request),
    ...sourceReachWarnings(request),
    ...(await dmsQuotaWarnings(started)),
  ];
  for (const warning of warnings) logger.warn(warning);
  const output = {
    // Always present: migrate-fleet carries them into its result, and a JSONPath to a missing field fails.
    warnings,
    migrationId: request.migrationId,
    maxConcurrency: request.maxConcurrency,
    // A migration request is migrate-fleet's own input, read from there; only a retry's rebuilt one is carried.
    ...(retry ? { request: raw } : {}),
    databases: databases.map(({ run }) => run),
  };
  assertFleetFitsStatePayload(
    output,
    raw,
    plans.map((plan) => plan.databaseId),
  );
  return output;
};

export const handler = lambdaHandler(validateRequest);
