import { StopReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticWorkload, DEFAULT_DURATIONS, type MetricDatum } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import {
  availableInstance,
  createInstance,
  type Harness,
  readyTask,
  startHarness,
  startTask,
} from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const data = (): MetricDatum[] => harness.metrics.flatMap((batch) => batch.MetricData);
const named = (name: string, dimensions: number) =>
  data().filter((datum) => datum.MetricName === name && datum.Dimensions.length === dimensions);

describe('AWS/DMS metrics', () => {
  it('publishes instance metrics every minute under the lower-cased instance identifier', async () => {
    // Prepare
    harness = await startHarness();
    await availableInstance(harness, 'Rep-A');
    harness.metrics.length = 0;

    // Act
    await harness.advance(3 * 60_000);

    // Assess
    expect(harness.metrics).toHaveLength(3);
    expect(harness.metrics.every((batch) => batch.Namespace === 'AWS/DMS')).toBe(true);
    const cpu = named('CPUUtilization', 1);
    expect(cpu.map((datum) => datum.Timestamp.getTime() % 60_000)).toEqual([0, 0, 0]);
    expect(cpu[0]?.Dimensions).toEqual([{ Name: 'ReplicationInstanceIdentifier', Value: 'rep-a' }]);
    expect(cpu[0]?.Unit).toBe('Percent');
    expect(named('FreeableMemory', 1)[0]?.Unit).toBe('Bytes');
  });

  it('publishes nothing for an instance still being created', async () => {
    // Prepare
    harness = await startHarness();
    harness.metrics.length = 0;
    await createInstance(harness, 'rep-a');

    // Act
    await harness.advance(5 * 60_000);

    // Assess
    expect(harness.metrics).toEqual([]);
  });

  it('publishes task metrics under the instance identifier and the task ARN resource id while it runs', async () => {
    // Prepare: one table of 2,000,000 rows loads at 5,000 rows/s for 400 s.
    const bigTable = createSyntheticWorkload({
      databases: { sales: { tables: [{ name: 'events', rows: 2_000_000, changesPerSecond: 10 }] } },
    });
    harness = await startHarness({ workloadFor: () => bigTable });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);

    // Act
    await harness.advance(DEFAULT_DURATIONS.taskStart + 3 * 60_000);

    // Assess
    const resourceId = taskArn.split(':').pop();
    const throughput = named('FullLoadThroughputRowsSource', 2);
    expect(throughput[0]?.Dimensions).toEqual([
      { Name: 'ReplicationInstanceIdentifier', Value: 'one-rep' },
      { Name: 'ReplicationTaskIdentifier', Value: resourceId },
    ]);
    expect(throughput.map((datum) => datum.Value)).toEqual([5_000, 5_000, 5_000]);
    expect(named('CDCIncomingChanges', 2).map((datum) => datum.Value)).toEqual([600, 1_200, 1_800]);
    const instanceCpu = named('CPUUtilization', 1).map((datum) => datum.Value);
    expect(Math.max(...instanceCpu)).toBeGreaterThan(Math.min(...instanceCpu));
  });

  it('stops publishing task metrics once the task is stopped', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    await harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await harness.advance(DEFAULT_DURATIONS.taskStop);
    harness.metrics.length = 0;

    // Act
    await harness.advance(3 * 60_000);

    // Assess
    expect(data().filter((datum) => datum.Dimensions.length === 2)).toEqual([]);
    expect(named('CPUUtilization', 1)).toHaveLength(3);
  });
});
