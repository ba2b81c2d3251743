import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSource, resolveSourceConnection } from '#local/dataplane/source';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import type { EndpointDescription } from '#local/dms/workload';
import { type RunningPostgres, startEmbeddedPostgres } from '#local/postgres/embedded';
import { generateServerCertificate } from '#local/postgres/tls';
import { usePostgres } from '#test/postgres';
import { newLake } from './lake-queries.ts';
import { fakeTask, SECRET_ID } from './task-context.ts';

// Two slots only, so that the test can use them all up.
const postgres = usePostgres({ maxReplicationSlots: 2 });
// What some users' servers lack: logical decoding and TLS (one server for both keeps the file fast).
let replicaOnly: RunningPostgres;

beforeAll(async () => {
  replicaOnly = await startEmbeddedPostgres({ tls: false, extraFlags: ['-c', 'wal_level=replica'] });
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

const secretOf = (login: Login) => ({
  host: login.host,
  port: login.port,
  username: login.user,
  password: login.password,
  dbname: login.database,
});

const workloadFor = (login: Login, lakeDir = tmpdir(), trustedCa?: string) =>
  createPostgresToS3Workload({
    lakeDir,
    ...(trustedCa === undefined ? {} : { trustedCa }),
    resolveSecret: async () => JSON.stringify(secretOf(login)),
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

  it('connects over TLS for SslMode require without checking the self-signed certificate', async () => {
    // Prepare
    const workload = workloadFor(loginOf(postgres.server()));

    // Act
    const result = await workload.testConnection(sourceEndpoint('require'));

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('fails SslMode require on a server without TLS, naming the mode, with no plain-text fallback', async () => {
    // Prepare: wal_level would fail too, later; TLS is refused first, as DMS refuses it.
    const workload = workloadFor(loginOf(replicaOnly));

    // Act
    const result = await workload.testConnection(sourceEndpoint('require'));

    // Assess
    expect(messageOf(result)).toMatch(
      /^Application-Status: 1020912, Application-Message: Cannot connect to ODBC provider/,
    );
    expect(messageOf(result)).toContain(
      '[unixODBC]SslMode require: server does not support SSL, but SSL was required',
    );
  });

  it('accepts verify-ca and verify-full when trusted with the server’s CA certificate', async () => {
    // Prepare
    const server = postgres.server();
    const workload = workloadFor(loginOf(server), tmpdir(), server.caCertificatePem);

    // Act
    const verifyCa = await workload.testConnection(sourceEndpoint('verify-ca'));
    const verifyFull = await workload.testConnection(sourceEndpoint('verify-full'));

    // Assess
    expect(verifyCa).toEqual({ ok: true });
    expect(verifyFull).toEqual({ ok: true });
  });

  it('compares the host name for verify-full only', async () => {
    // Prepare: 127.1 reaches 127.0.0.1 through the resolver, but is not a name the certificate lists.
    const server = postgres.server();
    const workload = workloadFor({ ...loginOf(server), host: '127.1' }, tmpdir(), server.caCertificatePem);

    // Act
    const verifyCa = await workload.testConnection(sourceEndpoint('verify-ca'));
    const verifyFull = await workload.testConnection(sourceEndpoint('verify-full'));

    // Assess
    expect(verifyCa).toEqual({ ok: true });
    expect(messageOf(verifyFull)).toContain(
      "SslMode verify-full: SSL error: Hostname/IP does not match certificate's altnames",
    );
  });

  it('fails verify-ca and verify-full without the CA, as the system CAs do not know a self-signed one', async () => {
    // Prepare
    const workload = workloadFor(loginOf(postgres.server()));

    // Act
    const verifyCa = await workload.testConnection(sourceEndpoint('verify-ca'));
    const verifyFull = await workload.testConnection(sourceEndpoint('verify-full'));

    // Assess
    expect(messageOf(verifyCa)).toContain('SslMode verify-ca: SSL error: self-signed certificate');
    expect(messageOf(verifyFull)).toContain('SslMode verify-full: SSL error: self-signed certificate');
    expect(messageOf(verifyFull)).toContain('give the CA that signed it');
  });

  it('fails verify-ca against a CA that did not sign the server’s certificate', async () => {
    // Prepare: the CA of another server with the same names.
    const stranger = await generateServerCertificate();
    const workload = workloadFor(loginOf(postgres.server()), tmpdir(), stranger.certificatePem);

    // Act
    const result = await workload.testConnection(sourceEndpoint('verify-ca'));

    // Assess
    expect(result.ok).toBe(false);
    expect(messageOf(result)).toContain('SslMode verify-ca: SSL error:');
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

describe('connectSource', () => {
  const sslInUse = async (sslMode: string): Promise<boolean | undefined> => {
    const source = await resolveSourceConnection(sourceEndpoint(sslMode), async () =>
      JSON.stringify(secretOf(loginOf(postgres.server()))),
    );
    const client = await connectSource(source);
    try {
      const { rows } = await client.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return rows[0]?.ssl;
    } finally {
      await client.end();
    }
  };

  it('encrypts the session for require and leaves it plain for none', async () => {
    // Act
    const required = await sslInUse('require');
    const none = await sslInUse('none');

    // Assess
    expect(required).toBe(true);
    expect(none).toBe(false);
  });
});
