import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import type { EndpointDescription } from '#local/dms/workload';
import { type RunningPostgres, startEmbeddedPostgres } from '#local/postgres/embedded';
import { usePostgres } from '#test/postgres';
import { newLake } from './lake-queries.ts';
import { fakeTask, SECRET_ID } from './task-context.ts';

// Two slots only, so that the test can use them all up.
const postgres = usePostgres({ maxReplicationSlots: 2 });
let replicaOnly: RunningPostgres;

beforeAll(async () => {
  replicaOnly = await startEmbeddedPostgres({ extraFlags: ['-c', 'wal_level=replica'] });
});
afterAll(async () => {
  await replicaOnly.stop();
});

interface Login {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

const sourceEndpoint = (sslMode = 'none'): EndpointDescription => ({
  endpointArn: 'source',
  endpointIdentifier: 'source',
  endpointType: 'SOURCE',
  engineName: 'postgres',
  sslMode,
  postgreSqlSettings: { SecretsManagerSecretId: SECRET_ID },
});

const workloadFor = (login: Login, lakeDir = tmpdir(), sslFallback: 'prefer' | 'strict' = 'prefer') =>
  createPostgresToS3Workload({
    lakeDir,
    sslFallback,
    resolveSecret: async () =>
      JSON.stringify({
        host: login.host,
        port: login.port,
        username: login.user,
        password: login.password,
        dbname: login.database,
      }),
  });

const loginOf = (server: RunningPostgres, database = 'postgres'): Login => ({
  host: server.host,
  port: server.port,
  user: server.user,
  password: server.password,
  database,
});

const messageOf = (result: { ok: boolean; message?: string }): string =>
  'message' in result ? (result.message ?? '') : '';

describe('testConnection', () => {
  it('succeeds for a source that meets every CDC prerequisite', async () => {
    // Prepare
    const workload = workloadFor(loginOf(postgres.server()));

    // Act
    const result = await workload.testConnection(sourceEndpoint());

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('connects with the endpoint’s own server, port and credentials when it names no secret', async () => {
    // Prepare
    const server = postgres.server();
    const endpoint: EndpointDescription = {
      ...sourceEndpoint(),
      serverName: server.host,
      port: server.port,
      username: server.user,
      password: server.password,
      databaseName: 'postgres',
      postgreSqlSettings: {},
    };

    // Act
    const result = await workloadFor(loginOf(server)).testConnection(endpoint);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('reports a wrong password as DMS words a failed ODBC connection', async () => {
    // Prepare
    const workload = workloadFor({ ...loginOf(postgres.server()), password: 'wrong' });

    // Act
    const result = await workload.testConnection(sourceEndpoint());

    // Assess
    expect(result.ok).toBe(false);
    expect(messageOf(result)).toMatch(
      /^Application-Status: 1020912, Application-Message: Cannot connect to ODBC provider/,
    );
    expect(messageOf(result)).toContain('SqlState: 28P01');
    expect(messageOf(result)).toContain('password authentication failed for user "postgres"');
  });

  it('fails a source whose wal_level is not logical', async () => {
    // Prepare
    const workload = workloadFor(loginOf(replicaOnly));

    // Act
    const result = await workload.testConnection(sourceEndpoint());

    // Assess
    expect(messageOf(result)).toContain(
      "wal_level is 'replica'; logical replication needs wal_level = logical",
    );
  });

  it('fails a task that needs CDC on such a source, before it moves any data', async () => {
    // Prepare
    const lakeDir = await newLake();
    const admin = await postgres.createDatabase();
    const fake = fakeTask({
      db: { ...admin, host: replicaOnly.host, port: replicaOnly.port, name: 'postgres' },
    });

    // Act
    const outcome = await workloadFor(loginOf(replicaOnly), lakeDir).run(fake.ctx);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect(outcome?.kind === 'failed' ? outcome.message : '').toContain("wal_level is 'replica'");
    await expect(stat(join(lakeDir, 'lake'))).rejects.toThrow();
  });

  it('fails when no replication slot is free', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`SELECT pg_create_logical_replication_slot('taken_one', 'test_decoding');
      SELECT pg_create_logical_replication_slot('taken_two', 'test_decoding')`);
    const workload = workloadFor(loginOf(postgres.server(), db.name));

    // Act
    const result = await workload.testConnection(sourceEndpoint());
    await client.query(
      `SELECT pg_drop_replication_slot('taken_one'); SELECT pg_drop_replication_slot('taken_two')`,
    );

    // Assess
    expect(messageOf(result)).toContain('all 2 replication slots (max_replication_slots) are in use');
  });

  it('fails a user that may not replicate', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE ROLE reader LOGIN PASSWORD 'reader-password'`);
    const workload = workloadFor({
      ...loginOf(postgres.server(), db.name),
      user: 'reader',
      password: 'reader-password',
    });

    // Act
    const result = await workload.testConnection(sourceEndpoint());

    // Assess
    expect(messageOf(result)).toContain(
      "user 'reader' is neither a superuser nor has the REPLICATION attribute",
    );
  });

  it('falls back to plain text for SslMode require on a server without TLS, unless told to be strict', async () => {
    // Prepare
    const login = loginOf(postgres.server());

    // Act
    const preferred = await workloadFor(login, tmpdir(), 'prefer').testConnection(sourceEndpoint('require'));
    const strict = await workloadFor(login, tmpdir(), 'strict').testConnection(sourceEndpoint('require'));

    // Assess
    expect(preferred).toEqual({ ok: true });
    expect(messageOf(strict)).toContain('The server does not support SSL connections');
  });

  it('checks an S3 target by writing to its bucket folder', async () => {
    // Prepare
    const lakeDir = await newLake();
    const notAFolder = join(lakeDir, 'file');
    await writeFile(notAFolder, 'x');
    const target: EndpointDescription = {
      endpointArn: 'target',
      endpointIdentifier: 'target',
      endpointType: 'TARGET',
      engineName: 's3',
      sslMode: 'none',
      s3Settings: { BucketName: 'lake', BucketFolder: 'raw', DataFormat: 'parquet' },
    };
    const login = loginOf(postgres.server());

    // Act
    const good = await workloadFor(login, lakeDir).testConnection(target);
    const bad = await workloadFor(login, notAFolder).testConnection(target);
    const csv = await workloadFor(login, lakeDir).testConnection({
      ...target,
      s3Settings: { BucketName: 'lake' },
    });

    // Assess
    expect(good).toEqual({ ok: true });
    expect((await stat(join(lakeDir, 'lake', 'raw'))).isDirectory()).toBe(true);
    expect(messageOf(bad)).toMatch(
      /^Application-Status: 1020414, Application-Message: Failed to upload file to bucket 'lake'/,
    );
    expect(messageOf(csv)).toBe(
      'S3Settings.DataFormat: must be parquet: the local data plane writes Parquet only',
    );
  });
});
