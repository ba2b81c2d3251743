import { DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AccessDeniedFault,
  DeleteEndpointCommand,
  DeleteReplicationInstanceCommand,
  DeleteReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { PHASES } from '#contracts/phases';
import { statesEntered } from '#test/local-state-machines';
import { keyOf, planFor, requestFor } from '../unit/handlers/fixtures.ts';
import { fakeSlotName, START, useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();

/** A migrated database (task running CDC), and one whose migration failed before anything was created. */
const twoDatabases = async (migrationId: string) => {
  const migrated = planFor(migrationId, 'orders');
  const bare = planFor(migrationId, 'billing');
  await world.seed(migrated, 'CDC');
  await world.seed(bare, 'REQUESTED');
  const arns = world.dms.provisioned(migrated.identifiers, 'dms.r5.large');
  await world.registry().update(keyOf(migrated), arns, { now: new Date(START).toISOString() });
  return { migrated, bare };
};

describe('State machine: teardown', () => {
  it('stops and deletes the task, the endpoints and the instance, removes the alarms, and ends DELETED', async () => {
    // Prepare
    const { migrated, bare } = await twoDatabases('down-1');
    // Act
    const outcome = await world.run('teardown', {
      migrationId: 'down-1',
      databaseIds: ['orders', 'billing'],
    });
    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { statuses: ['DELETED', 'DELETED'], anyFailed: false },
    });
    expect((await world.registry().require(keyOf(migrated))).phase).toBe('DELETED');
    expect((await world.registry().require(keyOf(bare))).phase).toBe('DELETED');
    expect([world.dms.instances.size, world.dms.endpoints.size, world.dms.tasks.size]).toEqual([0, 0, 0]);
    expect(world.dms.mock).toHaveReceivedCommandTimes(DeleteReplicationTaskCommand, 1);
    expect(world.dms.mock).toHaveReceivedCommandTimes(DeleteEndpointCommand, 2);
    expect(world.dms.mock).toHaveReceivedCommandTimes(DeleteReplicationInstanceCommand, 1);
    expect(world.cloudWatch).toHaveReceivedCommandTimes(DeleteAlarmsCommand, 2);
  });

  it('drops the slot a migration recorded, leaving no slot on the source', async () => {
    // Prepare: a real migration run records the slot its task created.
    const migrated = await world.run('migrate-database', {
      request: requestFor('down-slot'),
      databaseId: 'orders',
      network: 'default',
      attempt: 1,
    });
    const recorded = (await world.registry().require({ migrationId: 'down-slot', databaseId: 'orders' }))
      .replicationSlot?.name;
    // Act
    const outcome = await world.run('teardown', { migrationId: 'down-slot', databaseIds: ['orders'] });
    // Assess
    expect(migrated.status).toBe('SUCCEEDED');
    expect(recorded).toBe(fakeSlotName('orders'));
    expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['DELETED'] } });
    expect([...world.sourceSlots]).toEqual([]);
  });

  it.each(PHASES.filter((phase) => phase !== 'TEARING_DOWN' && phase !== 'DELETED'))(
    'leaves no slot on the source after a teardown from %s',
    async (phase) => {
      // Prepare: the task started (and its slot was recorded) in every phase from FULL_LOAD on.
      const migrationId = `down-${phase.toLowerCase().replaceAll('_', '-')}`;
      const plan = planFor(migrationId, 'orders');
      await world.seed(plan, phase);
      const started = !['REQUESTED', 'PROVISIONING'].includes(phase);
      if (phase !== 'REQUESTED') {
        const arns = world.dms.provisioned(plan.identifiers, 'dms.r5.large');
        await world.registry().update(keyOf(plan), arns, { now: new Date(START).toISOString() });
      }
      if (started) {
        world.sourceSlots.add(fakeSlotName('orders'));
        await world
          .registry()
          .update(
            keyOf(plan),
            { replicationSlot: { name: fakeSlotName('orders'), recordedAt: new Date(START).toISOString() } },
            { now: new Date(START).toISOString() },
          );
      }
      // Act
      const outcome = await world.run('teardown', { migrationId, databaseIds: ['orders'] });
      // Assess
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['DELETED'] } });
      expect([...world.sourceSlots]).toEqual([]);
    },
  );

  it('can run again on a database already torn down', async () => {
    // Prepare
    await twoDatabases('down-2');
    await world.run('teardown', { migrationId: 'down-2', databaseIds: ['orders'] });
    // Act
    const again = await world.run('teardown', { migrationId: 'down-2', databaseIds: ['orders'] });
    // Assess
    expect(again).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['DELETED'] } });
  });

  it('finishes the other databases and ends in TeardownFailed when one cannot be deleted', async () => {
    // Prepare
    const { migrated } = await twoDatabases('down-3');
    world.dms.failOnce(
      DeleteReplicationInstanceCommand,
      new AccessDeniedFault({
        message: 'not authorized to perform dms:DeleteReplicationInstance',
        $metadata: {},
      }),
    );
    // Act
    const outcome = await world.run('teardown', {
      migrationId: 'down-3',
      databaseIds: ['orders', 'billing'],
    });
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.teardownFailed });
    expect(outcome.status === 'FAILED' && JSON.parse(outcome.cause)).toMatchObject({
      statuses: ['FAILED', 'DELETED'],
    });
    const item = await world.registry().require(keyOf(migrated));
    expect(item).toMatchObject({
      phase: 'FAILED',
      failure: { error: 'AccessDenied', phase: 'TEARING_DOWN' },
    });
    expect(world.dms.instances.size).toBe(1);
  });

  it('refuses an input without database ids, naming the shape it needs', async () => {
    // Act
    const outcome = await world.run('teardown', { migrationId: 'down-4' });
    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: FAIL_STATE_ERRORS.teardownFailed,
      cause: expect.stringContaining('"databaseIds": ["<id>", ...]'),
    });
    expect(statesEntered(outcome)).toEqual(['CheckInput', 'DescribeBadInput', 'InvalidTeardownInput']);
  });
});
