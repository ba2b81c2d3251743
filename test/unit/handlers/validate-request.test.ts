import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { attemptExecutionName, deriveIdentifiers } from '#domain/naming';
import { requestForDatabase } from '#domain/request/database-request';
import { STATE_PAYLOAD_LIMIT_BYTES } from '#domain/request/state-payload';
import { invokeHandler } from '#test/lambda-context';
import { withValue } from '../domain/request/fixtures.ts';
import { NOW, planFor, requestFor, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();

describe('Handler: validate-request', () => {
  it('starts the first attempt of every new database under its deterministic name, with the default concurrency, leaving the request in the execution input', async () => {
    // Prepare
    const request = requestFor('fleet-1', ['orders', 'billing', 'inventory']);
    // Act
    const result = await invokeHandler('validate-request', { request, now: NOW });
    // Assess
    expect(result).toEqual({
      migrationId: 'fleet-1',
      maxConcurrency: 10,
      databases: ['orders', 'billing', 'inventory'].map((databaseId) => ({
        databaseId,
        network: 'default',
        action: 'start',
        attempt: 1,
        executionName: deriveIdentifiers('fleet-1', databaseId).executionName,
        reason: 'first',
      })),
    });
  });

  it('decides from the registry: the next attempt of a FAILED database, a report of a running one', async () => {
    // Prepare
    const request = requestFor('fleet-2', ['orders', 'billing']);
    await world.seed(planFor('fleet-2', 'orders'), 'FAILED');
    await world.seed(planFor('fleet-2', 'billing'), 'FULL_LOAD');
    // Act
    const result = (await invokeHandler('validate-request', { request, now: NOW })) as {
      databases: unknown[];
    };
    // Assess
    expect(result.databases).toEqual([
      {
        databaseId: 'orders',
        network: 'default',
        action: 'start',
        attempt: 2,
        executionName: attemptExecutionName('fleet-2', 'orders', 2),
        reason: 'retry',
      },
      { databaseId: 'billing', network: 'default', action: 'report', attempt: 1, status: 'ALREADY_RUNNING' },
    ]);
  });

  it("names each database's network, for the copies of the source handlers, and warns about none of the deployment's networks", async () => {
    // Prepare
    const request = requestFor('fleet-net', ['orders', 'billing']);
    const databases = request.databases as Record<string, unknown>[];
    databases[1] = { ...databases[1], network: { name: 'partner' } };
    // Act
    const result = (await invokeHandler('validate-request', { request, now: NOW })) as {
      warnings?: string[];
      databases: { databaseId: string; network: string }[];
    };
    // Assess
    expect(result.databases.map(({ databaseId, network }) => [databaseId, network])).toEqual([
      ['orders', 'default'],
      ['billing', 'partner'],
    ]);
    expect(result.warnings ?? []).toEqual([]);
  });

  it('runs a retry request from the request the registry keeps for the named database', async () => {
    // Prepare
    const request = requestFor('fleet-5', ['orders', 'billing']);
    const key = { migrationId: 'fleet-5', databaseId: 'billing' };
    await world.registry().register(planFor('fleet-5', 'billing', request), NOW, {
      attempt: 1,
      request: requestForDatabase(request, 'billing'),
    });
    await world.registry().recordFailure(key, { error: 'E', cause: 'c', now: NOW });
    // Act
    const result = await invokeHandler('validate-request', {
      request: { migrationId: 'fleet-5', databaseIds: ['billing'], attempts: { billing: 1 } },
      now: NOW,
    });
    // Assess
    expect(result).toMatchObject({
      migrationId: 'fleet-5',
      request: requestForDatabase(request, 'billing'),
      databases: [{ databaseId: 'billing', action: 'start', attempt: 2, reason: 'retry' }],
    });
  });

  it('refuses a retry of a database that keeps no request, naming it', async () => {
    // Prepare
    await world.seed(planFor('fleet-6', 'orders'), 'FAILED');
    // Act
    const attempt = invokeHandler('validate-request', {
      request: { migrationId: 'fleet-6', databaseIds: ['orders'] },
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(
      'databaseIds: orders keeps no request to retry from; send its migration request again',
    );
  });

  it('refuses a retry request that names no database, naming the field', async () => {
    // Act
    const attempt = invokeHandler('validate-request', {
      request: { migrationId: 'fleet-7', databaseIds: [] },
      now: NOW,
    });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(/databaseIds: must name at least one database/);
  });

  it('fails with one error naming every invalid field of every database', async () => {
    // Prepare
    const request = withValue(
      withValue(requestFor('fleet-3', ['orders', 'billing']), 'databases.0.secretArn', 'not-an-arn'),
      'databases.1.sslMode',
      'none',
    );
    // Act
    const attempt = invokeHandler('validate-request', { request, now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidRequest });
    await expect(attempt).rejects.toThrow(
      /\(2 problems\): databases\[0\]\.secretArn: .*; databases\[1\]\.acknowledgePlainText: /,
    );
  });

  it('keeps a fleet of 1,000 databases within the Step Functions state payload limit', async () => {
    // Prepare
    const databaseIds = Array.from({ length: 1000 }, (_, index) => `db${String(index + 1).padStart(4, '0')}`);
    const request = requestFor('fleet-8', databaseIds);
    // Act
    const result = await invokeHandler('validate-request', { request, now: NOW });
    // Assess
    expect(new TextEncoder().encode(JSON.stringify(result)).length).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES);
    expect((result as { databases: unknown[] }).databases).toHaveLength(1000);
  });

  it('refuses a fleet whose runs would not fit in one Step Functions state, naming the remedy', async () => {
    // Prepare
    const databaseIds = Array.from({ length: 2500 }, (_, index) => `db${String(index + 1).padStart(4, '0')}`);
    const request = requestFor('fleet-9', databaseIds);
    // Act
    const attempt = invokeHandler('validate-request', { request, now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidInput });
    await expect(attempt).rejects.toThrow(
      /^databases: 2500 databases make migrate-fleet's state \d+ bytes, over Step Functions' 262144-byte limit; split them into several migrations/,
    );
  });

  it('names a missing time', async () => {
    // Act
    const attempt = invokeHandler('validate-request', { request: requestFor('fleet-4') });
    // Assess
    await expect(attempt).rejects.toThrow(/^Invalid handler input: now: /);
  });
});
