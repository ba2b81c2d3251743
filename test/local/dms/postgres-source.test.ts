import {
  type Connection,
  CreateEndpointCommand,
  type CreateEndpointCommandInput,
  CreateReplicationTaskCommand,
  DeleteReplicationTaskCommand,
  DescribeConnectionsCommand,
  DescribeReplicationTasksCommand,
  ImportCertificateCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresToS3Workload, type PostgresToS3WorkloadOptions } from '#local/dataplane/workload';
import { DEFAULT_DURATIONS } from '#local/dms/index';
import { usePostgres } from '#test/postgres';
import {
  dropInactiveReplicationSlots,
  expectNoReplicationSlots,
  replicationSlotsOn,
} from '#test/replication-slots';
import { newLake } from '../dataplane/lake-queries.ts';
import {
  ALL_TABLES,
  availableInstance,
  createS3Target,
  type Harness,
  startHarness,
  startTask,
} from './support/harness.ts';

// The emulated DMS in front of the real data plane and a real PostgreSQL: what a source endpoint meets.
const postgres = usePostgres();
let harness: Harness;
afterEach(async () => {
  await harness.close();
  // Each harness numbers its resources from the start, so tasks (and the slot names derived from them) repeat.
  await dropInactiveReplicationSlots(postgres.server().url);
});

/** The real data plane; the sources here log in with the endpoint's own credentials, so no secret is read. */
const startWithDataPlane = async (options: Partial<PostgresToS3WorkloadOptions> = {}) => {
  const workload = createPostgresToS3Workload({
    lakeDir: await newLake(),
    resolveSecret: async (id) => {
      throw new Error(`no secret ${id} in this test`);
    },
    ...options,
  });
  harness = await startHarness({ workloadFor: () => workload });
};

const createSource = async (
  identifier: string,
  database: { host: string; port: number; user: string; password: string; name: string },
  extra: Partial<CreateEndpointCommandInput> = {},
): Promise<string> => {
  const created = await harness.client.send(
    new CreateEndpointCommand({
      EndpointIdentifier: identifier,
      EndpointType: 'source',
      EngineName: 'postgres',
      ServerName: database.host,
      Port: database.port,
      DatabaseName: database.name,
      Username: database.user,
      Password: database.password,
      SslMode: 'none',
      ...extra,
    }),
  );
  return created.Endpoint?.EndpointArn ?? '';
};

/** TestConnection, then the connection as DescribeConnections shows it once the test is over. */
const testConnection = async (instanceArn: string, endpointArn: string): Promise<Connection | undefined> => {
  await harness.client.send(
    new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn }),
  );
  await harness.advance(DEFAULT_DURATIONS.connectionTest);
  // The check itself talks to a real server: its answer arrives when the server has answered.
  return vi.waitFor(
    async () => {
      const listed = await harness.client.send(
        new DescribeConnectionsCommand({ Filters: [{ Name: 'endpoint-arn', Values: [endpointArn] }] }),
      );
      const connection = listed.Connections?.[0];
      if (connection?.Status === 'testing') throw new Error('the connection test is still running');
      return connection;
    },
    { timeout: 20_000, interval: 20 },
  );
};

describe('TestConnection on a PostgreSQL source with verify-full', () => {
  it('fails the connection test, with DMS’s SSL error, when the server’s certificate does not name the host', async () => {
    // Prepare: the server's own CA imported and assigned, as lakeshift does; 127.1 reaches the server but is not
    // a name its certificate lists, 127.0.0.1 is.
    await startWithDataPlane();
    const db = await postgres.createDatabase('tls');
    const ca = postgres.server().caCertificatePem ?? '';
    const imported = await harness.client.send(
      new ImportCertificateCommand({ CertificateIdentifier: 'source-ca', CertificatePem: ca }),
    );
    const verifyFull = {
      SslMode: 'verify-full' as const,
      CertificateArn: imported.Certificate?.CertificateArn ?? '',
    };
    const instanceArn = await availableInstance(harness, 'tls-rep');
    const mismatched = await createSource('by-other-name', { ...db, host: '127.1' }, verifyFull);
    const matching = await createSource('by-its-name', db, verifyFull);

    // Act
    const failed = await testConnection(instanceArn, mismatched);
    const succeeded = await testConnection(instanceArn, matching);

    // Assess
    expect(failed).toMatchObject({
      Status: 'failed',
      EndpointIdentifier: 'by-other-name',
      LastFailureMessage: expect.stringContaining(
        "SslMode verify-full: SSL error: Hostname/IP does not match certificate's altnames",
      ),
    });
    expect(succeeded).toMatchObject({ Status: 'successful', EndpointIdentifier: 'by-its-name' });
  });
});

describe('DeleteReplicationTask on a PostgreSQL source', () => {
  /** A full-load-and-cdc task that ran (its slot created), was stopped and deleted; the slots left on the server. */
  const runStopAndDelete = async (prefix: string) => {
    const db = await postgres.createDatabase(prefix);
    const client = await db.connect();
    await client.query('CREATE TABLE orders (id int PRIMARY KEY, total numeric(10, 2))');
    await client.query('INSERT INTO orders SELECT i, i * 1.5 FROM generate_series(1, 50) AS i');
    const instanceArn = await availableInstance(harness, `${prefix}-rep`);
    const sourceArn = await createSource(`${prefix}-source`, db);
    const target = await createS3Target(harness, prefix);
    const created = await harness.client.send(
      new CreateReplicationTaskCommand({
        ReplicationTaskIdentifier: `${prefix}-task`,
        SourceEndpointArn: sourceArn,
        TargetEndpointArn: target.EndpointArn,
        ReplicationInstanceArn: instanceArn,
        MigrationType: 'full-load-and-cdc',
        TableMappings: ALL_TABLES,
      }),
    );
    const taskArn = created.ReplicationTask?.ReplicationTaskArn ?? '';
    await harness.advance(DEFAULT_DURATIONS.taskCreate);
    await startTask(harness, taskArn);
    await harness.advance(DEFAULT_DURATIONS.taskStart);
    const running = await vi.waitFor(
      async () => {
        const { count } = await replicationSlotsOn(postgres.server().url);
        if (count === 0) throw new Error('the task has not created its slot yet');
        return count;
      },
      { timeout: 20_000, interval: 20 },
    );
    await harness.client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await harness.advance(DEFAULT_DURATIONS.taskStop);
    await harness.client.send(new DeleteReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await harness.advance(DEFAULT_DURATIONS.taskDelete);
    await vi.waitFor(
      async () => {
        const listed = await harness.client
          .send(
            new DescribeReplicationTasksCommand({
              Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
            }),
          )
          .catch((error: unknown) => {
            // DescribeReplicationTasks answers ResourceNotFoundFault once no task matches.
            if ((error as { name?: string }).name === 'ResourceNotFoundFault')
              return { ReplicationTasks: [] };
            throw error;
          });
        if (listed.ReplicationTasks?.length) throw new Error('the task is still being deleted');
      },
      { timeout: 20_000, interval: 20 },
    );
    return { slotsWhileRunning: running, after: await replicationSlotsOn(postgres.server().url) };
  };

  it('drops the slot the task created, as the DMS user guide documents', async () => {
    // Prepare
    await startWithDataPlane();
    // Act
    const { slotsWhileRunning } = await runStopAndDelete('deleted');
    // Assess
    expect(slotsWhileRunning).toBe(1);
    await expectNoReplicationSlots(postgres.server().url);
  });

  it('leaves the slot when the deletion does not drop it (dropSlotOnTaskDelete false), for teardown to drop', async () => {
    // Prepare
    await startWithDataPlane({ dropSlotOnTaskDelete: false });
    // Act
    const { after } = await runStopAndDelete('kept');
    // Assess: the kept task's slot, inactive, in its database.
    expect(after.slots).toEqual([expect.stringMatching(/ \(kept_[0-9a-f]+\)$/)]);
  });
});
