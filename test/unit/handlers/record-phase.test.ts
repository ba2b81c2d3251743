import {
  DatabaseMigrationServiceClient,
  DescribeEventsCommand,
} from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES, LAKESHIFT_EVENT_SOURCE } from '#contracts/events';
import { HANDLER_TEST_ENV, invokeHandler } from '#test/lambda-context';
import { instanceArnOf, keyOf, LATER, NOW, planFor, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const events = mockClient(EventBridgeClient);
const dms = mockClient(DatabaseMigrationServiceClient);

beforeEach(() => {
  events.reset();
  dms.reset();
  dms.on(DescribeEventsCommand).resolves({ Events: [] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

/** The entries lakeshift published, with their detail parsed. */
const published = () =>
  events.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      bus: entry.EventBusName,
      source: entry.Source,
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

describe('Handler: record-phase', () => {
  it('moves the database to the phase and publishes Database Phase Changed', async () => {
    // Prepare
    const plan = planFor('record-1');
    await world.seed(plan, 'PROVISIONING');
    // Act
    const result = await invokeHandler('record-phase', { ...keyOf(plan), phase: 'FULL_LOAD', now: LATER });
    // Assess
    expect(result).toMatchObject({ migrationId: 'record-1', databaseId: 'orders', phase: 'FULL_LOAD' });
    expect((await world.registry().require(plan)).phase).toBe('FULL_LOAD');
    expect(published()).toEqual([
      {
        bus: HANDLER_TEST_ENV[ENV.eventBusName],
        source: LAKESHIFT_EVENT_SOURCE,
        detailType: LAKESHIFT_DETAIL_TYPES.phaseChanged,
        detail: {
          migrationId: 'record-1',
          databaseId: 'orders',
          phase: 'FULL_LOAD',
          previousPhase: 'PROVISIONING',
        },
      },
    ]);
  });

  it('returns the ARNs the registry holds, null for those never created', async () => {
    // Prepare
    const created = planFor('record-2', 'orders');
    const bare = planFor('record-2', 'billing');
    await world.seed(created, 'CDC');
    await world.seed(bare, 'REQUESTED');
    // Act
    const full = await invokeHandler('record-phase', {
      ...keyOf(created),
      phase: 'TEARING_DOWN',
      now: LATER,
    });
    const empty = await invokeHandler('record-phase', { ...keyOf(bare), phase: 'TEARING_DOWN', now: LATER });
    // Assess
    expect(full).toMatchObject({
      resources: { instanceArn: instanceArnOf('orders'), taskArn: taskArnOf('orders') },
    });
    expect(empty).toMatchObject({
      resources: { instanceArn: null, sourceEndpointArn: null, targetEndpointArn: null, taskArn: null },
    });
  });

  it('records a caught failure with the readable part of a Lambda cause, and publishes Migration Failed', async () => {
    // Prepare
    const plan = planFor('record-3');
    await world.seed(plan, 'FULL_LOAD');
    const cause = JSON.stringify({
      errorType: 'ResourceFailed',
      errorMessage: 'replication instance x is failed',
      trace: [],
    });
    // Act
    const result = await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'FAILED',
      error: { Error: 'ResourceFailed', Cause: cause },
      now: LATER,
    });
    // Assess
    expect(result).toMatchObject({ phase: 'FAILED' });
    const item = await world.registry().require(plan);
    expect(item.failure).toEqual({
      error: 'ResourceFailed',
      cause: 'replication instance x is failed',
      at: LATER,
      phase: 'FULL_LOAD',
    });
    expect(published()).toEqual([
      expect.objectContaining({
        detailType: LAKESHIFT_DETAIL_TYPES.migrationFailed,
        detail: {
          migrationId: 'record-3',
          databaseId: 'orders',
          error: 'ResourceFailed',
          cause: 'replication instance x is failed',
          failedInPhase: 'FULL_LOAD',
        },
      }),
    ]);
  });

  it('after a resize records the new class, releases the lock and publishes Replication Instance Resized', async () => {
    // Prepare: DMS recorded no event for the change, so the resize's end stands for it.
    const plan = planFor('record-4');
    await world.seed(plan, 'RESIZING');
    const holder = 'alarm:record-4/orders@2026-03-01T11:00:00Z';
    await world.registry().acquireResizeLock(plan, { holder, now: NOW, ttlSeconds: 600 });
    // Act
    await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'CDC',
      resize: { act: true, fromClass: 'dms.r5.large', toClass: 'dms.r5.2xlarge', lockHolder: holder },
      now: LATER,
    });
    // Assess
    const item = await world.registry().require(plan);
    expect(item).toMatchObject({ phase: 'CDC', currentClass: 'dms.r5.2xlarge', lastResizeAt: LATER });
    expect(item.lock).toBeUndefined();
    expect(published().map((event) => event.detailType)).toEqual([
      LAKESHIFT_DETAIL_TYPES.phaseChanged,
      LAKESHIFT_DETAIL_TYPES.instanceResized,
    ]);
    expect(published()[1]?.detail).toEqual({
      migrationId: 'record-4',
      databaseId: 'orders',
      fromClass: 'dms.r5.large',
      toClass: 'dms.r5.2xlarge',
    });
  });

  it("times the class change by the instance's last configuration-change event, not by the resize's end", async () => {
    // Prepare: DMS started the change (0012) and finished it (0014) before the task was resumed.
    const plan = planFor('record-timed');
    await world.seed(plan, 'RESIZING');
    const holder = 'alarm:record-timed/orders@2026-03-01T11:00:00Z';
    await world.registry().acquireResizeLock(plan, { holder, now: NOW, ttlSeconds: 600 });
    const started = new Date(Date.parse(NOW) + 60_000);
    const finished = new Date(Date.parse(NOW) + 4 * 60_000);
    dms.on(DescribeEventsCommand).resolves({
      Events: [
        { SourceType: 'replication-instance', EventCategories: ['configuration change'], Date: started },
        { SourceType: 'replication-instance', EventCategories: ['configuration change'], Date: finished },
        { SourceType: 'replication-instance', EventCategories: ['maintenance'], Date: new Date(LATER) },
      ],
    });
    // Act
    await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'CDC',
      resize: { act: true, fromClass: 'dms.r5.large', toClass: 'dms.r5.2xlarge', lockHolder: holder },
      now: LATER,
    });
    // Assess
    const item = await world.registry().require(plan);
    expect(item.lastResizeAt).toBe(finished.toISOString());
    expect(dms).toHaveReceivedCommandWith(DescribeEventsCommand, {
      SourceType: 'replication-instance',
      StartTime: new Date(NOW),
      EndTime: new Date(LATER),
    });
  });

  it('changes nothing for a decision that did not act', async () => {
    // Prepare
    const plan = planFor('record-5');
    await world.seed(plan, 'STEPPING_DOWN');
    // Act
    await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'CDC',
      resize: { act: false, fromClass: 'dms.r5.xlarge', toClass: 'dms.r5.xlarge', lockHolder: null },
      now: LATER,
    });
    // Assess
    expect(await world.registry().require(plan)).toMatchObject({
      phase: 'CDC',
      currentClass: 'dms.r5.xlarge',
    });
    expect(published().map((event) => event.detailType)).toEqual([LAKESHIFT_DETAIL_TYPES.phaseChanged]);
  });

  it('takes the class from a stay on another class: an earlier attempt stepped down and failed before recording it', async () => {
    // Prepare
    const plan = planFor('record-5b');
    await world.seed(plan, 'STEPPING_DOWN');
    // Act
    await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'CDC',
      resize: { act: false, fromClass: 'dms.r5.large', toClass: 'dms.r5.large', lockHolder: null },
      now: LATER,
    });
    // Assess
    expect(await world.registry().require(plan)).toMatchObject({
      phase: 'CDC',
      currentClass: 'dms.r5.large',
    });
  });

  it('lets a teardown run again on a database it already deleted, changing nothing', async () => {
    // Prepare
    const plan = planFor('record-7');
    await world.seed(plan, 'DELETED');
    // Act
    const result = await invokeHandler('record-phase', { ...keyOf(plan), phase: 'TEARING_DOWN', now: LATER });
    // Assess
    expect(result).toMatchObject({ phase: 'DELETED' });
    expect((await world.registry().require(keyOf(plan))).phase).toBe('DELETED');
    expect(published()).toEqual([]);
  });

  it('refuses a transition that is not a legal move, and publishes nothing', async () => {
    // Prepare
    const plan = planFor('record-6');
    await world.seed(plan, 'PROVISIONING');
    // Act
    const attempt = invokeHandler('record-phase', { ...keyOf(plan), phase: 'CDC', now: LATER });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.illegalPhaseTransition });
    expect(published()).toEqual([]);
  });

  it('keeps a database that is being torn down out of the migration: its next phase is refused', async () => {
    // Prepare
    const plan = planFor('record-teardown-1');
    await world.seed(plan, 'TEARING_DOWN');
    // Act
    const attempt = invokeHandler('record-phase', { ...keyOf(plan), phase: 'FULL_LOAD', now: LATER });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
    expect((await world.registry().require(plan)).phase).toBe('TEARING_DOWN');
  });

  it('leaves a database to its teardown when the failure to record is a refusal by teardown', async () => {
    // Prepare
    const plan = planFor('record-teardown-2');
    await world.seed(plan, 'TEARING_DOWN');
    // Act
    const result = await invokeHandler('record-phase', {
      ...keyOf(plan),
      phase: 'FAILED',
      error: { Error: ERROR_NAMES.teardownInProgress, Cause: 'refused' },
      now: LATER,
    });
    // Assess
    expect(result).toMatchObject({ phase: 'TEARING_DOWN' });
    expect((await world.registry().require(plan)).failure).toBeUndefined();
    expect(published()).toEqual([]);
  });

  it('requires the caught error for FAILED', async () => {
    // Act
    const attempt = invokeHandler('record-phase', {
      migrationId: 'm',
      databaseId: 'd',
      phase: 'FAILED',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.invalidInput,
      message: 'Invalid handler input: error: must carry the caught error when the phase is FAILED',
    });
  });

  it('names an unknown phase', async () => {
    // Act
    const attempt = invokeHandler('record-phase', {
      migrationId: 'm',
      databaseId: 'd',
      phase: 'DONE',
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toThrow(
      /^Invalid handler input: phase: must be one of REQUESTED, PROVISIONING/,
    );
  });
});
