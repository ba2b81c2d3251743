/**
 * `dmsEmulator`: how many Describe requests per second the local DMS answers over HTTP on loopback, so it is never
 * the bottleneck of a local fleet run (target: at least 2,000/s). A fixed number of AWS JSON requests on keep-alive
 * connections, shaped like a fleet's polling: DescribeReplicationInstances and DescribeReplicationTasks filtered on one
 * resource of a 20-database fleet (as the handlers and the SDK waiters ask), one in ten unfiltered. The load comes
 * from a worker thread, so the client does not share the emulator's event loop.
 */
import { Worker } from 'node:worker_threads';
import { ManualClock } from '#local/clock';
import { createDmsEmulator, DEFAULT_DURATIONS, type DmsEmulator, includeAllTables } from '#local/dms/index';
import { createAwsServer, listen } from '#local/http/server';

const DATABASES = 20;
const REQUESTS = 6_000;
const CONCURRENCY = 16;

interface DmsEmulatorBench {
  readonly describeRequestsPerSec: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly fleet: number;
}

const ALL_TABLES = includeAllTables();

/** The load generator, run in a worker: plain JavaScript, so it needs no loader. */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { url, bodies, requests, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const call = ({ operation, body }) => new Promise((resolve, reject) => {
  const req = request({ agent, host: target.hostname, port: target.port, method: 'POST', path: '/', headers: {
    'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonDMSv20160101.' + operation,
    'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end(body);
});
let sent = 0;
let failed = 0;
const worker = async () => {
  while (sent < requests) {
    const next = bodies[sent % bodies.length];
    sent += 1;
    if ((await call(next)) !== 200) failed += 1;
  }
};
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  parentPort.postMessage({ seconds: (performance.now() - started) / 1000, failed });
  agent.destroy();
}, (error) => parentPort.postMessage({ error: String(error) }));
`;

const setUpFleet = async (
  emulator: DmsEmulator,
  clock: ManualClock,
): Promise<{ instanceArns: string[]; taskArns: string[] }> => {
  const call = async <T>(operation: string, input: object): Promise<T> =>
    (await emulator.handle(operation, input as Record<string, unknown>)) as T;
  const instanceArns: string[] = [];
  for (let index = 0; index < DATABASES; index++) {
    const created = await call<{ ReplicationInstance: { ReplicationInstanceArn: string } }>(
      'CreateReplicationInstance',
      { ReplicationInstanceIdentifier: `bench-${index}`, ReplicationInstanceClass: 'dms.r5.xlarge' },
    );
    instanceArns.push(created.ReplicationInstance.ReplicationInstanceArn);
  }
  await clock.advance(DEFAULT_DURATIONS.instanceCreate);
  const taskArns: string[] = [];
  for (const [index, instanceArn] of instanceArns.entries()) {
    const endpoint = async (type: string, body: object) =>
      (
        await call<{ Endpoint: { EndpointArn: string } }>('CreateEndpoint', {
          EndpointIdentifier: `bench-${index}-${type}`,
          ...body,
        })
      ).Endpoint.EndpointArn;
    const source = await endpoint('source', {
      EndpointType: 'source',
      EngineName: 'postgres',
      ServerName: 'db.synthetic',
      DatabaseName: `db${index}`,
    });
    const target = await endpoint('target', {
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: { BucketName: 'lake' },
    });
    const task = await call<{ ReplicationTask: { ReplicationTaskArn: string } }>('CreateReplicationTask', {
      ReplicationTaskIdentifier: `bench-${index}-task`,
      SourceEndpointArn: source,
      TargetEndpointArn: target,
      ReplicationInstanceArn: instanceArn,
      MigrationType: 'full-load-and-cdc',
      TableMappings: ALL_TABLES,
    });
    taskArns.push(task.ReplicationTask.ReplicationTaskArn);
  }
  await clock.advance(DEFAULT_DURATIONS.taskCreate);
  return { instanceArns, taskArns };
};

/** The request mix: per fleet member a filtered instance and task describe; every tenth request unfiltered. */
const requestBodies = (instanceArns: string[], taskArns: string[]) =>
  Array.from({ length: DATABASES * 10 }, (_, index) => {
    const member = index % DATABASES;
    const unfiltered = index % 10 === 0;
    if (index % 2 === 0)
      return {
        operation: 'DescribeReplicationInstances',
        body: JSON.stringify(
          unfiltered
            ? {}
            : { Filters: [{ Name: 'replication-instance-arn', Values: [instanceArns[member]] }] },
        ),
      };
    return {
      operation: 'DescribeReplicationTasks',
      body: JSON.stringify({
        WithoutSettings: true,
        ...(unfiltered ? {} : { Filters: [{ Name: 'replication-task-arn', Values: [taskArns[member]] }] }),
      }),
    };
  });

const run = async (): Promise<DmsEmulatorBench> => {
  const clock = new ManualClock();
  // The emulator's own speed is measured, not the account's API budget.
  const emulator = createDmsEmulator({ clock, faults: { throttleBucket: false } });
  const server = createAwsServer({ services: [emulator] });
  const url = await listen(server);
  try {
    const { instanceArns, taskArns } = await setUpFleet(emulator, clock);
    const worker = new Worker(LOAD_GENERATOR, {
      eval: true,
      workerData: {
        url,
        bodies: requestBodies(instanceArns, taskArns),
        requests: REQUESTS,
        concurrency: CONCURRENCY,
      },
    });
    const result = await new Promise<{ seconds?: number; failed?: number; error?: string }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    await worker.terminate();
    if (result.error !== undefined || result.seconds === undefined)
      throw new Error(`load generator: ${result.error}`);
    if (result.failed) throw new Error(`${result.failed} describe requests failed`);
    return {
      describeRequestsPerSec: Math.round(REQUESTS / result.seconds),
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      fleet: DATABASES,
    };
  } finally {
    emulator.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};

export default {
  title: 'DMS emulator: Describe requests per second over loopback HTTP',
  key: 'dmsEmulator',
  run,
  format: (result: unknown): string[] => {
    const bench = result as DmsEmulatorBench;
    return [
      `${bench.describeRequestsPerSec} Describe requests/s (${bench.requests} requests, ${bench.concurrency} in flight, ` +
        `${bench.fleet} instances and tasks; target >= 2000/s)`,
    ];
  },
};
