import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  InvalidResourceStateFault,
  ModifyReplicationInstanceCommand,
  StartReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { retriesOf, statesEntered } from '#test/local-state-machines';
import { requestFor } from '../unit/handlers/fixtures.ts';
import { useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();

/** The per-database budget of a local fleet run through CDC. */
const BUDGET = { stateTransitions: 120, dmsCalls: 60 };

const key = (migrationId: string) => ({ migrationId, databaseId: 'orders' });
const migrate = (migrationId: string) =>
  world.run('migrate-database', {
    request: requestFor(migrationId),
    databaseId: 'orders',
    network: 'default',
    attempt: 1,
  });

describe('State machine: migrate-database', () => {
  it('provisions, runs the full load, steps the instance down, resumes CDC and arms the alarms', async () => {
    // Act
    const outcome = await migrate('sm-happy');
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const item = await world.registry().require(key('sm-happy'));
    expect(item).toMatchObject({ phase: 'CDC', currentClass: 'dms.r5.large' });
    expect(item.lock).toBeUndefined();
    expect(item.taskToken).toBeUndefined();
    const [instance] = [...world.dms.instances.values()];
    expect(instance?.value).toMatchObject({
      ReplicationInstanceClass: 'dms.r5.large',
      ReplicationInstanceStatus: 'available',
    });
    const [task] = [...world.dms.tasks.values()];
    expect(task?.value.Status).toBe('running');
    expect(
      world.dms.mock
        .commandCalls(StartReplicationTaskCommand)
        .map((call) => call.args[0].input.StartReplicationTaskType),
    ).toEqual(['start-replication', 'resume-processing']);
    expect(world.cloudWatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 5);
    expect(world.publishedDetailTypes()).toEqual([
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // PROVISIONING
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // FULL_LOAD
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // STEPPING_DOWN
      LAKESHIFT_DETAIL_TYPES.resizeDecided,
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // CDC
      LAKESHIFT_DETAIL_TYPES.instanceResized,
    ]);
  });

  it('stays within the per-database budget of state transitions and DMS calls', async () => {
    // Act
    const outcome = await migrate('sm-budget');
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(outcome).length).toBeLessThanOrEqual(BUDGET.stateTransitions);
    expect(world.dms.calls()).toBeLessThanOrEqual(BUDGET.dmsCalls);
  });

  it('retries a busy instance with backoff and goes on', async () => {
    // Prepare
    world.dms.failOnce(
      ModifyReplicationInstanceCommand,
      new InvalidResourceStateFault({ message: 'instance is being backed up', $metadata: {} }),
    );
    // Act
    const outcome = await migrate('sm-busy');
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(retriesOf(outcome, 'StepDownInstance')).toBe(1);
    expect((await world.registry().require(key('sm-busy'))).currentClass).toBe('dms.r5.large');
  });

  it('goes on to CDC when the inspection for values the lake may lose fails, keeping its error', async () => {
    // Prepare
    const failure = Object.assign(new Error('the source could not be reached in 5000 ms'), {
      name: 'SourceUnreachable',
    });
    world.failToastInspection(failure);
    // Act
    const outcome = await migrate('sm-toast');
    // Assess
    expect(outcome).toMatchObject({
      status: 'SUCCEEDED',
      output: { toastInspectionError: { Error: 'SourceUnreachable' } },
    });
    const entered = statesEntered(outcome);
    expect(entered.slice(entered.indexOf('TestConnections'), entered.indexOf('TestConnections') + 3)).toEqual(
      ['TestConnections', 'InspectToastExposure', 'StartConnectionsTestedWait'],
    );
    expect((await world.registry().require(key('sm-toast'))).phase).toBe('CDC');
  });

  it('ends in MigrationFailed with the failure in the registry when a connection test fails', async () => {
    // Prepare
    world.dms.failsConnectionTest = (endpoint) => endpoint.EndpointType === 'source';
    // Act
    const outcome = await migrate('sm-conn');
    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: FAIL_STATE_ERRORS.migrationFailed,
      cause: expect.stringContaining('password authentication failed for user \\"dms\\"'),
    });
    expect(statesEntered(outcome).slice(-3)).toEqual(['RecordFailure', 'FailedBecause', 'MigrationFailed']);
    const item = await world.registry().require(key('sm-conn'));
    expect(item.phase).toBe('FAILED');
    expect(item.failure).toMatchObject({ error: 'ConnectionTestFailed', phase: 'PROVISIONING' });
    expect(item.failure?.cause).toMatch(
      /^connection test of endpoint .+ failed: FATAL: password authentication failed/,
    );
    expect(world.publishedDetailTypes()).toEqual([
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // PROVISIONING
      LAKESHIFT_DETAIL_TYPES.migrationFailed,
    ]);
  });

  it('gives up on an instance that never becomes available, in WaitTimedOut', async () => {
    // Prepare
    world.dms.heldKinds.add('instance');
    // Act
    const outcome = await migrate('sm-stuck');
    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: FAIL_STATE_ERRORS.waitTimedOut,
      cause: 'Gave up waiting for instance-available after 30 checks (last status: creating)',
    });
    expect(statesEntered(outcome).filter((state) => state === 'CheckInstanceAvailable')).toHaveLength(30);
    const item = await world.registry().require(key('sm-stuck'));
    expect(item).toMatchObject({
      phase: 'FAILED',
      failure: { error: 'WaitTimedOut', phase: 'PROVISIONING' },
    });
  });

  it('fails at planning, creating nothing, when the request is invalid', async () => {
    // Act
    const outcome = await world.run('migrate-database', {
      request: { ...requestFor('sm-bad'), target: { bucket: 'x' } },
      databaseId: 'orders',
      network: 'default',
      attempt: 1,
    });
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.migrationFailed });
    expect(statesEntered(outcome)).toEqual(['InspectSource', 'PlanDatabase', 'PlanningFailed']);
    expect(world.dms.calls()).toBe(0);
    expect(await world.registry().get(key('sm-bad'))).toBeUndefined();
  });
});
