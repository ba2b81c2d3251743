/**
 * `dataPlane`: the local DMS data plane against an embedded PostgreSQL.
 * - Full load of a 1,000,000-row table (bigint, text, numeric(12,2), double, timestamptz, boolean) through the
 *   whole workload (slot-less full-load task: COPY out, DuckDB to Parquet, LOAD files published), in rows/s and
 *   MB/s of Parquet, beside the raw `COPY … TO STDOUT` rate of the same table read into a sink that drops it.
 *   Target: full load at least 40% of the raw rate.
 * - CDC latency at a steady write rate: single-row transactions at WRITE_RATE/s for WRITE_SECONDS, with a 1 s
 *   CdcMaxBatchInterval on a real-time clock; latency is commit time (the TimestampColumnName value) to the moment
 *   the file holding the change was published. Target: within the batch interval plus one second.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ScaledClock } from '#local/clock';
import { listLakeTableFiles } from '#local/dataplane/replay';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import type { TaskContext } from '#local/dms/workload';
import { startEmbeddedPostgres } from '#local/postgres/embedded';

const ROWS = 1_000_000;
const WRITE_RATE = 50;
const WRITE_SECONDS = 8;
const BATCH_INTERVAL_SECONDS = 1;
const SECRET_ID = 'bench-source';

interface DataPlaneBench {
  readonly rows: number;
  readonly fullLoadRowsPerSec: number;
  readonly rawCopyRowsPerSec: number;
  readonly parquetMBPerSec: number;
  readonly fullLoadToRawCopyRatio: number;
  readonly cdcLatencyMs: { readonly p50: number; readonly max: number };
  readonly cdcBatchIntervalMs: number;
  readonly cdcChanges: number;
}

const TABLE_SQL = `
  CREATE TABLE big (id bigint PRIMARY KEY, name text, amount numeric(12,2), amount_dbl double precision,
                    ts timestamptz, flag boolean);
  INSERT INTO big SELECT g, 'name ' || (g % 100000), (g * 1.01)::numeric(12,2), g * 0.5,
                         timestamptz '2026-01-01' + g * interval '1 second', g % 2 = 0
  FROM generate_series(1, ${ROWS}) g;
  CREATE TABLE feed (id bigserial PRIMARY KEY, payload text);`;

const include = (table: string) => ({
  'rule-type': 'selection',
  'rule-id': '1',
  'rule-name': table,
  'object-locator': { 'schema-name': 'public', 'table-name': table },
  'rule-action': 'include',
});

const taskContext = (
  overrides: Pick<TaskContext, 'migrationType' | 'tableMappings' | 'signal'> & {
    database: string;
    s3Settings: Record<string, unknown>;
  },
): TaskContext => ({
  taskArn: `arn:aws:dms:us-east-1:123456789012:task:BENCH${overrides.migrationType.length}`,
  taskIdentifier: 'bench',
  migrationType: overrides.migrationType,
  startType: 'start-replication',
  tableMappings: overrides.tableMappings,
  settings: { FullLoadSettings: { TargetTablePrepMode: 'DROP_AND_CREATE', MaxFullLoadSubTasks: 8 } },
  source: {
    endpointArn: 'source',
    endpointIdentifier: 'source',
    endpointType: 'SOURCE',
    engineName: 'postgres',
    databaseName: overrides.database,
    sslMode: 'none',
    postgreSqlSettings: { SecretsManagerSecretId: SECRET_ID, MapBooleanAsBoolean: true },
  },
  target: {
    endpointArn: 'target',
    endpointIdentifier: 'target',
    endpointType: 'TARGET',
    engineName: 's3',
    sslMode: 'none',
    s3Settings: { BucketName: 'bench', DataFormat: 'parquet', ...overrides.s3Settings },
  },
  instance: { identifier: 'bench', instanceClass: 'dms.r5.xlarge', vCpu: 4, memoryGiB: 32 },
  clock: new ScaledClock(1),
  signal: overrides.signal,
  reportTables: () => undefined,
  reportFullLoadFinished: () => undefined,
  reportSample: () => undefined,
  saveCheckpoint: () => undefined,
});

const rawCopyMs = async (client: pg.Client): Promise<number> => {
  const started = performance.now();
  await pipeline(
    client.query(copyTo('COPY big TO STDOUT')),
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    }),
  );
  return performance.now() - started;
};

const percentile = (sorted: readonly number[], fraction: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;

/** Commit-to-file latencies of every change in the files, from their timestamp column. */
const latencies = async (published: ReadonlyMap<string, number>): Promise<number[]> => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const values: number[] = [];
    for (const [file, publishedAt] of published) {
      const result = await connection.runAndReadAll(
        `SELECT epoch_ms(CAST(commit_ts AS TIMESTAMP)) FROM read_parquet('${file.replaceAll("'", "''")}')`,
      );
      for (const [committed] of result.getRows()) values.push(publishedAt - Number(committed));
    }
    return values.sort((a, b) => a - b);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};

const run = async (): Promise<DataPlaneBench> => {
  const server = await startEmbeddedPostgres();
  const lakeDir = await mkdtemp(join(tmpdir(), 'lakeshift-bench-lake-'));
  const admin = new pg.Client({ connectionString: server.url });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    const client = new pg.Client({ connectionString: server.urlFor('bench') });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(TABLE_SQL);
    await client.query('VACUUM ANALYZE big');
    await rawCopyMs(client);
    const rawMs = Math.min(await rawCopyMs(client), await rawCopyMs(client));

    const resolveSecret = async () =>
      JSON.stringify({
        host: server.host,
        port: server.port,
        username: server.user,
        password: server.password,
      });
    const loadStarted = performance.now();
    const outcome = await createPostgresToS3Workload({ lakeDir, resolveSecret }).run(
      taskContext({
        database: 'bench',
        migrationType: 'full-load',
        tableMappings: { rules: [include('big')] },
        signal: new AbortController().signal,
        s3Settings: {},
      }),
    );
    const loadMs = performance.now() - loadStarted;
    if (outcome?.kind !== 'stopped') throw new Error(`full load did not finish: ${JSON.stringify(outcome)}`);
    const files = await listLakeTableFiles(join(lakeDir, 'bench', 'public', 'big'));
    let parquetBytes = 0;
    for (const file of files.load) parquetBytes += (await stat(file)).size;

    const published = new Map<string, number>();
    let startedReading: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => {
      startedReading = resolve;
    });
    const cdcWorkload = createPostgresToS3Workload({
      lakeDir,
      resolveSecret,
      pollIntervalMs: 250,
      observer: {
        filesPublished: (files) => {
          for (const file of files) published.set(file, Date.now());
        },
        cycleFinished: () => startedReading(),
      },
    });
    const stop = new AbortController();
    const cdcRun = cdcWorkload.run(
      taskContext({
        database: 'bench',
        migrationType: 'cdc',
        tableMappings: { rules: [include('feed')] },
        signal: stop.signal,
        s3Settings: { CdcMaxBatchInterval: BATCH_INTERVAL_SECONDS, TimestampColumnName: 'commit_ts' },
      }),
    );
    // Writes begin once the task has its slot and has read once.
    await reading;
    const writes = WRITE_RATE * WRITE_SECONDS;
    const writesStarted = performance.now();
    for (let index = 0; index < writes; index++) {
      await client.query('INSERT INTO feed (payload) VALUES ($1)', [`change ${index}`]);
      const due = writesStarted + ((index + 1) * 1000) / WRITE_RATE;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    // The last batch is due one interval after it was read; allow a margin beyond the target before stopping.
    await new Promise((resolve) => setTimeout(resolve, BATCH_INTERVAL_SECONDS * 1000 + 1500));
    stop.abort();
    await cdcRun;
    await client.end();
    const measured = await latencies(published);

    const fullLoadRowsPerSec = Math.round(ROWS / (loadMs / 1000));
    const rawCopyRowsPerSec = Math.round(ROWS / (rawMs / 1000));
    return {
      rows: ROWS,
      fullLoadRowsPerSec,
      rawCopyRowsPerSec,
      parquetMBPerSec: Math.round((parquetBytes / 1024 / 1024 / (loadMs / 1000)) * 10) / 10,
      fullLoadToRawCopyRatio: Math.round((fullLoadRowsPerSec / rawCopyRowsPerSec) * 100) / 100,
      cdcLatencyMs: { p50: Math.round(percentile(measured, 0.5)), max: Math.round(measured.at(-1) ?? 0) },
      cdcBatchIntervalMs: BATCH_INTERVAL_SECONDS * 1000,
      cdcChanges: measured.length,
    };
  } finally {
    await admin.end().catch(() => undefined);
    await server.stop();
    await rm(lakeDir, { recursive: true, force: true });
  }
};

const format = (result: unknown): string[] => {
  const bench = result as DataPlaneBench;
  return [
    `full load of ${bench.rows.toLocaleString('en-US')} rows: ${bench.fullLoadRowsPerSec.toLocaleString('en-US')} rows/s, ${bench.parquetMBPerSec} MB/s of Parquet`,
    `raw COPY … TO STDOUT of the same table: ${bench.rawCopyRowsPerSec.toLocaleString('en-US')} rows/s (full load = ${Math.round(bench.fullLoadToRawCopyRatio * 100)}% of it; target ≥ 40%)`,
    `CDC latency over ${bench.cdcChanges} changes at ${WRITE_RATE}/s: p50 ${bench.cdcLatencyMs.p50} ms, max ${bench.cdcLatencyMs.max} ms (batch interval ${bench.cdcBatchIntervalMs} ms; target ≤ interval + 1000 ms)`,
  ];
};

export default { title: 'Data plane: PostgreSQL → Parquet full load and CDC', key: 'dataPlane', run, format };
