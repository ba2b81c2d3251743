import { GetMetricDataCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  AccessDeniedFault,
  ModifyReplicationInstanceCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import type { DatabasePlan } from '#domain/planner/plan';
import { statesEntered } from '#test/local-state-machines';
import { alarmStateChange, keyOf, planFor } from '../unit/handlers/fixtures.ts';
import { START, useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();

/** A database in CDC on `instanceClass`, its DMS resources in place as migrate-database leaves them. */
const inCdc = async (migrationId: string, instanceClass = 'dms.r5.large'): Promise<DatabasePlan> => {
  const plan = planFor(migrationId);
  await world.seed(plan, 'CDC');
  const arns = world.dms.provisioned(plan.identifiers, instanceClass);
  await world
    .registry()
    .update(keyOf(plan), { ...arns, currentClass: instanceClass }, { now: new Date(START).toISOString() });
  return plan;
};

/** The CloudWatch Alarm State Change event of the database's CPU alarm (the rule's whole event is the input). */
const cpuAlarm = (plan: DatabasePlan) =>
  alarmStateChange(
    `${plan.identifiers.alarmPrefix}-cpu-high`,
    plan.identifiers.instance,
    new Date(START).toISOString(),
  );

/** Sustained high CPU over the last 20 minutes, whenever the policy looks. */
const sustainedHighCpu = () =>
  world.cloudWatch.on(GetMetricDataCommand).callsFake((input: { EndTime: Date }) => ({
    MetricDataResults: [
      {
        Id: 'cpu_high',
        Timestamps: Array.from(
          { length: 20 },
          (_, index) => new Date(input.EndTime.getTime() - index * 60_000),
        ),
        Values: Array.from({ length: 20 }, () => 97),
      },
    ],
  }));

describe('State machine: resize-instance', () => {
  it('on a CPU alarm stops the task, steps the instance up, resumes CDC and re-arms the alarms', async () => {
    // Prepare
    const plan = await inCdc('resize-up');
    sustainedHighCpu();
    // Act
    const outcome = await world.run('resize-instance', cpuAlarm(plan));
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    const item = await world.registry().require(keyOf(plan));
    expect(item).toMatchObject({ phase: 'CDC', currentClass: 'dms.r5.xlarge' });
    expect(item.lock).toBeUndefined();
    expect(item.history.map((entry) => [entry.action, entry.targetClass])).toEqual([
      ['step-up', 'dms.r5.xlarge'],
    ]);
    expect(world.dms.mock).toHaveReceivedCommandTimes(StopReplicationTaskCommand, 1);
    expect(world.dms.mock).toHaveReceivedCommandWith(ModifyReplicationInstanceCommand, {
      ReplicationInstanceClass: 'dms.r5.xlarge',
      ApplyImmediately: true,
    });
    expect(world.dms.mock).toHaveReceivedCommandWith(StartReplicationTaskCommand, {
      StartReplicationTaskType: 'resume-processing',
    });
    expect(world.cloudWatch).toHaveReceivedCommandTimes(PutMetricAlarmCommand, 5);
    expect(world.publishedDetailTypes()).toEqual([
      LAKESHIFT_DETAIL_TYPES.resizeDecided,
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // RESIZING
      LAKESHIFT_DETAIL_TYPES.phaseChanged, // CDC
      LAKESHIFT_DETAIL_TYPES.instanceResized,
    ]);
  });

  it('ends quickly when the policy decides to stay, and still records the decision', async () => {
    // Prepare
    const plan = await inCdc('resize-stay');
    // Act
    const outcome = await world.run('resize-instance', cpuAlarm(plan));
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(outcome)).toEqual(['IsAlarm', 'DecideOnAlarm', 'IsResizeDue', 'NothingToDo']);
    const item = await world.registry().require(keyOf(plan));
    expect(item.history.map((entry) => entry.rule)).toEqual(['within-thresholds']);
    expect(world.dms.mock).not.toHaveReceivedCommand(StopReplicationTaskCommand);
  });

  it('resizes by hand to a requested rung', async () => {
    // Prepare
    const plan = await inCdc('resize-hand');
    // Act
    const outcome = await world.run('resize-instance', { ...keyOf(plan), targetClass: 'dms.r5.2xlarge' });
    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect((await world.registry().require(keyOf(plan))).currentClass).toBe('dms.r5.2xlarge');
  });

  it('ends in ResizeFailed with the failure in the registry when DMS refuses the change', async () => {
    // Prepare
    const plan = await inCdc('resize-denied');
    world.dms.failOnce(
      ModifyReplicationInstanceCommand,
      new AccessDeniedFault({
        message: 'not authorized to perform dms:ModifyReplicationInstance',
        $metadata: {},
      }),
    );
    // Act
    const outcome = await world.run('resize-instance', { ...keyOf(plan), targetClass: 'dms.r5.2xlarge' });
    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.resizeFailed });
    expect(statesEntered(outcome).slice(-4)).toEqual([
      'ModifyInstance',
      'RecordFailure',
      'FailedBecause',
      'ResizeFailed',
    ]);
    const item = await world.registry().require(keyOf(plan));
    expect(item).toMatchObject({ phase: 'FAILED', failure: { error: 'AccessDenied', phase: 'RESIZING' } });
    expect(item.failure?.cause).toBe(
      'ModifyReplicationInstance failed: AccessDeniedFault: not authorized to perform dms:ModifyReplicationInstance',
    );
  });

  it('gives up waiting for a task that never stops, in WaitTimedOut', async () => {
    // Prepare
    const plan = await inCdc('resize-stuck');
    world.dms.heldKinds.add('task');
    // Act
    const outcome = await world.run('resize-instance', { ...keyOf(plan), targetClass: 'dms.r5.2xlarge' });
    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: FAIL_STATE_ERRORS.waitTimedOut,
      cause: 'Gave up waiting for task-stopped after 30 checks (last status: stopping)',
    });
    expect((await world.registry().require(keyOf(plan))).failure?.error).toBe('WaitTimedOut');
  });
});
