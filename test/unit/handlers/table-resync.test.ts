import {
  DatabaseMigrationServiceClient,
  DescribeTableStatisticsCommand,
  ReloadTablesCommand,
} from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  GlueClient,
  type Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
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
import { ERROR_NAMES } from '#contracts/errors';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { GENERATION_PARAMETERS } from '#contracts/lake';
import { planDatabaseCatalog, viewSqlOf } from '#domain/lake/catalog-plan';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import { generationFolderKey, generationManifestKey, tableFolderKey } from '#domain/lake/generations';
import { invokeHandler } from '#test/lambda-context';
import { NOW, planFor, taskArnOf, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const s3 = mockClient(S3Client);
const glue = mockClient(GlueClient);
const events = mockClient(EventBridgeClient);

const executionArnOf = (name: string) =>
  `arn:aws:states:us-east-1:123456789012:execution:lakeshift-resync-table:${name}`;
const ORDERS = { schemaName: 'public', tableName: 'orders' } as const;
const keyOf = (migrationId: string) => ({ migrationId, databaseId: 'orders' });
const begin = (migrationId: string, execution = 'first', table: object = ORDERS) =>
  invokeHandler('begin-table-resync', {
    ...keyOf(migrationId),
    ...table,
    executionArn: executionArnOf(execution),
    now: NOW,
  });

/** A GetObject body: the adapter reads it with the SDK's transformToString. */
const jsonBody = (value: unknown) =>
  ({ transformToString: () => Promise.resolve(JSON.stringify(value)) }) as unknown as never;
const noSuchKey = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

beforeEach(() => {
  for (const client of [dms, s3, glue, events]) client.reset();
  dms.on(DescribeTableStatisticsCommand).resolves({
    TableStatistics: [
      { SchemaName: 'public', TableName: 'orders', TableState: 'Table completed' },
      { SchemaName: 'public', TableName: 'lines', TableState: 'Table completed' },
    ],
  });
  dms.on(ReloadTablesCommand).resolves({ ReplicationTaskArn: taskArnOf('orders') });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

describe('Handler: begin-table-resync', () => {
  it("takes the table's lock and names the task and the generation the reload makes", async () => {
    // Prepare
    await world.seed(planFor('begin-ok'), 'CDC');

    // Act
    const result = await begin('begin-ok');

    // Assess
    expect(result).toEqual({ taskArn: taskArnOf('orders'), table: 'public.orders', generation: 1 });
    const item = await world.registry().require(keyOf('begin-ok'));
    expect(item.tableResyncs?.['public.orders']).toMatchObject({ executionArn: executionArnOf('first') });
  });

  it('refuses a second resync of the same table while the first holds its lock, and lets another table go', async () => {
    // Prepare
    await world.seed(planFor('begin-twice'), 'CDC');
    await begin('begin-twice', 'first');

    // Act
    const second = await begin('begin-twice', 'second').catch((error: unknown) => error);
    const other = await begin('begin-twice', 'other', { schemaName: 'public', tableName: 'lines' });

    // Assess
    expect(second).toMatchObject({
      name: ERROR_NAMES.tableResyncInProgress,
      message: expect.stringContaining(`public.orders is being resynced by ${executionArnOf('first')}`),
    });
    expect(other).toMatchObject({ table: 'public.lines', generation: 1 });
  });

  it("refuses a table whose previous generation would take another migrated table's view name, and takes no lock", async () => {
    // Prepare
    await world.seed(planFor('begin-clash'), 'CDC');
    dms.on(DescribeTableStatisticsCommand).resolves({
      TableStatistics: [
        { SchemaName: 'public', TableName: 'orders', TableState: 'Table completed' },
        { SchemaName: 'public', TableName: 'orders_previous', TableState: 'Table completed' },
      ],
    });

    // Act
    const attempt = begin('begin-clash');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.invalidInput,
      message: expect.stringMatching(
        /^tableName: public\.orders cannot be resynced.*belongs to public\.orders_previous/,
      ),
    });
    expect((await world.registry().require(keyOf('begin-clash'))).tableResyncs).toBeUndefined();
  });

  it('refuses a database that is not in CDC, naming its phase, and takes no lock', async () => {
    // Prepare
    await world.seed(planFor('begin-loading'), 'FULL_LOAD');

    // Act
    const attempt = begin('begin-loading');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.resourceBusy,
      message: expect.stringContaining('is FULL_LOAD; public.orders can be resynced only in CDC'),
    });
    expect((await world.registry().require(keyOf('begin-loading'))).tableResyncs).toBeUndefined();
  });

  it('refuses once teardown began: teardown wins', async () => {
    // Prepare
    await world.seed(planFor('begin-teardown'), 'TEARING_DOWN');

    // Act
    const attempt = begin('begin-teardown');

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
  });

  it('refuses a table the task does not migrate, naming the ones it does', async () => {
    // Prepare
    await world.seed(planFor('begin-unknown'), 'CDC');

    // Act
    const attempt = begin('begin-unknown', 'first', { schemaName: 'public', tableName: 'nope' });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.resourceNotFound,
      message: expect.stringContaining(
        'does not migrate public.nope; it migrates public.orders, public.lines',
      ),
    });
  });
});

describe('Handler: reload-table', () => {
  it('reloads the table with data-reload and returns when it asked', async () => {
    // Prepare
    await world.seed(planFor('reload-ok'), 'CDC');

    // Act
    const result = await invokeHandler('reload-table', {
      ...keyOf('reload-ok'),
      ...ORDERS,
      taskArn: taskArnOf('orders'),
      now: NOW,
    });

    // Assess
    expect(result).toEqual({ requestedAt: NOW });
    expect(dms).toHaveReceivedCommandWith(ReloadTablesCommand, {
      ReplicationTaskArn: taskArnOf('orders'),
      TablesToReload: [{ SchemaName: 'public', TableName: 'orders' }],
      ReloadOption: 'data-reload',
    });
  });

  it('reloads nothing once teardown began', async () => {
    // Prepare
    await world.seed(planFor('reload-teardown'), 'TEARING_DOWN');

    // Act
    const attempt = invokeHandler('reload-table', {
      ...keyOf('reload-teardown'),
      ...ORDERS,
      taskArn: taskArnOf('orders'),
      now: NOW,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.teardownInProgress });
    expect(dms).not.toHaveReceivedCommand(ReloadTablesCommand);
  });
});

describe('Handlers: freeze-table-generation and prune-table-generation', () => {
  const layoutOf = async (migrationId: string) =>
    catalogSourceOf(await world.registry().require(keyOf(migrationId))).layout;
  const source = { schema: 'public', table: 'orders' };

  it('copies every file of the folder to the generation being replaced, then records their keys and ETags', async () => {
    // Prepare
    await world.seed(planFor('freeze-ok'), 'CDC');
    const layout = await layoutOf('freeze-ok');
    const folder = tableFolderKey(layout, source);
    const files = [
      { Key: `${folder}LOAD00000001.parquet`, ETag: '"a1"' },
      { Key: `${folder}2026/03/01/20260301-120000000.parquet`, ETag: '"c1"' },
    ];
    s3.on(GetObjectCommand).rejects(noSuchKey());
    s3.on(ListObjectsV2Command).resolves({ Contents: files, IsTruncated: false });

    // Act
    const result = await invokeHandler('freeze-table-generation', {
      ...keyOf('freeze-ok'),
      ...ORDERS,
      generation: 1,
      now: NOW,
    });

    // Assess
    const copyTo = generationFolderKey(layout, source, 0);
    expect(result).toEqual({ frozenGeneration: 0, objects: 2, copiedBefore: false });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: layout.bucket, Prefix: folder });
    expect(s3.commandCalls(CopyObjectCommand).map((call) => call.args[0].input)).toEqual([
      {
        Bucket: layout.bucket,
        Key: `${copyTo}LOAD00000001.parquet`,
        CopySource: `${layout.bucket}/${files[0]?.Key}`,
      },
      {
        Bucket: layout.bucket,
        Key: `${copyTo}2026/03/01/20260301-120000000.parquet`,
        CopySource: `${layout.bucket}/${files[1]?.Key}`,
      },
    ]);
    const manifest = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(manifest?.Key).toBe(generationManifestKey(layout, source, 0));
    expect(JSON.parse(String(manifest?.Body))).toEqual({
      generation: 0,
      objects: [
        { key: files[0]?.Key, etag: '"a1"' },
        { key: files[1]?.Key, etag: '"c1"' },
      ],
    });
  });

  it('keeps the copy an earlier attempt completed: nothing is copied again', async () => {
    // Prepare
    await world.seed(planFor('freeze-again'), 'CDC');
    s3.on(GetObjectCommand).resolves({
      Body: jsonBody({ generation: 0, objects: [{ key: 'raw/x/LOAD00000001.parquet', etag: '"a1"' }] }),
    });

    // Act
    const result = await invokeHandler('freeze-table-generation', {
      ...keyOf('freeze-again'),
      ...ORDERS,
      generation: 1,
      now: NOW,
    });

    // Assess
    expect(result).toEqual({ frozenGeneration: 0, objects: 1, copiedBefore: true });
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('deletes only the files still there as they were frozen; a file written again under an old name stays', async () => {
    // Prepare
    await world.seed(planFor('prune-ok'), 'CDC');
    const layout = await layoutOf('prune-ok');
    const folder = tableFolderKey(layout, source);
    s3.on(GetObjectCommand).resolves({
      Body: jsonBody({
        generation: 0,
        objects: [
          { key: `${folder}LOAD00000001.parquet`, etag: '"old1"' },
          { key: `${folder}LOAD00000002.parquet`, etag: '"old2"' },
          { key: `${folder}2026/03/01/cdc-1.parquet`, etag: '"c1"' },
        ],
      }),
    });
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: `${folder}LOAD00000001.parquet`, ETag: '"new1"' },
        { Key: `${folder}LOAD00000002.parquet`, ETag: '"old2"' },
        { Key: `${folder}2026/03/01/cdc-1.parquet`, ETag: '"c1"' },
        { Key: `${folder}2026/03/01/cdc-2.parquet`, ETag: '"c2"' },
      ],
    });
    s3.on(DeleteObjectsCommand).resolves({});

    // Act
    const result = await invokeHandler('prune-table-generation', {
      ...keyOf('prune-ok'),
      ...ORDERS,
      generation: 1,
      now: NOW,
    });

    // Assess
    expect(result).toEqual({ deleted: 2 });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: layout.bucket,
      Delete: {
        Objects: [{ Key: `${folder}LOAD00000002.parquet` }, { Key: `${folder}2026/03/01/cdc-1.parquet` }],
        Quiet: true,
      },
    });
  });

  it('refuses to prune without the manifest, naming where it should be', async () => {
    // Prepare
    await world.seed(planFor('prune-lost'), 'CDC');
    s3.on(GetObjectCommand).rejects(noSuchKey());

    // Act
    const attempt = invokeHandler('prune-table-generation', {
      ...keyOf('prune-lost'),
      ...ORDERS,
      generation: 1,
      now: NOW,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.resourceNotFound,
      message: expect.stringContaining('no manifest of generation 0 of public.orders'),
    });
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
  });
});

describe('Handler: switch-table-view', () => {
  const seedCatalog = async (migrationId: string) => {
    await world.seed(planFor(migrationId), 'CDC');
    const { layout } = catalogSourceOf(await world.registry().require(keyOf(migrationId)));
    const catalog = planDatabaseCatalog(layout, [
      {
        schema: 'public',
        table: 'orders',
        columns: [{ name: 'id', typeName: 'int4', typeCategory: 'N', typeModifier: -1 }],
        primaryKey: ['id'],
      },
    ]);
    const table = catalog.tables[0];
    if (!table) throw new Error('no table planned');
    glue
      .on(GetTableCommand, { Name: 'orders_changes' })
      .resolves({ Table: structuredClone(table.changes) as Table });
    glue.on(GetTableCommand, { Name: 'orders' }).resolves({ Table: structuredClone(table.view) as Table });
    glue.on(CreateTableCommand).resolves({});
    glue.on(UpdateTableCommand).resolves({});
    glue.on(DeleteTableCommand).resolves({});
    return catalog;
  };
  const switchTo = (migrationId: string, to: string) =>
    invokeHandler('switch-table-view', { ...keyOf(migrationId), ...ORDERS, generation: 1, to, now: NOW });

  it('creates <table>_previous over the copy before it points the view at it', async () => {
    // Prepare
    await seedCatalog('switch-reloading');

    // Act
    const result = await switchTo('switch-reloading', 'reloading');

    // Assess
    expect(result).toMatchObject({ switched: true, state: 'reloading' });
    const created = glue.commandCalls(CreateTableCommand)[0];
    const updated = glue.commandCalls(UpdateTableCommand);
    expect(created?.args[0].input.TableInput?.Name).toBe('orders_previous');
    expect(created?.args[0].input.TableInput?.StorageDescriptor?.Location).toContain(
      '/_lakeshift_generations/',
    );
    expect(updated.map((call) => call.args[0].input.TableInput?.Name)).toEqual(['orders']);
    expect(
      glue
        .calls()
        .map((call) => (call.args[0] as object).constructor.name)
        .filter((name) => name !== 'GetTableCommand'),
    ).toEqual(['CreateTableCommand', 'UpdateTableCommand']);
    const view = updated[0]?.args[0].input.TableInput;
    expect(view?.Parameters?.[GENERATION_PARAMETERS.viewState]).toBe('reloading');
    expect(viewSqlOf(view?.ViewOriginalText ?? '')).toContain('"orders_previous"');
  });

  it('points the view back at the change log in one UpdateTable, then deletes <table>_previous', async () => {
    // Prepare
    await seedCatalog('switch-current');

    // Act
    const result = await switchTo('switch-current', 'current');

    // Assess
    expect(result).toMatchObject({ switched: true, state: 'current', generation: 1 });
    const updated = glue.commandCalls(UpdateTableCommand);
    expect(updated).toHaveLength(1);
    const view = updated[0]?.args[0].input.TableInput;
    expect(view?.Parameters).toMatchObject({
      [GENERATION_PARAMETERS.generation]: '1',
      [GENERATION_PARAMETERS.viewState]: 'current',
    });
    expect(viewSqlOf(view?.ViewOriginalText ?? '')).not.toContain('_previous');
    expect(glue).toHaveReceivedCommandWith(DeleteTableCommand, { Name: 'orders_previous' });
  });

  it('switches nothing for a table whose catalog was never published, and says so', async () => {
    // Prepare
    await world.seed(planFor('switch-none'), 'CDC');
    glue
      .on(GetTableCommand)
      .rejects(Object.assign(new Error('Table not found'), { name: 'EntityNotFoundException' }));

    // Act
    const result = await switchTo('switch-none', 'reloading');

    // Assess
    expect(result).toMatchObject({ switched: false, reason: 'the table has no catalog yet' });
    expect(glue).not.toHaveReceivedCommand(UpdateTableCommand);
  });

  it('refuses a target state it does not know, naming the field', async () => {
    // Prepare
    await world.seed(planFor('switch-bad'), 'CDC');

    // Act
    const attempt = switchTo('switch-bad', 'sideways');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.invalidInput,
      message: expect.stringContaining('to'),
    });
  });
});

describe('Handler: end-table-resync', () => {
  it('records the generation, releases the lock and publishes Table Resynced', async () => {
    // Prepare
    await world.seed(planFor('end-ok'), 'CDC');
    await begin('end-ok');

    // Act
    const result = await invokeHandler('end-table-resync', {
      outcome: 'resynced',
      ...keyOf('end-ok'),
      ...ORDERS,
      executionArn: executionArnOf('first'),
      generation: 1,
      now: NOW,
    });

    // Assess
    expect(result).toMatchObject({ released: true, outcome: 'resynced' });
    const item = await world.registry().require(keyOf('end-ok'));
    expect(item.tableResyncs?.['public.orders']).toBeUndefined();
    expect(item.tableGenerations).toEqual({ 'public.orders': 1 });
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe(LAKESHIFT_DETAIL_TYPES.tableResynced);
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ table: 'public.orders', generation: 1 });
    expect(await begin('end-ok', 'next')).toMatchObject({ generation: 2 });
  });

  it('on failure releases the lock, keeps the generation and publishes Table Resync Failed with the error', async () => {
    // Prepare
    await world.seed(planFor('end-failed'), 'CDC');
    await begin('end-failed');

    // Act
    await invokeHandler('end-table-resync', {
      outcome: 'failed',
      ...keyOf('end-failed'),
      ...ORDERS,
      executionArn: executionArnOf('first'),
      generation: 1,
      error: { Error: 'TableReloadFailed', Cause: 'DMS reports public.orders in error' },
      now: NOW,
    });

    // Assess
    const item = await world.registry().require(keyOf('end-failed'));
    expect(item.tableResyncs?.['public.orders']).toBeUndefined();
    expect(item.tableGenerations).toBeUndefined();
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe(LAKESHIFT_DETAIL_TYPES.tableResyncFailed);
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      table: 'public.orders',
      generation: 1,
      error: 'TableReloadFailed',
    });
  });

  it("leaves another execution's lock alone when a refused resync ends", async () => {
    // Prepare
    await world.seed(planFor('end-refused'), 'CDC');
    await begin('end-refused', 'holder');

    // Act
    const result = await invokeHandler('end-table-resync', {
      outcome: 'failed',
      ...keyOf('end-refused'),
      ...ORDERS,
      executionArn: executionArnOf('refused'),
      error: { Error: 'TableResyncInProgress', Cause: 'busy' },
      now: NOW,
    });

    // Assess
    expect(result).toMatchObject({ released: false });
    const item = await world.registry().require(keyOf('end-refused'));
    expect(item.tableResyncs?.['public.orders']).toMatchObject({ executionArn: executionArnOf('holder') });
  });
});
