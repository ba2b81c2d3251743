import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ScaledClock } from '#local/clock';
import { createDmsEmulator, type DmsEmulator } from '#local/dms/index';
import { createAwsServer, listen } from '#local/http/server';
import { ALL_TABLES } from '../local/dms/support/harness.ts';

/**
 * The AWS CLI v2 (found on PATH by the suite's global setup) against the emulator with `--endpoint-url`. The CLI's
 * waiters sleep 15–60 real seconds between polls, so the emulated clock runs 5,000 times faster than real time: a
 * 12-minute instance creation is over before the CLI has started.
 */
const AWS = inject('awsCli');
const run = promisify(execFile);

let emulator: DmsEmulator;
let server: Server;
let endpoint: string;
/** An instance for the task test, made in-process (it is available before the first CLI command has started). */
let taskInstanceArn: string;

beforeAll(async () => {
  emulator = createDmsEmulator({ clock: new ScaledClock(5_000) });
  server = createAwsServer({ services: [emulator] });
  endpoint = await listen(server);
  const created = (await emulator.handle('CreateReplicationInstance', {
    ReplicationInstanceIdentifier: 'task-rep',
    ReplicationInstanceClass: 'dms.r5.large',
  })) as { ReplicationInstance: { ReplicationInstanceArn: string } };
  taskInstanceArn = created.ReplicationInstance.ReplicationInstanceArn;
});
afterAll(async () => {
  emulator.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const dms = async (...args: string[]): Promise<{ code: number; json: unknown; stderr: string }> => {
  try {
    const { stdout, stderr } = await run(
      AWS,
      ['dms', ...args, '--endpoint-url', endpoint, '--output', 'json'],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PAGER: '',
        },
        timeout: 120_000,
      },
    );
    return { code: 0, json: stdout.trim() ? JSON.parse(stdout) : undefined, stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: failure.code ?? -1, json: undefined, stderr: failure.stderr ?? '' };
  }
};

describe('the AWS CLI v2 against the emulator', () => {
  it('creates an instance, waits for it, and gets ResourceNotFoundFault for a filter that matches nothing', async () => {
    // Act
    const created = await dms(
      'create-replication-instance',
      '--replication-instance-identifier',
      'CLI-Rep',
      '--replication-instance-class',
      'dms.t3.medium',
    );
    const waited = await dms(
      'wait',
      'replication-instance-available',
      '--filters',
      'Name=replication-instance-id,Values=cli-rep',
    );
    const missing = await dms(
      'describe-replication-instances',
      '--filters',
      'Name=replication-instance-id,Values=nope',
    );

    // Assess
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      ReplicationInstance: {
        ReplicationInstanceIdentifier: 'cli-rep',
        ReplicationInstanceStatus: 'creating',
      },
    });
    expect(waited.code).toBe(0);
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain(
      'An error occurred (ResourceNotFoundFault) when calling the DescribeReplicationInstances operation',
    );
  });

  it('runs a task through the CLI waiters: ready, running, stopped', async () => {
    // Prepare
    const source = (
      await dms(
        'create-endpoint',
        '--endpoint-identifier',
        'cli-source',
        '--endpoint-type',
        'source',
        '--engine-name',
        'postgres',
        '--server-name',
        'db.synthetic',
        '--database-name',
        'shop',
      )
    ).json as { Endpoint: { EndpointArn: string } };
    const target = (
      await dms(
        'create-endpoint',
        '--endpoint-identifier',
        'cli-target',
        '--endpoint-type',
        'target',
        '--engine-name',
        's3',
        '--s3-settings',
        'BucketName=lake,DataFormat=parquet',
      )
    ).json as { Endpoint: { EndpointArn: string } };

    // Act
    const created = (
      await dms(
        'create-replication-task',
        '--replication-task-identifier',
        'cli-task',
        '--source-endpoint-arn',
        source.Endpoint.EndpointArn,
        '--target-endpoint-arn',
        target.Endpoint.EndpointArn,
        '--replication-instance-arn',
        taskInstanceArn,
        '--migration-type',
        'full-load-and-cdc',
        '--table-mappings',
        ALL_TABLES,
      )
    ).json as { ReplicationTask: { ReplicationTaskArn: string } };
    const taskArn = created.ReplicationTask.ReplicationTaskArn;
    const filter = `Name=replication-task-arn,Values=${taskArn}`;
    const ready = await dms('wait', 'replication-task-ready', '--filters', filter);
    const started = await dms(
      'start-replication-task',
      '--replication-task-arn',
      taskArn,
      '--start-replication-task-type',
      'start-replication',
    );
    const running = await dms('wait', 'replication-task-running', '--filters', filter);
    await dms('stop-replication-task', '--replication-task-arn', taskArn);
    const stopped = await dms('wait', 'replication-task-stopped', '--filters', filter);
    const described = (await dms('describe-replication-tasks', '--filters', filter, '--without-settings'))
      .json as {
      ReplicationTasks: Array<{ Status: string; StopReason: string }>;
    };

    // Assess
    expect([ready.code, started.code, running.code, stopped.code]).toEqual([0, 0, 0, 0]);
    expect(described.ReplicationTasks[0]).toMatchObject({
      Status: 'stopped',
      StopReason: 'Stop Reason NORMAL',
    });
  });
});
