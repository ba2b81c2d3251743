import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { invokeHandler } from '#test/lambda-context';
import { NOW, requestFor, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const events = mockClient(EventBridgeClient);

beforeEach(() => {
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

const publishedPhases = () =>
  events.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

describe('Handler: plan-database', () => {
  it('plans the database, registers it and moves it to PROVISIONING', async () => {
    // Prepare
    const request = requestFor('plan-1', ['orders', 'billing']);
    // Act
    const result = (await invokeHandler('plan-database', {
      request,
      databaseId: 'billing',
      attempt: 1,
      now: NOW,
    })) as {
      migrationId: string;
      databaseId: string;
      plan: { identifiers: { instance: string }; instance: { ReplicationInstanceClass: string } };
    };
    // Assess
    expect(result.migrationId).toBe('plan-1');
    expect(result.databaseId).toBe('billing');
    expect(result.plan.instance.ReplicationInstanceClass).toBe('dms.r5.xlarge');
    const item = await world.registry().require({ migrationId: 'plan-1', databaseId: 'billing' });
    expect(item.phase).toBe('PROVISIONING');
    expect(item.instanceIdentifier).toBe(result.plan.identifiers.instance);
    expect(item.currentClass).toBe('dms.r5.xlarge');
    expect(publishedPhases()).toEqual([
      {
        detailType: LAKESHIFT_DETAIL_TYPES.phaseChanged,
        detail: {
          migrationId: 'plan-1',
          databaseId: 'billing',
          phase: 'PROVISIONING',
          previousPhase: 'REQUESTED',
        },
      },
    ]);
  });

  it('keeps the registered database when run again', async () => {
    // Prepare
    const request = requestFor('plan-2');
    const first = await invokeHandler('plan-database', {
      request,
      databaseId: 'orders',
      attempt: 1,
      now: NOW,
    });
    // Act
    const second = await invokeHandler('plan-database', {
      request,
      databaseId: 'orders',
      attempt: 1,
      now: '2026-03-01T13:00:00Z',
    });
    // Assess
    expect(second).toEqual(first);
    const item = await world.registry().require({ migrationId: 'plan-2', databaseId: 'orders' });
    expect(item.phase).toBe('PROVISIONING');
    expect(item.createdAt).toBe(NOW);
    // Only the first run moved the phase, so only it announced a change.
    expect(publishedPhases()).toHaveLength(1);
  });

  it('begins the next attempt of a FAILED database, keeping the request it was planned from', async () => {
    // Prepare
    const request = requestFor('plan-next', ['orders', 'billing']);
    await invokeHandler('plan-database', { request, databaseId: 'orders', attempt: 1, now: NOW });
    const key = { migrationId: 'plan-next', databaseId: 'orders' };
    await world.registry().recordFailure(key, { error: 'ConnectionTestFailed', cause: 'x', now: NOW });
    // Act
    await invokeHandler('plan-database', { request, databaseId: 'orders', attempt: 2, now: NOW });
    const stale = invokeHandler('plan-database', { request, databaseId: 'orders', attempt: 1, now: NOW });
    // Assess
    const item = await world.registry().require(key);
    expect([item.phase, item.attempt]).toEqual(['PROVISIONING', 2]);
    expect(item.request).toEqual({ ...request, databases: [(request['databases'] as unknown[])[0]] });
    await expect(stale).rejects.toMatchObject({ name: ERROR_NAMES.attemptSuperseded });
    expect((await world.registry().require(key)).attempt).toBe(2);
  });

  it('names the request field that is invalid and registers nothing', async () => {
    // Prepare
    const request = { ...requestFor('plan-3'), target: { bucket: 'Not_A_Bucket', kmsKeyArn: 'nope' } };
    // Act
    const attempt = invokeHandler('plan-database', { request, databaseId: 'orders', attempt: 1, now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidRequest });
    await expect(attempt).rejects.toThrow(/target\.bucket: .*target\.kmsKeyArn: /);
    expect(await world.registry().listByMigration('plan-3')).toEqual([]);
  });

  it('rejects a database the request does not list', async () => {
    // Act
    const attempt = invokeHandler('plan-database', {
      request: requestFor('plan-4'),
      databaseId: 'ghost',
      attempt: 1,
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.invalidInput,
      message: 'Migration "plan-4" has no database "ghost"',
    });
  });

  it('names the missing field of its input', async () => {
    // Act
    const attempt = invokeHandler('plan-database', { request: requestFor('plan-5'), now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/^Invalid handler input: databaseId: /);
  });
});

describe('Handler: plan-database with a source inspection', () => {
  it('keeps the plan warnings in the registry and publishes one Plan Warning per column, once', async () => {
    // Prepare
    const request = requestFor('plan-9');
    const inspection = {
      columnsInspected: 4,
      columns: [
        {
          schema: 'public',
          table: 'files',
          column: 'blob_ref',
          typeName: 'oid',
          typeType: 'b',
          typeCategory: 'N',
          declaredLength: null,
          maxBytes: null,
        },
      ],
    };
    const input = { request, databaseId: 'orders', attempt: 1, now: NOW, inspection };
    // Act
    await invokeHandler('plan-database', input);
    await invokeHandler('plan-database', { ...input, now: '2026-03-01T13:00:00Z' });
    // Assess
    const item = await world.registry().require({ migrationId: 'plan-9', databaseId: 'orders' });
    expect((item.plan as { fidelity: { warnings: unknown[] } }).fidelity.warnings).toEqual([
      expect.objectContaining({ column: 'public.files.blob_ref', kind: 'not-migrated' }),
    ]);
    expect(
      publishedPhases().filter((event) => event.detailType === LAKESHIFT_DETAIL_TYPES.planWarning),
    ).toEqual([
      {
        detailType: 'Plan Warning',
        detail: expect.objectContaining({
          migrationId: 'plan-9',
          databaseId: 'orders',
          column: 'public.files.blob_ref',
          kind: 'not-migrated',
        }),
      },
    ]);
  });
});
