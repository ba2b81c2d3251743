/**
 * Moves a database to a phase in the registry (only the legal transitions) and publishes Database Phase Changed.
 * Also the end of every Catch: FAILED with the caught error and cause, published as Migration Failed. After a
 * resize it records the new class and when DMS finished the change, releases the resize lock and publishes Replication Instance Resized.
 * Returns the ARNs the registry holds (null when never created): teardown works from them, and may run again on a
 * database it already deleted.
 */
import * as z from 'zod';
import { classChangedAt } from '#adapters/class-change';
import { publishEvents } from '#adapters/events';
import { publishMetrics } from '#adapters/metrics';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import type { LakeshiftEvent } from '#contracts/events';
import type { RegistryPatch } from '#contracts/registry-item';
import { readableCause } from '#domain/failure';
import { instanceResized, migrationFailed, phaseChanged, resizeFailed } from '#domain/lakeshift-events';
import { phaseChangeMetrics } from '#domain/metrics';
import type { RegistryItem } from '#domain/registry-item';
import { failedResizeEntry } from '#domain/resize/failed-attempt';
import { isTornDown, refuseDuringTeardown } from '#domain/teardown-fence';
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
  action: z.enum(['stay', 'step-up', 'step-down']).optional(),
});

/** A class change that failed after the task was stopped, and whether CDC runs again (docs/failure-semantics.md). */
const resizeFailure = z.object({
  error: caughtError,
  /** The class the instance has now; the registry's when the recovery could not read it. */
  instanceClass: z.string().nullish(),
  resumed: z.boolean(),
});

const RecordPhaseInput = z
  .object({
    ...databaseKey,
    phase,
    error: caughtError.optional(),
    resize: resizeOutcome.optional(),
    resizeFailed: resizeFailure.optional(),
    /** Set by teardown's own failure states: only teardown may record FAILED on a database it is tearing down. */
    duringTeardown: z.boolean().optional(),
    now,
  })
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
  // A migration or resize that failed while teardown owns the database (refused, or its resources deleted under
  // it) ends its execution; the database stays teardown's.
  const before = await registry.require(input);
  if (!input.duringTeardown && isTornDown(before.phase)) return before;
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
  if (!isTornDown(input.phase)) refuseDuringTeardown(before, `recording ${input.phase}`);
  const resize = input.resize;
  const resized =
    resize?.act === true && resize.toClass
      ? { fromClass: resize.fromClass ?? before.currentClass, toClass: resize.toClass }
      : undefined;
  // The class changed when DMS says it did, not when the resize execution got here (docs/design.md §3.3).
  const changedAt = resized
    ? await classChangedAt(before.instanceIdentifier, {
        since: before.lock?.acquiredAt ?? before.phaseChangedAt,
        until: input.now,
      })
    : undefined;
  // A stay on a class the registry does not hold: an earlier attempt changed the class and failed before
  // recording it (docs/failure-semantics.md, "Retry and re-run"). DMS is the truth.
  const caughtUp =
    !resized && resize?.toClass && resize.toClass !== before.currentClass
      ? { currentClass: resize.toClass }
      : undefined;
  const patch: RegistryPatch | undefined =
    resized && changedAt ? { currentClass: resized.toClass, lastResizeAt: changedAt.at } : caughtUp;
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

/**
 * A failed class change: the attempt goes into the history, the lock is released and Resize Failed is published.
 * Resumed: back to CDC on the class the instance has. Not resumed: the phase stays and the database is marked for
 * the reconciler to resume.
 */
const recordResizeFailure = async (input: RecordPhaseInput, failure: z.output<typeof resizeFailure>) => {
  const before = await registry.require(input);
  refuseDuringTeardown(before, 'recording a failed resize');
  const fromClass = input.resize?.fromClass ?? before.currentClass;
  const instanceClass = failure.instanceClass ?? before.currentClass;
  const error = failure.error.Error;
  const cause = readableCause(failure.error.Cause);
  const attempt = {
    fromClass,
    toClass: input.resize?.toClass ?? fromClass,
    instanceClass,
    error,
    cause,
    resumed: failure.resumed,
  };
  await registry.appendHistory(
    input,
    failedResizeEntry({
      ...attempt,
      at: input.now,
      action: input.resize?.action ?? 'stay',
      trigger: before.history.at(-1)?.trigger ?? { kind: 'reconcile' },
    }),
  );
  const patch = {
    currentClass: instanceClass,
    ...(instanceClass === before.currentClass ? {} : { lastResizeAt: input.now }),
  };
  const item = failure.resumed
    ? await registry.transition(input, 'CDC', { now: input.now, patch })
    : await registry.markResumePending(input, { error, cause, now: input.now });
  if (input.resize?.lockHolder)
    await registry.releaseResizeLock(input, { holder: input.resize.lockHolder, now: input.now });
  await publishEvents(env[ENV.eventBusName], [
    ...(before.phase !== item.phase ? [phaseChanged(item, before.phase, input.now)] : []),
    resizeFailed(item, attempt, input.now),
  ]);
  return item;
};

export const recordPhase = async (event: unknown) => {
  const input = parseInput(RecordPhaseInput, event);
  const item = input.resizeFailed
    ? await recordResizeFailure(input, input.resizeFailed)
    : input.phase === 'FAILED' && input.error
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
