import {
  DescribeTableStatisticsCommand,
  InvalidResourceStateFault,
  ReloadTablesCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { salesWorkload } from './support/fleet.ts';
import { type Harness, readyTask, startHarness, startTask } from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const stateOf = async (taskArn: string, table: string) =>
  (
    await harness.client.send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn }))
  ).TableStatistics?.find((statistics) => statistics.TableName === table);

const reload = (taskArn: string, table: string) =>
  harness.client.send(
    new ReloadTablesCommand({
      ReplicationTaskArn: taskArn,
      TablesToReload: [{ SchemaName: 'public', TableName: table }],
    }),
  );

describe('ReloadTables', () => {
  it('refuses a task that is not running', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = reload(taskArn, 'orders');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidResourceStateFault);
  });

  it('takes a table of a task in CDC through Table is being reloaded and back to Table completed, the others untouched', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart + 60_000);
    const before = await stateOf(taskArn, 'orders');

    // Act
    const answer = await reload(taskArn, 'orders');
    const during = await stateOf(taskArn, 'orders');
    const otherDuring = await stateOf(taskArn, 'customers');
    await harness.advance(60_000);
    const after = await stateOf(taskArn, 'orders');

    // Assess
    expect(answer.ReplicationTaskArn).toBe(taskArn);
    expect(before?.TableState).toBe('Table completed');
    expect(during?.TableState).toBe('Table is being reloaded');
    expect(otherDuring?.TableState).toBe('Table completed');
    expect(after).toMatchObject({
      TableState: 'Table completed',
      FullLoadReloaded: true,
      FullLoadRows: 100_000,
    });
  });

  it('rejects a ReloadOption outside data-reload and validate-only', async () => {
    // Prepare
    harness = await startHarness({ workloadFor: salesWorkload });
    const { taskArn } = await readyTask(harness, 'one');

    // Act
    const attempt = harness.client.send(
      new ReloadTablesCommand({
        ReplicationTaskArn: taskArn,
        TablesToReload: [{ SchemaName: 'public', TableName: 'orders' }],
        ReloadOption: 'everything' as 'data-reload',
      }),
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
