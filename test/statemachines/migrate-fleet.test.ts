import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { deriveIdentifiers } from '#domain/naming';
import { statesEntered } from '#test/local-state-machines';
import { withValue } from '../unit/domain/request/fixtures.ts';
import { requestFor } from '../unit/handlers/fixtures.ts';
import { useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();

const DATABASES = ['orders', 'billing', 'inventory'];

describe('State machine: migrate-fleet', () => {
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
        statuses: ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
        anyFailed: false,
      },
    });
    expect(world.runtime().maxConcurrentNested()).toBe(2);
    expect(world.runtime().nestedExecutions()).toEqual(
      DATABASES.map((databaseId) => ({
        stateMachine: 'migrate-database',
        name: deriveIdentifiers('fleet-sm', databaseId).executionName,
        input: { request, databaseId },
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
      output: { statuses: ['ALREADY_STARTED', 'ALREADY_STARTED', 'ALREADY_STARTED'] },
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
    const summary = JSON.parse(outcome.status === 'FAILED' ? outcome.cause : '{}');
    expect(summary).toMatchObject({
      migrationId: 'fleet-bad',
      statuses: ['SUCCEEDED', 'FAILED', 'SUCCEEDED'],
      anyFailed: true,
    });
    expect(world.runtime().maxConcurrentNested()).toBe(1);
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
});
