import { describe, expect, it } from 'vitest';
import { createRegistry, MAX_HISTORY_ENTRIES, type Registry } from '#adapters/registry';
import type { DatabasePlan } from '#domain/planner/plan';
import { planDatabase } from '#domain/planner/plan-database';
import { parseMigrationRequest } from '#domain/request/parse';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { useDynalite } from '#test/dynalite';

const dynamo = useDynalite();

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:05:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';

const ENVIRONMENT = {
  dmsS3AccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-s3',
  dmsSecretsAccessRoleArn: 'arn:aws:iam::123456789012:role/lakeshift-dms-secrets',
  networks: {},
};

/** A real plan, from a minimal request through the planner. */
const planFor = (databaseId: string, migrationId = 'mig-1'): DatabasePlan =>
  planDatabase(
    parseMigrationRequest({
      migrationId,
      target: {
        bucket: 'acme-data-lake-us-east-1',
        kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/6f1c2a8e-4b7d-4c1e-9a3f-2d5e8b9c0a17',
      },
      databases: [
        {
          id: databaseId,
          secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lakeshift/app-db-Mn78Op',
          databaseName: 'app',
        },
      ],
    }),
    databaseId,
    ENVIRONMENT,
  );

const keyOf = (databaseId: string, migrationId = 'mig-1') => ({ migrationId, databaseId });

const freshRegistry = async (): Promise<Registry> =>
  createRegistry({ tableName: await dynamo.createRegistryTable(), client: dynamo.documentClient() });

const historyEntry = (at: string, action: ResizeHistoryEntry['action'] = 'stay'): ResizeHistoryEntry => ({
  at,
  fromClass: 'dms.r5.large',
  trigger: { kind: 'alarm', alarmName: 'lakeshift-mig-1-db-1-cpu-high', signal: 'cpu-high' },
  action,
  ...(action === 'stay' ? {} : { targetClass: 'dms.r5.xlarge' as const }),
  rule: action === 'stay' ? 'within-thresholds' : 'step-up',
  reason: 'test',
  metrics: {},
});

describe('registry', () => {
  describe('beginAttempt', () => {
    const ORIGIN = { attempt: 2, request: { migrationId: 'mig-1', databases: [{ id: 'db-1' }] } };

    /** An item of attempt 1 that ran (resources, slot, a failure), ended in `phase`. */
    const endedIn = async (registry: Registry, phase: 'FAILED' | 'DELETED' | 'FULL_LOAD') => {
      const key = keyOf('db-1');
      await registry.register(planFor('db-1'), T0);
      await registry.transition(key, 'PROVISIONING', {
        now: T0,
        patch: {
          instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE1',
          taskArn: 'arn:aws:dms:us-east-1:123456789012:task:TASK1',
          replicationSlot: { name: 'dms_slot', recordedAt: T0 },
          slotsBeforeStart: [],
          currentClass: 'dms.t3.medium',
        },
      });
      await registry.storeTaskToken(key, { token: 'dead-token', waitingFor: 'full-load', now: T0 });
      if (phase === 'FULL_LOAD') return registry.transition(key, 'FULL_LOAD', { now: T1 });
      await registry.recordFailure(key, { error: 'ConnectionTestFailed', cause: 'no route', now: T1 });
      if (phase === 'DELETED') {
        await registry.transition(key, 'TEARING_DOWN', { now: T1 });
        return registry.transition(key, 'DELETED', { now: T1 });
      }
      return registry.require(key);
    };

    it('begins the next attempt of a FAILED database in REQUESTED, keeping the resources it adopts', async () => {
      // Prepare
      const registry = await freshRegistry();
      await endedIn(registry, 'FAILED');
      // Act
      const item = await registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Assess
      expect(item).toMatchObject({
        phase: 'REQUESTED',
        attempt: 2,
        request: ORIGIN.request,
        instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE1',
        replicationSlot: { name: 'dms_slot' },
        currentClass: 'dms.t3.medium',
        phaseChangedAt: T2,
      });
      expect(item.taskToken).toBeUndefined();
      expect(item.failure).toBeUndefined();
    });

    it('begins the next attempt of a DELETED database without the deleted resources and their slot', async () => {
      // Prepare
      const registry = await freshRegistry();
      await endedIn(registry, 'DELETED');
      // Act
      const item = await registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Assess
      expect(item).toMatchObject({ phase: 'REQUESTED', attempt: 2, currentClass: 'dms.r5.xlarge' });
      expect([item.instanceArn, item.taskArn, item.replicationSlot, item.slotsBeforeStart]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('returns the item unchanged when the attempt has begun already (a retried state)', async () => {
      // Prepare
      const registry = await freshRegistry();
      await endedIn(registry, 'FAILED');
      const begun = await registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Act
      const again = await registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Assess
      expect(again).toEqual(begun);
    });

    it('refuses an attempt older than the one the database is on with AttemptSuperseded', async () => {
      // Prepare
      const registry = await freshRegistry();
      await endedIn(registry, 'FAILED');
      await registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Act
      const stale = registry.beginAttempt(planFor('db-1'), T2, { attempt: 1 });
      // Assess
      await expect(stale).rejects.toMatchObject({ name: 'AttemptSuperseded' });
    });

    it('refuses a new attempt while the current one still runs, changing nothing', async () => {
      // Prepare
      const registry = await freshRegistry();
      const running = await endedIn(registry, 'FULL_LOAD');
      // Act
      const early = registry.beginAttempt(planFor('db-1'), T2, ORIGIN);
      // Assess
      await expect(early).rejects.toMatchObject({ name: 'IllegalPhaseTransition' });
      await expect(early).rejects.toThrow(/attempt 2 may begin only after attempt 1 FAILED or was DELETED/);
      expect(await registry.require(keyOf('db-1'))).toEqual(running);
    });
  });

  describe('register', () => {
    it('creates the item in REQUESTED at version 1 with the plan and the full-load class', async () => {
      // Prepare
      const registry = await freshRegistry();

      // Act
      const item = await registry.register(planFor('db-1'), T0);

      // Assess
      expect(item).toMatchObject({
        migrationId: 'mig-1',
        databaseId: 'db-1',
        phase: 'REQUESTED',
        version: 1,
        instanceIdentifier: planFor('db-1').identifiers.instance,
        currentClass: 'dms.r5.xlarge',
        history: [],
        createdAt: T0,
        updatedAt: T0,
        phaseChangedAt: T0,
      });
      expect(await registry.get(keyOf('db-1'))).toEqual(item);
      expect((await registry.get(keyOf('db-1')))?.plan).toEqual(planFor('db-1'));
    });

    it('returns the existing item unchanged when the database is registered again', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T1 });

      // Act
      const again = await registry.register(planFor('db-1'), T2);

      // Assess
      expect(again.phase).toBe('PROVISIONING');
      expect(again.version).toBe(2);
      expect(again.createdAt).toBe(T0);
    });

    it('stores times in one canonical ISO form whatever form the caller used', async () => {
      // Prepare
      const registry = await freshRegistry();

      // Act
      const item = await registry.register(planFor('db-1'), '2026-01-01T00:00:00Z');

      // Assess
      expect(item.createdAt).toBe('2026-01-01T00:00:00.000Z');
    });

    it('rejects a time that is not an ISO date-time, naming the field', async () => {
      // Prepare
      const registry = await freshRegistry();

      // Act
      const attempt = registry.register(planFor('db-1'), 'yesterday');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: 'InvalidHandlerInput',
        message: expect.stringContaining('now'),
      });
      expect(await registry.get(keyOf('db-1'))).toBeUndefined();
    });
  });

  describe('transition', () => {
    it('moves along a legal transition, bumping the version and recording when', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      const item = await registry.transition(keyOf('db-1'), 'PROVISIONING', {
        now: T1,
        patch: { instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:ABC' },
      });

      // Assess
      expect(item).toMatchObject({
        phase: 'PROVISIONING',
        version: 2,
        phaseChangedAt: T1,
        updatedAt: T1,
        instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:ABC',
      });
    });

    it('refuses an illegal transition with IllegalPhaseTransition naming both phases', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      const attempt = registry.transition(keyOf('db-1'), 'CDC', { now: T1 });

      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: 'IllegalPhaseTransition',
        message: expect.stringContaining('from REQUESTED to CDC'),
      });
      expect((await registry.require(keyOf('db-1'))).phase).toBe('REQUESTED');
    });

    it('treats a transition to the current phase as a no-op that writes nothing', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T1 });

      // Act
      const again = await registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T2 });

      // Assess
      expect(again.version).toBe(2);
      expect(again.phaseChangedAt).toBe(T1);
    });

    it('fails with RegistryConflict when the expected version is not the stored one', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.update(keyOf('db-1'), { currentClass: 'dms.r5.2xlarge' }, { now: T1 });

      // Act
      const attempt = registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T2, expectedVersion: 1 });

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'RegistryConflict' });
      expect((await registry.require(keyOf('db-1'))).phase).toBe('REQUESTED');
    });

    it('lets exactly one of two concurrent transitions from the same version win', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      const outcomes = await Promise.allSettled([
        registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T1, expectedVersion: 1 }),
        registry.transition(keyOf('db-1'), 'FAILED', { now: T1, expectedVersion: 1 }),
      ]);

      // Assess
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.status === 'rejected' && lost[0].reason).toMatchObject({ name: 'RegistryConflict' });
      expect((await registry.require(keyOf('db-1'))).version).toBe(2);
    });

    it('fails with ResourceNotFound for a database that was never registered', async () => {
      // Prepare
      const registry = await freshRegistry();

      // Act
      const attempt = registry.transition(keyOf('nope'), 'PROVISIONING', { now: T1 });

      // Assess
      await expect(attempt).rejects.toMatchObject({
        name: 'ResourceNotFound',
        message: expect.stringContaining('mig-1/nope'),
      });
    });
  });

  describe('update', () => {
    it('sets the given fields and derives the task resource id from the task ARN', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      const item = await registry.update(
        keyOf('db-1'),
        { taskArn: 'arn:aws:dms:us-east-1:123456789012:task:UPIIRRYFTHAI7AAEHCM6X5CAFXH2ODSHQ7M3WUA' },
        { now: T1 },
      );

      // Assess
      expect(item.taskResourceId).toBe('UPIIRRYFTHAI7AAEHCM6X5CAFXH2ODSHQ7M3WUA');
      expect(item.version).toBe(2);
      expect(item.phase).toBe('REQUESTED');
    });
  });

  describe('lookups', () => {
    it('finds a database by its task ARN and by its instance identifier in any case', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.register(planFor('db-2'), T0);
      const taskArn = 'arn:aws:dms:us-east-1:123456789012:task:TASKTWO';
      await registry.update(keyOf('db-2'), { taskArn }, { now: T1 });

      // Act
      const byTask = await registry.findByTaskArn(taskArn);
      const byInstance = await registry.findByInstanceIdentifier(
        planFor('db-1').identifiers.instance.toUpperCase(),
      );
      const missing = await registry.findByTaskArn('arn:aws:dms:us-east-1:123456789012:task:OTHER');

      // Assess
      expect(byTask?.databaseId).toBe('db-2');
      expect(byInstance?.databaseId).toBe('db-1');
      expect(missing).toBeUndefined();
    });

    it('lists the databases of one migration, and every database not yet deleted', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.register(planFor('db-2'), T0);
      await registry.register(planFor('db-9', 'mig-2'), T0);
      await registry.transition(keyOf('db-2'), 'TEARING_DOWN', { now: T1 });
      await registry.transition(keyOf('db-2'), 'DELETED', { now: T2 });

      // Act
      const ofMigration = await registry.listByMigration('mig-1');
      const active = await registry.listActive();

      // Assess
      expect(ofMigration.map((item) => item.databaseId).sort()).toEqual(['db-1', 'db-2']);
      expect(active.map((item) => `${item.migrationId}/${item.databaseId}`).sort()).toEqual([
        'mig-1/db-1',
        'mig-2/db-9',
      ]);
    });
  });

  describe('task tokens', () => {
    it('removes a stored token only while it is still the one the caller delivered', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.storeTaskToken(keyOf('db-1'), { token: 'token-1', waitingFor: 'full-load', now: T1 });

      // Act
      const cleared = await Promise.all(
        [1, 2, 3].map(() => registry.clearTaskToken(keyOf('db-1'), { token: 'token-1', now: T2 })),
      );

      // Assess
      expect(cleared.filter(Boolean)).toHaveLength(1);
      expect((await registry.require(keyOf('db-1'))).taskToken).toBeUndefined();
    });

    it("leaves a newer wait's token in place when an older one is cleared", async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.storeTaskToken(keyOf('db-1'), { token: 'token-2', waitingFor: 'full-load', now: T1 });

      // Act
      const cleared = await registry.clearTaskToken(keyOf('db-1'), { token: 'token-1', now: T2 });

      // Assess
      expect(cleared).toBe(false);
      expect((await registry.require(keyOf('db-1'))).taskToken?.token).toBe('token-2');
    });

    it('fails with ResourceNotFound when storing a token for an unknown database', async () => {
      // Prepare
      const registry = await freshRegistry();

      // Act
      const attempt = registry.storeTaskToken(keyOf('ghost'), {
        token: 't',
        waitingFor: 'full-load',
        now: T1,
      });

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFound' });
    });
  });

  describe('resize lock', () => {
    it('lets exactly one of two concurrent holders take the lock', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      const outcomes = await Promise.allSettled([
        registry.acquireResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T1, ttlSeconds: 3600 }),
        registry.acquireResizeLock(keyOf('db-1'), { holder: 'exec-b', now: T1, ttlSeconds: 3600 }),
      ]);

      // Assess
      const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({
        name: 'ResizeInProgress',
        message: expect.stringContaining(won[0]?.lock?.holder ?? '?'),
      });
      expect((await registry.require(keyOf('db-1'))).lock).toEqual({
        holder: won[0]?.lock?.holder,
        acquiredAt: T1,
        expiresAt: '2026-01-01T01:05:00.000Z',
      });
    });

    it('renews the lock for the holder that already has it', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.acquireResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T0, ttlSeconds: 600 });

      // Act
      const item = await registry.acquireResizeLock(keyOf('db-1'), {
        holder: 'exec-a',
        now: T1,
        ttlSeconds: 600,
      });

      // Assess
      expect(item.lock).toEqual({ holder: 'exec-a', acquiredAt: T1, expiresAt: '2026-01-01T00:15:00.000Z' });
    });

    it('lets another holder take a lock that has expired', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.acquireResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T0, ttlSeconds: 60 });

      // Act
      const item = await registry.acquireResizeLock(keyOf('db-1'), {
        holder: 'exec-b',
        now: T1,
        ttlSeconds: 60,
      });

      // Assess
      expect(item.lock?.holder).toBe('exec-b');
    });

    it('releases only the holder’s own lock', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.acquireResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T0, ttlSeconds: 600 });

      // Act
      const byOther = await registry.releaseResizeLock(keyOf('db-1'), { holder: 'exec-b', now: T1 });
      const byHolder = await registry.releaseResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T1 });
      const again = await registry.releaseResizeLock(keyOf('db-1'), { holder: 'exec-a', now: T2 });

      // Assess
      expect([byOther, byHolder, again]).toEqual([false, true, false]);
      expect((await registry.require(keyOf('db-1'))).lock).toBeUndefined();
    });
  });

  describe('history', () => {
    it('appends decisions in order and keeps only the latest ones', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      const times = Array.from({ length: MAX_HISTORY_ENTRIES + 2 }, (_, index) =>
        new Date(Date.parse(T0) + index * 60_000).toISOString(),
      );

      // Act
      for (const at of times) await registry.appendHistory(keyOf('db-1'), historyEntry(at));

      // Assess
      const { history } = await registry.require(keyOf('db-1'));
      expect(history).toHaveLength(MAX_HISTORY_ENTRIES);
      expect(history[0]?.at).toBe(times[2]);
      expect(history.at(-1)?.at).toBe(times.at(-1));
    });

    it('keeps both of two concurrent appends', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);

      // Act
      await Promise.all([
        registry.appendHistory(keyOf('db-1'), historyEntry(T1, 'step-up')),
        registry.appendHistory(keyOf('db-1'), historyEntry(T2)),
      ]);

      // Assess
      const { history } = await registry.require(keyOf('db-1'));
      expect(history.map((entry) => entry.at).sort()).toEqual([T1, T2]);
    });
  });

  describe('recordFailure', () => {
    it('moves the database to FAILED with the error, the cause and the phase it failed in', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.transition(keyOf('db-1'), 'PROVISIONING', { now: T1 });

      // Act
      const item = await registry.recordFailure(keyOf('db-1'), {
        error: 'QuotaExceeded',
        cause: 'CreateReplicationInstance failed: ResourceQuotaExceededFault: too many instances',
        now: T2,
      });

      // Assess
      expect(item.phase).toBe('FAILED');
      expect(item.failure).toEqual({
        error: 'QuotaExceeded',
        cause: 'CreateReplicationInstance failed: ResourceQuotaExceededFault: too many instances',
        at: T2,
        phase: 'PROVISIONING',
      });
    });

    it('refreshes the failure of a database already FAILED, keeping the phase it failed in', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.recordFailure(keyOf('db-1'), { error: 'AccessDenied', cause: 'first', now: T1 });

      // Act
      const item = await registry.recordFailure(keyOf('db-1'), {
        error: 'Throttled',
        cause: 'second',
        now: T2,
      });

      // Assess
      expect(item.failure).toEqual({ error: 'Throttled', cause: 'second', at: T2, phase: 'REQUESTED' });
    });

    it('refuses to record a failure on a deleted database', async () => {
      // Prepare
      const registry = await freshRegistry();
      await registry.register(planFor('db-1'), T0);
      await registry.transition(keyOf('db-1'), 'TEARING_DOWN', { now: T1 });
      await registry.transition(keyOf('db-1'), 'DELETED', { now: T1 });

      // Act
      const attempt = registry.recordFailure(keyOf('db-1'), { error: 'X', cause: 'y', now: T2 });

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'IllegalPhaseTransition' });
    });
  });
});
