import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { RESIZE_SIGNALS } from '#domain/alarms/signals';
import type { InstanceClass } from '#domain/instance-classes';
import { compareInstanceClasses } from '#domain/request/resize-settings';
import { exercisedStatements, replayDecision, withoutStatement } from '#local/aws/iam/replay';
import { wildcardMatch } from '#local/aws/iam/wildcard';
import { secondOpinion } from '../iam/second-opinion.ts';
import {
  allIn,
  type E2eRun,
  executionsOf,
  lifecycleOf,
  migrateToCdc,
  resourceCounts,
  STEADY_CLASS,
  startE2eRun,
  steadyInCdc,
} from './harness.ts';

// 300 emulated seconds per wall second: a database reaches CDC in about 45 emulated minutes (~9 s of wall time).
const CLOCK_SPEED = 300;
const DATABASES = ['orders', 'billing', 'inventory'];

let run: E2eRun;

beforeAll(async () => {
  run = await startE2eRun({ migrationId: 'e2e-happy', databaseIds: DATABASES, clockSpeed: CLOCK_SPEED });
});

afterAll(async () => {
  await run?.stop();
});

const instanceClassOf = (databaseId: string): string | undefined => {
  const instances = Object.values(run.aws.dms.snapshot().instances);
  return instances.find((instance) => instance.identifier === run.items.get(databaseId)?.instanceIdentifier)
    ?.instanceClass;
};

describe('a migration requested through EventBridge, on the local AWS', () => {
  it('takes three databases through REQUESTED, PROVISIONING, FULL_LOAD, STEPPING_DOWN to CDC on the steady class with alarms armed', async () => {
    // Act
    await migrateToCdc(run);

    // Assess
    expect(lifecycleOf(run)).toEqual(steadyInCdc(run));
    expect(DATABASES.map(instanceClassOf)).toEqual([STEADY_CLASS, STEADY_CLASS, STEADY_CLASS]);
    expect(executionsOf(run, 'migrate-database').map((e) => e.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    expect(executionsOf(run, 'migrate-fleet').map((e) => e.status)).toEqual(['SUCCEEDED']);
    const phaseEvents = run
      .eventsOf(LAKESHIFT_DETAIL_TYPES.phaseChanged)
      .map((event) => event.detail as { databaseId: string; phase: string });
    for (const id of DATABASES) {
      expect(
        phaseEvents.filter((detail) => detail.databaseId === id).map((detail) => detail.phase),
        id,
      ).toEqual(['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC']);
    }
    const cloudWatch = new CloudWatchClient({
      endpoint: run.aws.endpoint,
      region: run.aws.region,
      credentials: run.aws.credentials,
    });
    for (const id of DATABASES) {
      const instanceIdentifier = run.items.get(id)?.instanceIdentifier ?? '';
      const alarms = await cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: `lakeshift-${run.migrationId}-${id}` }),
      );
      const names = alarms.MetricAlarms?.map((alarm) => alarm.AlarmName ?? '') ?? [];
      expect(names, id).toHaveLength(RESIZE_SIGNALS.length);
      for (const alarm of alarms.MetricAlarms ?? []) {
        expect(alarm.Dimensions, alarm.AlarmName).toContainEqual({
          Name: 'ReplicationInstanceIdentifier',
          Value: instanceIdentifier,
        });
      }
    }
    cloudWatch.destroy();
  });

  it('creates nothing new for a duplicate Migration Requested', async () => {
    // Prepare
    const before = resourceCounts(run);
    const databaseExecutions = executionsOf(run, 'migrate-database').length;

    // Act
    await run.requestMigration();
    await run.waitFor('the second migrate-fleet to finish', () => {
      const fleets = executionsOf(run, 'migrate-fleet');
      return fleets.length === 2 && fleets.every((e) => e.status !== 'RUNNING');
    });

    // Assess
    const [, second] = executionsOf(run, 'migrate-fleet');
    const output = JSON.parse(
      run.aws.stepFunctions.getExecution(second?.executionArn ?? '')?.output ?? '{}',
    ) as { statuses?: string[] };
    expect(output.statuses).toEqual(['ALREADY_DONE', 'ALREADY_DONE', 'ALREADY_DONE']);
    expect(resourceCounts(run)).toEqual(before);
    expect(resourceCounts(run)).toEqual({ instances: 3, endpoints: 6, tasks: 3 });
    expect(executionsOf(run, 'migrate-database')).toHaveLength(databaseExecutions);
  });

  it('steps an instance up on a sustained-CPU alarm and back down after a quiet window', {
    timeout: 150_000,
  }, async () => {
    // Prepare
    const decisions = () =>
      run
        .eventsOf(LAKESHIFT_DETAIL_TYPES.resizeDecided)
        .map(
          (event) =>
            event.detail as { databaseId: string; action: string; reason: string; trigger: { kind: string } },
        )
        .filter(
          (detail) =>
            detail.databaseId === 'orders' && detail.trigger.kind === 'alarm' && detail.action !== 'stay',
        );
    const resizesOfOrders = () =>
      run
        .eventsOf(LAKESHIFT_DETAIL_TYPES.instanceResized)
        .map(
          (event) => event.detail as { databaseId: string; fromClass: InstanceClass; toClass: InstanceClass },
        )
        .filter((detail) => detail.databaseId === 'orders');
    // The step-down after the full load is already among them.
    const earlier = resizesOfOrders().length;
    const resizes = () => resizesOfOrders().slice(earlier);

    // Act
    // 3,000 times the declared change rate (4,500 changes/s) keeps the steady class's two vCPUs above 80 %.
    run.aws.synthetic.setChangeRateMultiplier('orders', 3_000);
    await run.waitFor('a step-up decision', () => decisions().length === 1);
    // The source goes quiet at once, so no backlog builds up while the task is stopped for the class change.
    run.aws.synthetic.setChangeRateMultiplier('orders', 0);
    await run.waitFor('the step up', () => resizes().length === 1);
    const afterStepUp = { registry: run.items.get('orders')?.currentClass, dms: instanceClassOf('orders') };
    await run.waitFor(
      'the step down and CDC again',
      () => resizes().length >= 2 && run.phases.get('orders')?.at(-1) === 'CDC',
    );
    // The instance keeps living after this (a later quiet window may step it down further): look at this moment.
    const afterStepDown = {
      registry: run.items.get('orders')?.currentClass,
      dms: instanceClassOf('orders'),
      phases: run.phases.get('orders')?.slice(-5),
    };

    // Assess
    const [stepUp, stepDown] = resizes();
    expect(
      decisions()
        .slice(0, 2)
        .map((decision) => decision.action),
    ).toEqual(['step-up', 'step-down']);
    expect(decisions()[0]?.reason).toMatch(/^cpu-high /);
    expect(stepUp?.fromClass).toBe(STEADY_CLASS);
    expect(compareInstanceClasses(stepUp?.toClass ?? STEADY_CLASS, STEADY_CLASS)).toBeGreaterThan(0);
    expect(afterStepUp).toEqual({ registry: stepUp?.toClass, dms: stepUp?.toClass });
    expect(stepDown?.fromClass).toBe(stepUp?.toClass);
    expect(
      compareInstanceClasses(stepDown?.toClass ?? STEADY_CLASS, stepDown?.fromClass ?? STEADY_CLASS),
    ).toBeLessThan(0);
    expect(afterStepDown).toEqual({
      registry: stepDown?.toClass,
      dms: stepDown?.toClass,
      phases: ['CDC', 'RESIZING', 'CDC', 'RESIZING', 'CDC'],
    });
    expect(executionsOf(run, 'resize-instance').filter((e) => e.status === 'FAILED')).toEqual([]);
  });
});

describe('DMS stop events without a stop reason (the emulator default, as captured payloads read)', () => {
  it('complete every full-load wait through the event path, the stop reason read from DescribeReplicationTasks', () => {
    // Prepare
    const completions = executionsOf(run, 'migrate-database').map((execution) =>
      JSON.stringify(run.aws.stepFunctions.getExecution(execution.executionArn)?.history.list() ?? []),
    );

    // Assess
    expect(completions).toHaveLength(DATABASES.length);
    const byEvent = completions.filter((history) => history.includes('completedBy\\":\\"task event'));
    const byReconciler = completions.filter((history) => history.includes('completedBy\\":\\"reconciler'));
    expect(byReconciler).toEqual([]);
    expect(byEvent).toHaveLength(DATABASES.length);
  });
});

describe('the scheduled catalog refresh, during the migration', () => {
  it('starts refresh-catalogs on its schedule, and each run ends well although the synthetic sources cannot be read', async () => {
    // Prepare
    const ended = () =>
      executionsOf(run, 'refresh-catalogs').filter((execution) => execution.status !== 'RUNNING');
    // Act
    await run.waitFor('a scheduled refresh-catalogs run to end', () => ended().length > 0);
    // Assess
    expect(new Set(ended().map((execution) => execution.status))).toEqual(new Set(['SUCCEEDED']));
  });
});

describe('a teardown requested through EventBridge, after the migration and the resizes', () => {
  it('deletes every task, endpoint and instance and leaves each database DELETED', {
    timeout: 150_000,
  }, async () => {
    // Prepare
    await run.waitFor('migrate-fleet to finish', () =>
      executionsOf(run, 'migrate-fleet').every((e) => e.status !== 'RUNNING'),
    );

    // Act
    await run.requestTeardown(DATABASES);
    await run.waitFor('every database DELETED', () => allIn(run, 'DELETED'));
    await run.waitFor('the teardown to finish', () =>
      executionsOf(run, 'teardown').every((e) => e.status !== 'RUNNING'),
    );

    // Assess
    const [teardown] = executionsOf(run, 'teardown');
    const output = JSON.parse(
      run.aws.stepFunctions.getExecution(teardown?.executionArn ?? '')?.output ?? '{}',
    ) as { statuses?: string[] };
    expect(teardown?.status).toBe('SUCCEEDED');
    expect(output.statuses).toEqual(['DELETED', 'DELETED', 'DELETED']);
    expect(resourceCounts(run)).toEqual({ instances: 0, endpoints: 0, tasks: 0 });
  });
});

describe('IAM on the migration, resize and teardown paths, against the synthesized template', () => {
  it('meets no AccessDenied, agrees with iam-simulate on every request, and needs every statement it used', async () => {
    // Prepare
    await run.waitFor('migrate-fleet to finish', () =>
      executionsOf(run, 'migrate-fleet').every((e) => e.status !== 'RUNNING'),
    );
    const iam = run.aws.iam;
    if (!iam) throw new Error('IAM enforcement is off');
    const entries = iam.record.all().filter((entry) => entry.roleArn.startsWith('arn:aws:iam::'));

    // Act
    const removals = exercisedStatements(entries).map((address) => {
      const reduced = withoutStatement(iam.model, address);
      const statement = iam.model.roles
        .get(address.roleArn)
        ?.policies.find((policy) => policy.name === address.policy)?.statements[address.index];
      const denied = entries.filter(
        (entry) => entry.roleArn === address.roleArn && replayDecision(reduced, entry) !== 'allow',
      );
      const grantedDenied = denied.filter((entry) =>
        (statement?.action ?? []).some((action) => wildcardMatch(action, entry.action, true)),
      );
      return { address, grantedDenied: grantedDenied.length };
    });

    const opinions = await Promise.all(
      entries.map(async (entry) => ({
        request: `${entry.action} ${entry.resource}`,
        ours: entry.decision,
        theirs: await secondOpinion(iam.model, entry),
      })),
    );

    // Assess
    expect(iam.record.denied()).toEqual([]);
    // Each path ran with enforcement on: its own calls are in the record, allowed.
    const judged = new Set(entries.map((entry) => entry.action));
    for (const action of [
      'dms:CreateReplicationInstance',
      'dms:ModifyReplicationInstance',
      'dms:StopReplicationTask',
      'dms:DeleteReplicationTask',
      'dms:DeleteEndpoint',
      'dms:DeleteReplicationInstance',
      'cloudwatch:DeleteAlarms',
    ]) {
      expect(judged, action).toContain(action);
    }
    // The one documented divergence (docs/iam.md): token completions are authorized against the token's state
    // machine, where the reference (and iam-simulate) accept only "*".
    const differing = opinions.filter((opinion) => opinion.ours !== opinion.theirs);
    expect(differing.filter((opinion) => !/^states:SendTask\w+ /.test(opinion.request))).toEqual([]);
    expect(opinions.filter((opinion) => opinion.theirs === opinion.ours).length).toBeGreaterThan(50);
    expect(removals.length).toBeGreaterThan(10);
    expect(removals.filter((removal) => removal.grantedDenied === 0)).toEqual([]);
  });
});
