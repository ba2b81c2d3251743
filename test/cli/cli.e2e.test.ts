import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DatabaseMigrationServiceClient,
  DescribeTableStatisticsCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusRow } from '#cli/status-model';
import { prepareSyntheticFleet, type SyntheticFleet } from '#local/aws/synthetic-fleet';
import { type LocalLakeshift, startLocalLakeshift } from '#local/local-lakeshift';
import { type CliResult, cliAgainst, pollUntil } from './run-cli.ts';

// 300 emulated seconds per wall second: a database reaches CDC in about 45 emulated minutes (~9 s of wall time).
const CLOCK_SPEED = 300;
const MIGRATION_ID = 'cli-e2e';
const DATABASES = ['orders', 'billing'];

let aws: LocalLakeshift;
let fleet: SyntheticFleet;
let folder: string;
let lakeshift: (...argv: string[]) => Promise<CliResult>;

beforeAll(async () => {
  aws = await startLocalLakeshift({ clockSpeed: CLOCK_SPEED });
  fleet = prepareSyntheticFleet(aws, {
    migrationId: MIGRATION_ID,
    databaseIds: DATABASES,
    resize: { steadyClass: 'dms.t3.medium', floor: 'dms.t3.medium' },
  });
  folder = await mkdtemp(join(tmpdir(), 'lakeshift-cli-'));
  lakeshift = cliAgainst(aws);
});

afterAll(async () => {
  fleet?.close();
  await aws?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

const statusJson = async (): Promise<StatusRow[]> => {
  const result = await lakeshift('status', MIGRATION_ID, '--json');
  if (result.code !== 0) throw new Error(`status failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { databases: StatusRow[] }).databases;
};

const taskArnOf = (databaseId: string): string =>
  Object.values(aws.dms.snapshot().tasks).find((task) =>
    task.identifier.startsWith(`${MIGRATION_ID}-${databaseId}-`),
  )?.arn ?? '';

const ordersTable = async () => {
  const dms = new DatabaseMigrationServiceClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: aws.credentials,
  });
  try {
    const output = await dms.send(
      new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArnOf('orders') }),
    );
    return output.TableStatistics?.find((table) => table.TableName === 'orders');
  } finally {
    dms.destroy();
  }
};

const taskStatus = () =>
  Object.values(aws.dms.snapshot().tasks).find((task) => task.arn === taskArnOf('orders'))?.status;

const resyncExecutions = () =>
  aws.counters.executions().filter((execution) => execution.stateMachineName === 'lakeshift-resync-table');

const allIn = async (phase: string): Promise<boolean> => {
  const rows = await statusJson().catch(() => []);
  return rows.length === DATABASES.length && rows.every((row) => row.phase === phase);
};

describe('lakeshift against the local AWS', () => {
  it('names the stack it cannot find and what to do', async () => {
    // Act
    const result = await lakeshift('status', '--stack', 'no-such-stack');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stack no-such-stack not found.*--stack/);
  });

  it('names a migration the registry does not know', async () => {
    // Act
    const result = await lakeshift('status', 'never-requested');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no migration never-requested in registry lakeshift-registry/);
  });

  it('rejects a bad request file naming the field, and sends nothing', async () => {
    // Prepare
    const file = join(folder, 'bad.json');
    await writeFile(file, JSON.stringify({ ...fleet.request, migrationId: 'Not Valid' }));

    // Act
    const result = await lakeshift('request', file);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('migrationId');
    expect(aws.counters.executions()).toEqual([]);
  });

  it('prints the plan of a dry run with identifiers, classes and an estimated cost, and sends nothing', async () => {
    // Prepare
    const file = join(folder, 'request.json');
    await writeFile(file, JSON.stringify(fleet.request));

    // Act
    const result = await lakeshift('request', file, '--dry-run');

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`migration ${MIGRATION_ID}: 2 databases`);
    expect(result.stdout).toMatch(
      /instance cli-e2e-orders-ri-[0-9a-f]+: dms\.r5\.xlarge for the full load, then dms\.t3\.medium/,
    );
    expect(result.stdout).toMatch(/estimated total \$\d+\.\d\d/);
    expect(aws.counters.executions()).toEqual([]);
  });

  it('requests a migration, follows it to CDC with status --json, resyncs a table while the task runs on, and tears it down', {
    timeout: 300_000,
  }, async () => {
    // Prepare
    const file = join(folder, 'request.json');
    await writeFile(file, JSON.stringify(fleet.request));

    // Act
    const requested = await lakeshift('request', file);
    await pollUntil('every database in CDC', () => allIn('CDC'));
    const inCdc = await statusJson();
    const human = await lakeshift('status', MIGRATION_ID);
    const resync = await lakeshift('resync', MIGRATION_ID, 'orders', 'public.orders');
    await pollUntil('the resync of orders.orders to end', async () =>
      resyncExecutions().some((execution) => execution.status !== 'RUNNING'),
    );
    const reloaded = await ordersTable();
    const taskAfterResync = await taskStatus();
    const unknownDatabase = await lakeshift('teardown', MIGRATION_ID, 'nope');
    const teardown = await lakeshift('teardown', MIGRATION_ID);
    await pollUntil('every database DELETED', () => allIn('DELETED'));
    const deleted = await statusJson();

    // Assess
    expect(requested).toMatchObject({ code: 0, stderr: '' });
    expect(requested.stdout).toContain(`sent Migration Requested for ${MIGRATION_ID}`);
    expect(inCdc.map((row) => [row.databaseId, row.phase, row.instanceClass])).toEqual([
      ['billing', 'CDC', 'dms.t3.medium'],
      ['orders', 'CDC', 'dms.t3.medium'],
    ]);
    for (const row of inCdc) {
      expect(row.lastResize, row.databaseId).toMatchObject({
        fromClass: 'dms.r5.xlarge',
        toClass: 'dms.t3.medium',
      });
      expect(row.fullLoadPercent, row.databaseId).toBe(100);
      expect(row.costUsd, row.databaseId).toBeGreaterThan(0);
      expect(row.failure, row.databaseId).toBeNull();
    }
    expect(human.stdout).toMatch(/^migration\s+database\s+phase\s+class/);
    expect(human.stdout).toContain('resized dms.r5.xlarge → dms.t3.medium');
    expect(resync).toMatchObject({ code: 0, stderr: '' });
    expect(aws.counters.dmsRequests().filter((call) => call.operation === 'ReloadTables')).toEqual([
      expect.not.objectContaining({ errorCode: expect.anything() }),
    ]);
    expect(reloaded).toMatchObject({
      TableState: 'Table completed',
      FullLoadRows: 5_000,
      FullLoadReloaded: true,
    });
    expect(resyncExecutions().map((execution) => execution.status)).toEqual(['SUCCEEDED']);
    expect(taskAfterResync).toBe('running');
    expect(unknownDatabase).toMatchObject({ code: 1 });
    expect(unknownDatabase.stderr).toContain('has no database nope; it has billing, orders');
    expect(teardown).toMatchObject({ code: 0, stderr: '' });
    expect(deleted.map((row) => row.phase)).toEqual(['DELETED', 'DELETED']);
    expect(Object.keys(aws.dms.snapshot().instances)).toEqual([]);
  });

  it('retries through Retry Requested: nothing without a FAILED database, a named torn-down one as its next attempt', {
    timeout: 300_000,
  }, async () => {
    // Act
    const nothingFailed = await lakeshift('retry', MIGRATION_ID);
    const retried = await lakeshift('retry', MIGRATION_ID, 'orders', '--json');
    await pollUntil('orders in CDC again', async () =>
      (await statusJson()).some((row) => row.databaseId === 'orders' && row.phase === 'CDC'),
    );
    const rows = await statusJson();

    // Assess
    expect(nothingFailed).toMatchObject({ code: 1 });
    expect(nothingFailed.stderr).toContain(`migration ${MIGRATION_ID} has no FAILED database to retry`);
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(retried.stdout)).toMatchObject({
      migrationId: MIGRATION_ID,
      databaseIds: ['orders'],
      attempts: { orders: 1 },
    });
    expect(rows.map((row) => [row.databaseId, row.phase])).toEqual([
      ['billing', 'DELETED'],
      ['orders', 'CDC'],
    ]);
    expect(Object.keys(aws.dms.snapshot().instances)).toHaveLength(1);
  });
});
