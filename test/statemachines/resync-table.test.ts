import {
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
  type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { GetTableCommand } from '@aws-sdk/client-glue';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import { tableFolderKey } from '#domain/lake/generations';
import type { DatabasePlan } from '#domain/planner/plan';
import { statesEntered } from '#test/local-state-machines';
import { keyOf, planFor } from '../unit/handlers/fixtures.ts';
import { START, useStateMachineWorld } from './world.ts';

const world = useStateMachineWorld();
const s3 = mockClient(S3Client);

/** The lake's objects, by key, with their ETags: enough S3 for the freeze and the prune. */
const lake = new Map<string, { etag: string; body: string }>();
let etags = 0;
const put = (key: string, body: string) => lake.set(key, { etag: `"e${++etags}"`, body });

/** How the fake DMS ends the reload it is asked for. */
let reloadEnds: 'completed' | 'error';
let reloadRequested = false;

beforeEach(() => {
  lake.clear();
  reloadRequested = false;
  reloadEnds = 'completed';
  s3.reset();
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: [...lake]
      .filter(([key]) => key.startsWith(input.Prefix))
      .map(([key, object]) => ({ Key: key, ETag: object.etag })),
    IsTruncated: false,
  }));
  s3.on(CopyObjectCommand).callsFake((input: { Key: string; CopySource: string }) => {
    const from = lake.get(decodeURIComponent(input.CopySource.slice(input.CopySource.indexOf('/') + 1)));
    if (!from) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    lake.set(input.Key, { ...from });
    return {};
  });
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
    put(input.Key, input.Body);
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const object = lake.get(input.Key);
    if (!object) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return { Body: { transformToString: () => Promise.resolve(object.body) } };
  });
  s3.on(DeleteObjectsCommand).callsFake((input: { Delete: { Objects: { Key: string }[] } }) => {
    for (const object of input.Delete.Objects) lake.delete(object.Key);
    return {};
  });
  // No catalog yet: the view switches find no view to keep (switch-table-view's own tests cover the switch).
  world.glue
    .on(GetTableCommand)
    .rejects(Object.assign(new Error('Table not found'), { name: 'EntityNotFoundException' }));
  world.dms.mock.on(ReloadTablesCommand).callsFake((input: { ReplicationTaskArn: string }) => {
    reloadRequested = true;
    return { ReplicationTaskArn: input.ReplicationTaskArn };
  });
  world.dms.mock
    .on(DescribeTableStatisticsCommand)
    .callsFake(() => ({ TableStatistics: [ordersStatistics()] }));
});

/** The table's statistics: loaded before the resync; after ReloadTables, reloaded (or in error) at the clock's now. */
const ordersStatistics = (): TableStatistics => {
  const base = { SchemaName: 'public', TableName: 'orders' };
  if (!reloadRequested)
    return { ...base, TableState: 'Table completed', FullLoadEndTime: new Date(START - 3_600_000) };
  if (reloadEnds === 'error') return { ...base, TableState: 'Table error' };
  return { ...base, TableState: 'Table completed', FullLoadEndTime: new Date(world.runtime().clock.now()) };
};

/** A database in CDC whose orders folder holds a LOAD file and a CDC file. */
const inCdc = async (migrationId: string): Promise<{ plan: DatabasePlan; folder: string }> => {
  const plan = planFor(migrationId);
  await world.seed(plan, 'CDC');
  const { layout } = catalogSourceOf(await world.registry().require(keyOf(plan)));
  const folder = tableFolderKey(layout, { schema: 'public', table: 'orders' });
  put(`${folder}LOAD00000001.parquet`, 'old load');
  put(`${folder}2026/03/01/20260301-115900000.parquet`, 'old change');
  return { plan, folder };
};

const resyncOrders = (plan: DatabasePlan) =>
  world.run('resync-table', { ...keyOf(plan), schemaName: 'public', tableName: 'orders' });

describe('State machine: resync-table', () => {
  it('freezes the folder, reloads, deletes the old load left in the folder, records generation 1 and says so', async () => {
    // Prepare
    const { plan, folder } = await inCdc('resync-ok');
    // DMS, reloading, writes its new LOAD file over the old name.
    world.dms.mock.on(ReloadTablesCommand).callsFake((input: { ReplicationTaskArn: string }) => {
      reloadRequested = true;
      put(`${folder}LOAD00000001.parquet`, 'new load');
      return { ReplicationTaskArn: input.ReplicationTaskArn };
    });

    // Act
    const outcome = await resyncOrders(plan);

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(statesEntered(outcome)).toEqual(
      expect.arrayContaining([
        'BeginResync',
        'FreezeGeneration',
        'ViewReadsPreviousGeneration',
        'ReloadTable',
        'CheckTableReloaded',
        'PrunePreviousGeneration',
        'ViewReadsNewGeneration',
        'EndResynced',
      ]),
    );
    const copies = [...lake.keys()].filter((key) => key.includes('/_lakeshift_generations/'));
    expect(copies.sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/_lakeshift_generations\/public\/orders\/g0000\/LOAD00000001\.parquet$/),
        expect.stringMatching(/_lakeshift_generations\/public\/orders\/g0000\.manifest\.json$/),
      ]),
    );
    expect([...lake.keys()].filter((key) => key.startsWith(folder))).toEqual([
      `${folder}LOAD00000001.parquet`,
    ]);
    expect(lake.get(`${folder}LOAD00000001.parquet`)?.body).toBe('new load');
    const item = await world.registry().require(keyOf(plan));
    expect(item.tableGenerations).toEqual({ 'public.orders': 1 });
    expect(item.tableResyncs).toEqual({});
    expect(world.publishedDetailTypes()).toContain(LAKESHIFT_DETAIL_TYPES.tableResynced);
  });

  it('fails on a table error without pruning, releases the lock and publishes Table Resync Failed', async () => {
    // Prepare
    const { plan, folder } = await inCdc('resync-error');
    reloadEnds = 'error';

    // Act
    const outcome = await resyncOrders(plan);

    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: FAIL_STATE_ERRORS.resyncFailed,
      cause: expect.stringContaining('DMS reports public.orders in error'),
    });
    expect(statesEntered(outcome)).not.toContain('PrunePreviousGeneration');
    expect(lake.has(`${folder}2026/03/01/20260301-115900000.parquet`)).toBe(true);
    const item = await world.registry().require(keyOf(plan));
    expect(item.tableResyncs).toEqual({});
    expect(item.tableGenerations).toBeUndefined();
    expect(world.publishedDetailTypes()).toContain(LAKESHIFT_DETAIL_TYPES.tableResyncFailed);
  });

  it('refuses a resync of a table another resync holds, leaving that lock alone', async () => {
    // Prepare
    const { plan } = await inCdc('resync-busy');
    const holder = 'arn:aws:states:us-east-1:123456789012:execution:lakeshift-resync-table:holder';
    await world.registry().acquireTableResyncLock(keyOf(plan), {
      table: 'public.orders',
      holder: `resync:${holder}`,
      executionArn: holder,
      now: new Date(START).toISOString(),
      ttlSeconds: 3600,
    });

    // Act
    const outcome = await resyncOrders(plan);

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: FAIL_STATE_ERRORS.resyncFailed });
    expect(outcome.status === 'FAILED' && outcome.cause).toContain('public.orders is being resynced by');
    expect(statesEntered(outcome)).toContain('EndRefusedResync');
    expect(world.dms.mock).not.toHaveReceivedCommand(ReloadTablesCommand);
    const item = await world.registry().require(keyOf(plan));
    expect(item.tableResyncs?.['public.orders']).toMatchObject({ executionArn: holder });
  });

  it('is stopped by a teardown that meets it waiting for the reload: teardown wins', async () => {
    // Prepare: a resync whose reload never completes, holding the table's lock.
    const { plan } = await inCdc('resync-teardown');
    world.dms.provisioned(plan.identifiers, 'dms.r5.large');
    world.dms.mock.on(DescribeTableStatisticsCommand).callsFake(() => ({
      TableStatistics: [{ SchemaName: 'public', TableName: 'orders', TableState: 'Table is being reloaded' }],
    }));
    const local = world.runtime();
    const resync = local.stepFunctions.startExecution({
      stateMachineArn: local.names.stateMachineArns['resync-table'],
      name: 'resync-teardown',
      input: JSON.stringify({ ...keyOf(plan), schemaName: 'public', tableName: 'orders' }),
    });
    const locked = async () =>
      (await world.registry().require(keyOf(plan))).tableResyncs?.['public.orders'] !== undefined;
    for (let turn = 0; turn < 100 && !(await locked()); turn++) await local.clock.advance(0);
    const lockedBeforeTeardown = await locked();

    // Act
    const teardown = await world.run('teardown', { migrationId: 'resync-teardown', databaseIds: ['orders'] });
    await resync.done;

    // Assess
    expect(lockedBeforeTeardown).toBe(true);
    expect(teardown).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['DELETED'] } });
    expect(resync.status).toBe('ABORTED');
    expect((await world.registry().require(keyOf(plan))).phase).toBe('DELETED');
  });
});
