/**
 * Moves a database to a phase in the registry (only the legal transitions) and publishes Database Phase Changed.
 * Also the end of every Catch: FAILED with the caught error and cause, published as Migration Failed. After a
 * resize it records the new class, releases the resize lock and publishes Replication Instance Resized.
 * Returns the ARNs the registry holds (null when never created): teardown works from them, and may run again on a
 * database it already deleted.
 */
import * as z from 'zod';
import { publishEvents } from '#adapters/events';
import { publishMetrics } from '#adapters/metrics';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import type { LakeshiftEvent } from '#contracts/events';
import type { RegistryPatch } from '#contracts/registry-item';
import { readableCause } from '#domain/failure';
import { instanceResized, migrationFailed, phaseChanged } from '#domain/lakeshift-events';
import { phaseChangeMetrics } from '#domain/metrics';
import type { RegistryItem } from '#domain/registry-item';
import { requireEnv } from '#shared/env';
import { caughtError, databaseKey, now, phase } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

/** The resize decision that led here (decide-resize's output); only an acting one changes anything. */
const resizeOutcome = z.looseObject({
  act: z.boolean(),
  fromClass: z.string().nullish(),
  toClass: z.string().nullish(),
  lockHolder: z.string().nullish(),
});

const RecordPhaseInput = z
  .object({ ...databaseKey, phase, error: caughtError.optional(), resize: resizeOutcome.optional(), now })
  .refine((input) => input.phase !== 'FAILED' || input.error !== undefined, {
    message: 'must carry the caught error when the phase is FAILED',
    path: ['error'],
  });

type RecordPhaseInput = z.output<typeof RecordPhaseInput>;

const resourcesOf = (item: RegistryItem) => ({
  instanceArn: item.instanceArn ?? null,
  sourceEndpointArn: item.sourceEndpointArn ?? null,
  targetEndpointArn: item.targetEndpointArn ?? null,
  taskArn: item.taskArn ?? null,
});

const changeOf = (before: RegistryItem, after: RegistryItem, now: string, resizedTo?: string) => ({
  migrationId: after.migrationId,
  databaseId: after.databaseId,
  from: before.phase,
  to: after.phase,
  registeredAt: after.createdAt,
  fromSince: before.phaseChangedAt,
  now,
  ...(resizedTo ? { resizedTo } : {}),
});

const recordFailure = async (
  input: RecordPhaseInput,
  error: { Error: string; Cause?: string | undefined },
) => {
  const before = await registry.require(input);
  const item = await registry.recordFailure(input, {
    error: error.Error,
    cause: readableCause(error.Cause),
    now: input.now,
  });
  await publishEvents(env[ENV.eventBusName], [migrationFailed(item, input.now)]);
  publishMetrics(phaseChangeMetrics(changeOf(before, item, input.now)));
  return item;
};

const recordTransition = async (input: RecordPhaseInput) => {
  const before = await registry.require(input);
  // Tearing down what is already deleted is a re-run: every teardown step is idempotent, so let it pass.
  if (before.phase === 'DELETED' && input.phase === 'TEARING_DOWN') return before;
  const resize = input.resize;
  const resized =
    resize?.act === true && resize.toClass
      ? { fromClass: resize.fromClass ?? before.currentClass, toClass: resize.toClass }
      : undefined;
  const patch: RegistryPatch | undefined = resized
    ? { currentClass: resized.toClass, lastResizeAt: input.now }
    : undefined;
  const item =
    before.phase === input.phase
      ? patch
        ? await registry.update(input, patch, { now: input.now })
        : before
      : await registry.transition(input, input.phase, { now: input.now, patch });
  if (resize?.lockHolder)
    await registry.releaseResizeLock(input, { holder: resize.lockHolder, now: input.now });
  const events: LakeshiftEvent[] = [
    ...(before.phase !== item.phase ? [phaseChanged(item, before.phase, input.now)] : []),
    ...(resized ? [instanceResized(item, resized, input.now)] : []),
  ];
  if (events.length > 0) await publishEvents(env[ENV.eventBusName], events);
  publishMetrics(phaseChangeMetrics(changeOf(before, item, input.now, resized?.toClass)));
  return item;
};

export const recordPhase = async (event: unknown) => {
  const input = parseInput(RecordPhaseInput, event);
  const item =
    input.phase === 'FAILED' && input.error
      ? await recordFailure(input, input.error)
      : await recordTransition(input);
  return {
    migrationId: item.migrationId,
    databaseId: item.databaseId,
    phase: item.phase,
    resources: resourcesOf(item),
  };
};

export const handler = lambdaHandler(recordPhase);
