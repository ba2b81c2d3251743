import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeConnectionsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
  DescribeTableStatisticsCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseStopReason } from '#contracts/events';
import { ManualClock } from '#local/clock';
import { DEFAULT_DURATIONS, type Workload } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  availableInstance,
  createInstance,
  createSourceAndTarget,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

let stateDir: string;
const open: Harness[] = [];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'dms-state-'));
});
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** An emulator on the state directory; a restart continues emulated time where the previous run stopped. */
const boot = async (now?: number, workloadFor: () => Workload = salesWorkload) => {
  const harness = await startHarness({
    stateDir,
    workloadFor,
    ...(now === undefined ? {} : { clock: new ManualClock(now) }),
  });
  open.push(harness);
  return harness;
};

const restart = async (previous: Harness) => {
  const now = previous.clock.now();
  open.splice(open.indexOf(previous), 1);
  await previous.close();
  return boot(now);
};

const taskOf = async (harness: Harness, arn: string) =>
  (
    await harness.client.send(
      new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }),
    )
  ).ReplicationTasks?.[0];

const inserts = async (harness: Harness, arn: string) =>
  (
    (await harness.client.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn })))
      .TableStatistics ?? []
  ).reduce((sum, table) => sum + (table.Inserts ?? 0), 0);

describe('state directory', () => {
  it('keeps resources and carries an instance creation on with the time it had left', async () => {
    // Prepare
    const first = await boot();
    const { ReplicationInstanceArn: arn } = await createInstance(first, 'rep-a');
    await first.advance(DEFAULT_DURATIONS.instanceCreate / 2);

    // Act
    const second = await restart(first);
    const during = await second.client.send(new DescribeReplicationInstancesCommand({}));
    await second.advance(DEFAULT_DURATIONS.instanceCreate / 2);
    const after = await second.client.send(new DescribeReplicationInstancesCommand({}));

    // Assess
    expect(
      during.ReplicationInstances?.map((instance) => [
        instance.ReplicationInstanceArn,
        instance.ReplicationInstanceStatus,
      ]),
    ).toEqual([[arn, 'creating']]);
    expect(after.ReplicationInstances?.[0]?.ReplicationInstanceStatus).toBe('available');
  });

  it('resumes a task that was in CDC, as after an instance restart', async () => {
    // Prepare
    const first = await boot();
    const { taskArn } = await readyTask(first, 'one');
    await startTask(first, taskArn);
    await first.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    const beforeRestart = await inserts(first, taskArn);

    // Act
    const second = await restart(first);
    await second.advance(5 * 60_000);

    // Assess
    expect((await taskOf(second, taskArn))?.Status).toBe('running');
    expect(await inserts(second, taskArn)).toBeGreaterThan(beforeRestart);
  });

  it('fails a task that was loading tables with RECOVERABLE_ERROR, as after an instance restart', async () => {
    // Prepare
    const first = await boot();
    const { taskArn } = await readyTask(first, 'one');
    await startTask(first, taskArn);
    await first.advance(DEFAULT_DURATIONS.taskStart + 5_000);

    // Act
    const second = await restart(first);
    const task = await taskOf(second, taskArn);

    // Assess
    expect(task?.Status).toBe('failed');
    expect(parseStopReason(task?.StopReason)).toBe('RECOVERABLE_ERROR');
    expect(task?.LastFailureMessage).toContain(
      'The replication instance restarted while the task was loading tables',
    );
  });

  it('runs again a connection test whose answer was still pending at the restart', async () => {
    // Prepare: a source whose check never answers before the restart.
    const silent: Workload = { testConnection: () => new Promise(() => {}), run: async () => undefined };
    const first = await boot(undefined, () => silent);
    const instanceArn = await availableInstance(first, 'rep-a');
    const { source } = await createSourceAndTarget(first, 'one');
    await first.client.send(
      new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: source.EndpointArn }),
    );
    await first.advance(DEFAULT_DURATIONS.connectionTest);
    const pending = await first.client.send(new DescribeConnectionsCommand({}));

    // Act
    const second = await restart(first);
    await second.advance(0);
    const after = await second.client.send(new DescribeConnectionsCommand({}));

    // Assess
    expect(pending.Connections?.[0]?.Status).toBe('testing');
    expect(after.Connections?.[0]?.Status).toBe('successful');
  });

  it('generates new ids after a restart without reusing old ones', async () => {
    // Prepare
    const first = await boot();
    const a = await createInstance(first, 'rep-a');

    // Act
    const second = await restart(first);
    const b = await createInstance(second, 'rep-b');

    // Assess
    expect(b.ReplicationInstanceArn).not.toBe(a.ReplicationInstanceArn);
  });
});
