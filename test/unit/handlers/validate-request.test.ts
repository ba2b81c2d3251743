import {
  DatabaseMigrationServiceClient,
  DescribeAccountAttributesCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { attemptExecutionName, deriveIdentifiers } from '#domain/naming';
import { requestForDatabase } from '#domain/request/database-request';
import { STATE_PAYLOAD_LIMIT_BYTES } from '#domain/request/state-payload';
import { invokeHandler } from '#test/lambda-context';
import { withValue } from '../domain/request/fixtures.ts';
import { NOW, planFor, requestFor, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);

/** The account's quotas as DescribeAccountAttributes answers them: `used` of each default maximum. */
const accountQuotas = (used: { instances?: number; storageGb?: number } = {}) => ({
  AccountQuotas: [
    { AccountQuotaName: 'ReplicationInstances', Used: used.instances ?? 0, Max: 60 },
    { AccountQuotaName: 'AllocatedStorage', Used: used.storageGb ?? 0, Max: 30_000 },
    { AccountQuotaName: 'Endpoints', Used: 0, Max: 1000 },
  ],
});

beforeEach(() => {
  dms.reset();
  dms.on(DescribeAccountAttributesCommand).resolves(accountQuotas());
});

describe('Handler: validate-request', () => {
  it('starts the first attempt of every new database under its deterministic name, with the default concurrency, leaving the request in the execution input', async () => {
    // Prepare
    const request = requestFor('fleet-1', ['orders', 'billing', 'inventory']);
    // Act
    const result = await invokeHandler('validate-request', { request, now: NOW });
    // Assess
    expect(result).toEqual({
      warnings: [],
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
    expect(result.warnings).toEqual([]);
  });

  it('warns, naming each DMS quota and its figures, when the databases it starts would pass it', async () => {
    // Prepare: 58 of 60 instances used; one FAILED database keeps its instance, three are new.
    dms.on(DescribeAccountAttributesCommand).resolves(accountQuotas({ instances: 58, storageGb: 29_800 }));
    const request = requestFor('fleet-quota', ['orders', 'billing', 'inventory', 'payments']);
    await world.seed(planFor('fleet-quota', 'orders'), 'FAILED');
    await world
      .registry()
      .update(
        { migrationId: 'fleet-quota', databaseId: 'orders' },
        { instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:KEPT' },
        { now: NOW },
      );
    const storageGb = planFor('fleet-quota', 'billing').instance.AllocatedStorage;

    // Act
    const result = (await invokeHandler('validate-request', { request, now: NOW })) as {
      warnings?: string[];
      databases: { action: string }[];
    };

    // Assess: still decided, nothing refused; the warnings say what DMS will refuse.
    expect(result.databases.map((database) => database.action)).toEqual(['start', 'start', 'start', 'start']);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^DMS quota ReplicationInstances: the databases this request starts need 3, and the account uses 58 of 60;/,
      ),
      expect.stringMatching(
        new RegExp(
          `^DMS quota AllocatedStorage: .* need ${3 * storageGb}, and the account uses 29800 of 30000;`,
        ),
      ),
    ]);
  });

  it('asks DMS nothing when it starts no database, and says so when the quotas cannot be read', async () => {
    // Prepare
    const request = requestFor('fleet-quota-2', ['orders']);
    await world.seed(planFor('fleet-quota-2', 'orders'), 'FULL_LOAD');
    const fresh = requestFor('fleet-quota-3', ['orders']);

    // Act
    const reported = (await invokeHandler('validate-request', { request, now: NOW })) as {
      warnings?: string[];
    };
    const callsWhenReporting = dms.commandCalls(DescribeAccountAttributesCommand).length;
    dms
      .on(DescribeAccountAttributesCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedFault' }));
    const unread = (await invokeHandler('validate-request', { request: fresh, now: NOW })) as {
      warnings?: string[];
      databases: unknown[];
    };

    // Assess
    expect(callsWhenReporting).toBe(0);
    expect(reported.warnings).toEqual([]);
    expect(unread.databases).toHaveLength(1);
    expect(unread.warnings).toEqual([
      'DMS quotas were not checked: AccessDenied: DescribeAccountAttributes failed: AccessDeniedFault: User is not authorized',
    ]);
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

  it('keeps a fleet of 1,000 databases read in plain text within the limit, with one warning for them all', async () => {
    // Prepare
    const databaseIds = Array.from({ length: 1000 }, (_, index) => `db${String(index + 1).padStart(4, '0')}`);
    const request = requestFor('fleet-10', databaseIds);
    const databases = request['databases'] as Record<string, unknown>[];
    const plainText = databases.map((database) => ({
      ...database,
      sslMode: 'none',
      acknowledgePlainText: true,
    }));
    // Act
    const result = await invokeHandler('validate-request', {
      request: { ...request, databases: plainText },
      now: NOW,
    });
    // Assess
    const warnings = (result as { warnings: string[] }).warnings;
    // Beside it, the DMS quotas such a fleet passes: instances, storage and endpoints.
    expect(warnings).toHaveLength(4);
    expect(warnings.filter((warning) => warning.includes('plain text'))).toEqual([
      expect.stringMatching(
        /^databases db0001, .*, db0010 and 990 more \(1000\): sslMode 'none' \(acknowledged\)/,
      ),
    ]);
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
