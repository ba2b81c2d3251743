import {
  DatabaseMigrationServiceClient,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { invokeHandler } from '#test/lambda-context';
import { NOW, planFor, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);

const requested = (migrationId: string, tableName = 'orders') => ({
  'detail-type': 'Table Resync Requested',
  source: 'lakeshift',
  time: NOW,
  detail: { migrationId, databaseId: 'orders', schemaName: 'public', tableName },
});

beforeEach(() => {
  dms.reset();
  dms.on(DescribeTableStatisticsCommand).resolves({
    TableStatistics: [{ SchemaName: 'public', TableName: 'orders', TableState: 'Table completed' }],
  });
  dms.on(ReloadTablesCommand).resolves({ ReplicationTaskArn: taskArnOf('orders') });
});

describe('Handler: reload-table', () => {
  it('reloads the named table of a database in CDC with data-reload', async () => {
    // Prepare
    await world.seed(planFor('resync-cdc'), 'CDC');

    // Act
    const result = await invokeHandler('reload-table', requested('resync-cdc'));

    // Assess
    expect(result).toMatchObject({ taskArn: taskArnOf('orders'), table: 'public.orders' });
    expect(dms).toHaveReceivedCommandWith(ReloadTablesCommand, {
      ReplicationTaskArn: taskArnOf('orders'),
      TablesToReload: [{ SchemaName: 'public', TableName: 'orders' }],
      ReloadOption: 'data-reload',
    });
  });

  it('refuses a database that is not in CDC, naming its phase, and reloads nothing', async () => {
    // Prepare
    await world.seed(planFor('resync-loading'), 'FULL_LOAD');

    // Act
    const attempt = invokeHandler('reload-table', requested('resync-loading'));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.resourceBusy,
      message: expect.stringContaining('is FULL_LOAD; public.orders can be resynced only in CDC'),
    });
    expect(dms).not.toHaveReceivedCommand(ReloadTablesCommand);
  });

  it('refuses a table the task does not migrate, naming the ones it does', async () => {
    // Prepare
    await world.seed(planFor('resync-unknown'), 'CDC');

    // Act
    const attempt = invokeHandler('reload-table', requested('resync-unknown', 'nope'));

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.resourceNotFound,
      message: expect.stringContaining('does not migrate public.nope; it migrates public.orders'),
    });
    expect(dms).not.toHaveReceivedCommand(ReloadTablesCommand);
  });
});
