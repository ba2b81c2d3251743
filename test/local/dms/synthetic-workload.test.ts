import { describe, expect, it } from 'vitest';
import { INSTANCE_CLASSES } from '#domain/instance-classes';
import { ManualClock } from '#local/clock';
import {
  createSyntheticWorkload,
  type EndpointDescription,
  isSyntheticEndpoint,
  type RunOutcome,
  routeWorkloads,
  type StartType,
  type SyntheticDatabase,
  type TableStatistics,
  type TaskContext,
  type Workload,
  type WorkloadSample,
} from '#local/dms/index';
import { defaultTaskSettings, mergeSettings } from '#local/dms/settings/task-settings';

const source: EndpointDescription = {
  endpointArn: 'arn:aws:dms:us-east-1:000000000000:endpoint:SRC',
  endpointIdentifier: 'src',
  endpointType: 'SOURCE',
  engineName: 'postgres',
  serverName: 'db.synthetic',
  databaseName: 'shop',
  sslMode: 'none',
};
const target: EndpointDescription = {
  endpointArn: 'arn:aws:dms:us-east-1:000000000000:endpoint:TGT',
  endpointIdentifier: 'tgt',
  endpointType: 'TARGET',
  engineName: 's3',
  sslMode: 'none',
  s3Settings: { BucketName: 'lake', CdcMaxBatchInterval: 60 },
};
const include = (table = '%') => ({
  'rule-type': 'selection',
  'rule-id': '1',
  'rule-name': 'include',
  'object-locator': { 'schema-name': 'public', 'table-name': table },
  'rule-action': 'include',
});

interface Recorded {
  tables: TableStatistics[];
  samples: WorkloadSample[];
  fullLoadFinishedAt?: number;
  checkpoint?: string;
}

/** A TaskContext that records what the workload reports. */
const context = (
  clock: ManualClock,
  options: {
    instanceClass: keyof typeof INSTANCE_CLASSES;
    migrationType?: TaskContext['migrationType'];
    startType?: StartType;
    settings?: object;
    rules?: Array<Record<string, unknown>>;
    checkpoint?: string;
    signal?: AbortSignal;
  },
): { ctx: TaskContext; recorded: Recorded } => {
  const recorded: Recorded = { tables: [], samples: [] };
  const spec = INSTANCE_CLASSES[options.instanceClass];
  const ctx: TaskContext = {
    taskArn: 'arn:aws:dms:us-east-1:000000000000:task:TASK',
    taskIdentifier: 'task',
    migrationType: options.migrationType ?? 'full-load-and-cdc',
    startType: options.startType ?? 'start-replication',
    tableMappings: { rules: options.rules ?? [include()] },
    settings: mergeSettings(defaultTaskSettings(), (options.settings ?? {}) as never),
    source,
    target,
    instance: {
      identifier: 'rep',
      instanceClass: options.instanceClass,
      vCpu: spec.vCpu,
      memoryGiB: spec.memoryGiB,
    },
    clock,
    signal: options.signal ?? new AbortController().signal,
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    reportTables: (tables) => {
      recorded.tables = [...tables];
    },
    reportFullLoadFinished: () => {
      recorded.fullLoadFinishedAt = clock.now();
    },
    reportSample: (sample) => {
      recorded.samples.push(sample);
    },
    saveCheckpoint: (checkpoint) => {
      recorded.checkpoint = checkpoint;
    },
  };
  return { ctx, recorded };
};

/** Runs the workload, moving the clock in 5-second steps until it ends or the time limit passes. */
const drive = async (clock: ManualClock, run: Promise<RunOutcome | undefined>, limitMs: number) => {
  let outcome = 'running' as RunOutcome | undefined | 'running';
  void run.then((value) => {
    outcome = value;
  });
  const end = clock.now() + limitMs;
  while (outcome === 'running' && clock.now() < end) await clock.advance(5_000);
  return outcome;
};

const sixteenTables: SyntheticDatabase = {
  tables: Array.from({ length: 16 }, (_, index) => ({ schema: 'public', name: `t${index}`, rows: 500_000 })),
};

describe('the synthetic workload', () => {
  it('loads faster on a class with more vCPUs when enough tables load in parallel', async () => {
    // Prepare
    const timeToLoad = async (instanceClass: 'dms.t3.medium' | 'dms.r5.2xlarge') => {
      const clock = new ManualClock(0);
      const workload = createSyntheticWorkload({ databases: { shop: sixteenTables } });
      const { ctx, recorded } = context(clock, {
        instanceClass,
        migrationType: 'full-load',
        settings: { FullLoadSettings: { MaxFullLoadSubTasks: 16 } },
      });
      const outcome = await drive(clock, workload.run(ctx), 3_600_000);
      return { outcome, seconds: (recorded.fullLoadFinishedAt ?? 0) / 1000, recorded };
    };

    // Act
    const small = await timeToLoad('dms.t3.medium');
    const large = await timeToLoad('dms.r5.2xlarge');

    // Assess: 2 vCPUs move 45,000 rows/s in all; 8 vCPUs let all 16 tables run at 5,000 rows/s.
    expect(small.seconds).toBe(180);
    expect(large.seconds).toBe(100);
    expect(small.outcome).toEqual({ kind: 'stopped', stopReason: 'FULL_LOAD_ONLY_FINISHED' });
    expect(
      small.recorded.tables.every(
        (table) => table.TableState === 'Table completed' && table.FullLoadRows === 500_000,
      ),
    ).toBe(true);
  });

  it('loads only the tables the selection rules include', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const workload = createSyntheticWorkload({
      databases: {
        shop: {
          tables: [
            { name: 'orders', rows: 10 },
            { name: 'audit_log', rows: 10 },
          ],
        },
      },
    });
    const exclude = {
      ...include('audit%'),
      'rule-id': '2',
      'rule-name': 'no-audit',
      'rule-action': 'exclude',
    };
    const { ctx, recorded } = context(clock, {
      instanceClass: 'dms.t3.medium',
      migrationType: 'full-load',
      rules: [include(), exclude],
    });

    // Act
    await drive(clock, workload.run(ctx), 60_000);

    // Assess
    expect(recorded.tables.map((table) => table.TableName)).toEqual(['orders']);
  });

  it('fails with FATAL_ERROR when no table matches, as DMS does at task initialization', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const workload = createSyntheticWorkload({
      databases: { shop: { tables: [{ name: 'orders', rows: 10 }] } },
    });
    const { ctx } = context(clock, { instanceClass: 'dms.t3.medium', rules: [include('missing')] });

    // Act
    const outcome = await drive(clock, workload.run(ctx), 60_000);

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', stopReason: 'FATAL_ERROR' });
    expect((outcome as { message: string }).message).toMatch(/^No tables were found at task initialization/);
  });

  it('builds a CDC backlog, latency included, when changes outrun the class', async () => {
    // Prepare: a t3.medium applies 4,500 changes/s; the source makes 10,000/s once the multiplier is 100.
    const clock = new ManualClock(0);
    const workload = createSyntheticWorkload({
      databases: { shop: { tables: [{ name: 'orders', rows: 0, changesPerSecond: 100 }] } },
    });
    workload.setChangeRateMultiplier('shop', 100);
    const controller = new AbortController();
    const { ctx, recorded } = context(clock, {
      instanceClass: 'dms.t3.medium',
      migrationType: 'cdc',
      signal: controller.signal,
    });

    // Act
    const run = workload.run(ctx);
    await clock.advance(60_000);
    controller.abort();
    const outcome = await run;

    // Assess
    const last = recorded.samples.at(-1);
    expect(outcome).toBeUndefined();
    expect(last?.rowsRead).toBe(22_500);
    expect(last?.cdcIncomingChanges).toBeGreaterThan(60_000);
    expect(last?.cdcLatencySourceSeconds).toBeGreaterThan(10);
    // 4,500 changes/s of 200 bytes fill a 32,000 KB CDC file in about 36 s, before the 60 s batch interval.
    const flushSeconds = (32_000 * 1024) / (4_500 * 200);
    expect(last?.cdcLatencyTargetSeconds).toBeCloseTo(
      (last?.cdcLatencySourceSeconds ?? 0) + flushSeconds / 2,
      6,
    );
  });

  it('resumes from its checkpoint without reloading, catching up the changes made while it was stopped', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const workload = createSyntheticWorkload({
      databases: {
        shop: {
          tables: [
            {
              name: 'orders',
              rows: 1_000,
              changesPerSecond: 10,
              mix: { inserts: 1, updates: 0, deletes: 0 },
            },
          ],
        },
      },
    });
    const first = context(clock, {
      instanceClass: 'dms.r5.large',
      settings: { FullLoadSettings: { StopTaskCachedChangesApplied: true } },
    });
    const stop = await drive(clock, workload.run(first.ctx), 600_000);
    const insertsAtStop = first.recorded.tables[0]?.Inserts ?? 0;
    const saved = JSON.parse(first.recorded.checkpoint ?? '{}') as { savedAt: number; backlog: number };
    const stoppedAt = saved.savedAt;
    await clock.advance(100_000);
    const stoppedSeconds = (clock.now() - stoppedAt) / 1000;
    const controller = new AbortController();
    const second = context(clock, {
      instanceClass: 'dms.r5.large',
      startType: 'resume-processing',
      checkpoint: first.recorded.checkpoint ?? '',
      signal: controller.signal,
    });

    // Act
    const run = workload.run(second.ctx);
    await clock.advance(10_000);
    controller.abort();
    await run;

    // Assess: what was still queued at the stop, then the time stopped plus 10 s running, at 10 inserts/s.
    expect(stop).toEqual({ kind: 'stopped', stopReason: 'STOPPED_AFTER_CACHED_EVENTS' });
    expect(second.recorded.fullLoadFinishedAt).toBeUndefined();
    expect(second.recorded.tables[0]?.FullLoadRows).toBe(1_000);
    expect(stoppedSeconds).toBeGreaterThanOrEqual(100);
    expect((second.recorded.tables[0]?.Inserts ?? 0) - insertsAtStop).toBe(
      saved.backlog + (stoppedSeconds + 10) * 10,
    );
  });

  it('fails TestConnection for a source declared unreachable and passes targets', async () => {
    // Prepare
    const workload = createSyntheticWorkload({
      databases: {
        shop: { tables: [], connectionFailure: 'could not connect to server: Connection refused' },
      },
    });

    // Act
    const sourceResult = await workload.testConnection(source);
    const targetResult = await workload.testConnection(target);

    // Assess
    expect(sourceResult).toEqual({ ok: false, message: 'could not connect to server: Connection refused' });
    expect(targetResult).toEqual({ ok: true });
  });

  it('generates the same database for the same name when none is declared', () => {
    // Prepare
    const first = createSyntheticWorkload();
    const second = createSyntheticWorkload();

    // Act
    const a = first.databaseFor({ ...source, databaseName: 'billing' });
    const b = second.databaseFor({ ...source, databaseName: 'billing' });

    // Assess
    expect(a).toEqual(b);
    expect(a.tables.length).toBeGreaterThanOrEqual(3);
    expect(a.tables.every((table) => table.rows >= 1_000 && table.rows <= 1_000_000)).toBe(true);
  });
});

describe('workload routing', () => {
  it('recognises synthetic sources by server name or connection attribute', () => {
    // Assess
    expect(isSyntheticEndpoint(source)).toBe(true);
    expect(isSyntheticEndpoint({ ...source, serverName: 'db.internal' })).toBe(false);
    expect(
      isSyntheticEndpoint({
        ...source,
        serverName: 'db.internal',
        extraConnectionAttributes: 'fetchSize=100;synthetic=true',
      }),
    ).toBe(true);
  });

  it('sends synthetic sources to the simulation and others to the data plane', async () => {
    // Prepare
    const synthetic = createSyntheticWorkload();
    const other: Workload = { testConnection: async () => ({ ok: true }), run: async () => undefined };
    const route = routeWorkloads({ synthetic, other });

    // Act
    const forSynthetic = await route(source);
    const forReal = await route({ ...source, serverName: 'pg.example.com' });

    // Assess
    expect(forSynthetic).toBe(synthetic);
    expect(forReal).toBe(other);
  });
});
