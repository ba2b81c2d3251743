import {
  CreateReplicationInstanceCommand,
  ResourceQuotaExceededFault,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { attemptExecutionName, deriveIdentifiers } from '#domain/naming';
import { statesEntered } from '#test/local-state-machines';
import { withValue } from '../unit/domain/request/fixtures.ts';
import { requestFor } from '../unit/handlers/fixtures.ts';
import { useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();

const DATABASES = ['orders', 'billing', 'inventory'];

describe('State machine: migrate-fleet', () => {
  it("carries validate-request's warnings into its result, where the console shows them", async () => {
    // Prepare: a database reached in plain text, by an explicit choice that validate-request warns about.
    const request = withValue(
      withValue(requestFor('fleet-warn', ['orders']), 'databases.0.sslMode', 'none'),
      'databases.0.acknowledgePlainText',
      true,
    );
    // Act
    const outcome = await world.run('migrate-fleet', request);
    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { warnings: [expect.stringMatching(/^database orders: sslMode 'none' \(acknowledged\)/)] },
    });
  });

  it('migrates every database through its own migrate-database execution, at most N at a time', async () => {
    // Prepare
    const request = { ...requestFor('fleet-sm', DATABASES), maxConcurrency: 2 };
    // Act
    const outcome = await world.run('migrate-fleet', request);
    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: {
        migrationId: 'fleet-sm',
        warnings: [],
        statuses: ['STARTED', 'STARTED', 'STARTED'],
        anyFailed: false,
      },
    });
    expect(world.runtime().maxConcurrentNested()).toBe(2);
    expect(world.runtime().nestedExecutions()).toEqual(
      DATABASES.map((databaseId) => ({
        stateMachine: 'migrate-database',
        name: deriveIdentifiers('fleet-sm', databaseId).executionName,
        input: {
          request,
          databaseId,
          network: 'default',
          attempt: 1,
          trigger: expect.stringContaining(':migrate-fleet'),
        },
      })),
    );
    const items = await world.registry().listByMigration('fleet-sm');
    expect(items.map((item) => [item.databaseId, item.phase]).sort()).toEqual(
      DATABASES.map((databaseId) => [databaseId, 'CDC']).sort(),
    );
  });

  it('does not migrate a database twice when the same request arrives again', async () => {
    // Prepare
    const request = requestFor('fleet-twice', DATABASES);
    const first = await world.run('migrate-fleet', request);
    // Act
    const again = await world.run('migrate-fleet', request);
    // Assess
    expect(again).toMatchObject({
      status: 'SUCCEEDED',
      output: { statuses: ['ALREADY_DONE', 'ALREADY_DONE', 'ALREADY_DONE'] },
    });
    expect(first.status).toBe('SUCCEEDED');
    // The default limit (10) is above the fleet's size: all three ran at once the first time.
    expect(world.runtime().maxConcurrentNested()).toBe(3);
    expect(world.runtime().nestedExecutions()).toHaveLength(3);
  });

  it("fails as FleetFailed, with every database's outcome, when one database fails", async () => {
    // Prepare
    world.dms.failsConnectionTest = (endpoint) => endpoint.EndpointIdentifier?.includes('billing') === true;
    // Act
    const outcome = await world.run('migrate-fleet', {
      ...requestFor('fleet-bad', DATABASES),
      maxConcurrency: 1,
    });
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.fleetFailed });
    expect(JSON.parse(outcome.status === 'FAILED' ? outcome.cause : '{}')).toEqual({
      migrationId: 'fleet-bad',
      databases: 3,
      failed: 1,
      failedDatabases: ['billing'],
      warnings: [],
      statusCommand: 'lakeshift status fleet-bad',
    });
    expect(world.runtime().maxConcurrentNested()).toBe(1);
  });

  it('names the first 20 failed databases and counts them all when more fail, so the cause stays bounded', async () => {
    // Prepare: more failed databases than the cause names, with long ids (their database names stay within 63), so
    // many that a cause with every database's run would pass 32,768 characters.
    const databaseIds = Array.from({ length: 140 }, (_, index) =>
      `db${String(index).padStart(3, '0')}`.padEnd(60, 'x'),
    );
    // Every database fails at its first DMS step: the account has no room for another instance.
    for (const _ of databaseIds) {
      world.dms.failOnce(
        CreateReplicationInstanceCommand,
        new ResourceQuotaExceededFault({ message: 'Quota exceeded', $metadata: {} }),
      );
    }
    // Act
    const outcome = await world.run('migrate-fleet', {
      ...requestFor('fleet-many-bad', databaseIds),
      maxConcurrency: 40,
    });
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.fleetFailed });
    const cause = outcome.status === 'FAILED' ? outcome.cause : '';
    expect(cause.length).toBeLessThanOrEqual(32_768);
    expect(JSON.parse(cause)).toEqual({
      migrationId: 'fleet-many-bad',
      databases: 140,
      failed: 140,
      failedDatabases: databaseIds.slice(0, 20),
      warnings: [
        expect.stringMatching(/^DMS quota ReplicationInstances: the databases this request starts need 140,/),
      ],
      statusCommand: 'lakeshift status fleet-many-bad',
    });
  });

  it('fails at once, creating nothing, when the request is invalid', async () => {
    // Prepare
    const request = withValue(requestFor('fleet-invalid', ['orders']), 'databases.0.databaseName', '');
    // Act
    const outcome = await world.run('migrate-fleet', request);
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.fleetFailed });
    expect(outcome.status === 'FAILED' && JSON.parse(outcome.cause)).toMatchObject({
      errorType: 'InvalidMigrationRequest',
      errorMessage: expect.stringContaining('databases[0].databaseName: '),
    });
    expect(statesEntered(outcome)).toEqual(['ValidateRequest', 'FleetFailed']);
    expect(world.runtime().nestedExecutions()).toEqual([]);
  });

  describe('retry and re-run', () => {
    /** A fleet whose billing database failed its connection test on the first attempt. */
    const failBillingOnce = async (migrationId: string) => {
      world.dms.failsConnectionTest = (endpoint) => endpoint.EndpointIdentifier?.includes('billing') === true;
      const request = requestFor(migrationId, DATABASES);
      const first = await world.run('migrate-fleet', request);
      world.dms.failsConnectionTest = () => false;
      return { request, first };
    };

    const attemptsOf = async (migrationId: string) =>
      Object.fromEntries(
        (await world.registry().listByMigration(migrationId)).map((item) => [
          item.databaseId,
          [item.phase, item.attempt],
        ]),
      );

    it('runs a failed database again as its next attempt when the same request is sent again', async () => {
      // Prepare
      const { request, first } = await failBillingOnce('fleet-resend');
      // Act
      const again = await world.run('migrate-fleet', request);
      // Assess
      expect(first.status).toBe('FAILED');
      expect(again).toMatchObject({
        status: 'SUCCEEDED',
        output: { statuses: ['ALREADY_DONE', 'STARTED', 'ALREADY_DONE'], anyFailed: false },
      });
      expect(
        world
          .runtime()
          .nestedExecutions()
          .map((execution) => execution.name),
      ).toEqual([
        ...DATABASES.map((id) => attemptExecutionName('fleet-resend', id, 1)),
        attemptExecutionName('fleet-resend', 'billing', 2),
      ]);
      expect(await attemptsOf('fleet-resend')).toEqual({
        orders: ['CDC', 1],
        billing: ['CDC', 2],
        inventory: ['CDC', 1],
      });
      // The retry adopted the failed attempt's instance and endpoints: one of each per database.
      expect(world.dms.instances.size).toBe(3);
      expect(world.dms.endpoints.size).toBe(6);
      expect(world.dms.tasks.size).toBe(3);
    });

    it('runs the databases a retry request names from the request the registry keeps, once', async () => {
      // Prepare
      await failBillingOnce('fleet-retry');
      const retry = { migrationId: 'fleet-retry', databaseIds: ['billing'], attempts: { billing: 1 } };
      // Act
      const retried = await world.run('migrate-fleet', retry);
      const duplicate = await world.run('migrate-fleet', retry);
      // Assess
      expect(retried).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['STARTED'] } });
      expect(duplicate).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['ALREADY_DONE'] } });
      expect(world.runtime().nestedExecutions()).toHaveLength(4);
      expect(world.runtime().nestedExecutions()[3]).toMatchObject({
        name: attemptExecutionName('fleet-retry', 'billing', 2),
        input: { databaseId: 'billing', attempt: 2, request: { databases: [{ id: 'billing' }] } },
      });
      expect((await attemptsOf('fleet-retry'))['billing']).toEqual(['CDC', 2]);
    });

    it('refuses a retry of a database the migration does not have, starting nothing', async () => {
      // Prepare
      await failBillingOnce('fleet-unknown');
      // Act
      const outcome = await world.run('migrate-fleet', {
        migrationId: 'fleet-unknown',
        databaseIds: ['payroll'],
      });
      // Assess
      expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.fleetFailed });
      expect(outcome.status === 'FAILED' && outcome.cause).toContain(
        'databaseIds: migration fleet-unknown has no database payroll',
      );
      expect(world.runtime().nestedExecutions()).toHaveLength(3);
    });

    it('migrates a torn-down database again as a new attempt when its request is sent again', async () => {
      // Prepare
      const request = requestFor('fleet-rerun', ['orders']);
      await world.run('migrate-fleet', request);
      const torn = await world.run('teardown', { migrationId: 'fleet-rerun', databaseIds: ['orders'] });
      // Act
      const rerun = await world.run('migrate-fleet', request);
      // Assess
      expect(torn.status).toBe('SUCCEEDED');
      expect(rerun).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['STARTED'] } });
      const item = await world.registry().require({ migrationId: 'fleet-rerun', databaseId: 'orders' });
      expect([item.phase, item.attempt]).toEqual(['CDC', 2]);
      expect(item.instanceArn && world.dms.instances.has(item.instanceArn)).toBe(true);
      expect(world.dms.instances.size).toBe(1);
      expect(world.dms.tasks.size).toBe(1);
    });
  });
});
