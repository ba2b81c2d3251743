/**
 * One demo run: sources (embedded and seeded, or existing), the local AWS with lakeshift's stack, the credentials
 * in the local Secrets Manager, a `Migration Requested` event built from the shipped example request, writes on the
 * sources and a load spike, live progress, then the verification of every table and the report beside the lake.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { connect } from '#cli/connection';
import { UnknownMigrationError } from '#cli/errors';
import { createFleetReader, type FleetReader, fleetStatusRows } from '#cli/fleet';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { DEFAULT_STACK_NAME } from '#contracts/stack-outputs';
import { startWriteLoad, type WriteLoad } from '../../examples/demo/write-load.ts';
import type { LocalAws } from '../aws/index.ts';
import { type RegistryWrite, registryWriteOf } from '../aws/registry-writes.ts';
import type { Clock } from '../clock.ts';
import { createPostgresToS3Workload } from '../dataplane/workload.ts';
import { type LocalLakeshift, startLocalLakeshift } from '../local-lakeshift.ts';
import { buildReport, type MetricSeries } from '../report/model.ts';
import { loadPriceTable } from '../report/prices.ts';
import { type WrittenReport, writeReport } from '../report/write.ts';
import { renderVerificationTable } from '../verify/render.ts';
import { allEqual, type TableVerification } from '../verify/verify.ts';
import { amplifyCdcLoad } from './amplify.ts';
import { putLakeshiftEvent } from './events.ts';
import { chosenMappings, describeFidelity } from './fidelity.ts';
import { readDatabaseCatalog, writeCatalogJson } from './lake-catalog.ts';
import { type AwsConnection, createMigrationObserver, type MigrationObserver } from './observe.ts';
import type { DemoOptions } from './options.ts';
import { createProgressReporter, type ProgressOutput, type ProgressReporter } from './progress.ts';
import { TimelineRecorder } from './recorder.ts';
import { buildDemoRequest, readDemoRequestTemplate } from './request.ts';
import { DEFAULT_SCENARIO_DEADLINES, DemoScenario } from './scenario.ts';
import { type DemoSource, type PreparedSources, plainTextWarning, prepareSources } from './sources.ts';
import { type TeardownOutcome, tearDownExisting } from './teardown.ts';
import { catchUpAndVerify } from './verify-lake.ts';
import { watchMigration } from './watch.ts';

/** Writes per wall-clock second on each demo database, and on the spiking one during the spike. */
export const STEADY_WRITES_PER_SECOND: Readonly<Record<string, number>> = {
  orders: 20,
  awkward: 5,
  settings: 2,
};
export const SPIKE_WRITES_PER_SECOND = 400;
/**
 * How many production changes one demo change stands for in the emulator's load model (see amplify.ts). The CDC
 * load is also multiplied by the clock speed, so that the model sees the writes at their wall-clock rate.
 */
export const DEMO_SOURCE_SCALE = 20;
const POLL_MS = 250;
/** Wall-clock bounds: the migration, the catch-up of CDC after the writes stop, the teardown of `--source` runs. */
const RUN_DEADLINE_MS = 10 * 60_000;
const CATCH_UP_DEADLINE_MS = 60_000;
const TEARDOWN_DEADLINE_MS = 90_000;
/** A valid ARN for checking the request before the real secrets exist. */
const PENDING_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:000000000000:secret:lakeshift-demo/pending-000000';

export interface DemoRunResult {
  readonly exitCode: number;
  readonly verification: readonly TableVerification[];
  /** Replication slots still on the sources after the teardown (none when all went well). */
  readonly slotsLeft?: TeardownOutcome['slotsLeft'];
  readonly report?: WrittenReport;
  readonly failure?: string;
}

export interface DemoTerminal {
  readonly out: ProgressOutput;
  readonly isTty: boolean;
  readonly width?: number;
}

/**
 * A clock of the caller's instead of a ScaledClock at `--clock-speed` (the end-to-end tests pass one that stands
 * still while a handler runs, so a loaded machine does not shorten the spike the alarms must see), told when the
 * local AWS is up.
 */
export interface DemoPacing {
  readonly clock: Clock;
  readonly started?: (aws: LocalLakeshift) => void;
}

export class DemoRunError extends Error {
  override readonly name = 'DemoRunError';
}

/** The source's credentials as an RDS-style secret in the local Secrets Manager; returns its ARN. */
const storeSecret = (aws: LocalAws, source: DemoSource): string =>
  aws.secretsManager.createSecretDirect(
    `lakeshift-demo/${source.databaseId}`,
    JSON.stringify({
      engine: 'postgres',
      host: source.host,
      port: source.port,
      username: source.user,
      password: source.password,
      dbname: source.databaseName,
    }),
  );

const startLoads = async (
  sources: readonly DemoSource[],
  log: (text: string) => void,
): Promise<Map<string, WriteLoad>> => {
  const loads = new Map<string, WriteLoad>();
  for (const source of sources) {
    loads.set(
      source.databaseId,
      await startWriteLoad({
        url: source.url,
        databaseId: source.databaseId,
        ratePerSecond: STEADY_WRITES_PER_SECOND[source.databaseId] ?? 1,
        onError: (error) => log(`write load on ${source.databaseId}: ${(error as Error).message}`),
      }),
    );
  }
  return loads;
};

const stopLoads = async (loads: Map<string, WriteLoad>, log: (text: string) => void): Promise<void> => {
  for (const [databaseId, load] of loads) {
    const counts = await load.stop();
    log(
      `${databaseId}: wrote ${counts.inserts} inserts, ${counts.updates} updates, ${counts.deletes} deletes`,
    );
  }
  loads.clear();
};

export const runDemo = async (
  options: DemoOptions,
  terminal: DemoTerminal,
  pacing?: DemoPacing,
): Promise<DemoRunResult> => {
  const prices = loadPriceTable(options.prices);
  const lakeDir = resolve(options.lakeDir);
  const template = readDemoRequestTemplate();
  const started = Date.now();

  let aws: LocalLakeshift | undefined;
  let reporter: ProgressReporter | undefined;
  // Messages from before the local AWS (and its clock) exist wait here.
  const pending: string[] = [];
  const log = (text: string) => {
    if (reporter && aws) reporter.emit({ type: 'message', at: aws.clock.now(), text });
    else pending.push(text);
  };
  let prepared: PreparedSources | undefined;
  let observer: MigrationObserver | undefined;
  let stopWatchingWrites: (() => void) | undefined;
  let fleet: FleetReader | undefined;
  let loads = new Map<string, WriteLoad>();
  try {
    prepared = await prepareSources({ ...options, log });
    const { sources } = prepared;
    const checked = buildDemoRequest(
      template,
      sources.map((s) => ({
        databaseId: s.databaseId,
        databaseName: s.databaseName,
        secretArn: PENDING_SECRET_ARN,
      })),
    );
    const target = checked['target'] as { bucket: string; folder: string };
    const migrationId = String(checked['migrationId']);
    // A previous run's CDC files would be replayed on top of this run's: start from an empty demo folder.
    await rm(join(lakeDir, target.bucket, target.folder), { recursive: true, force: true });
    await mkdir(join(lakeDir, target.bucket), { recursive: true });

    const dataPlane = createPostgresToS3Workload({
      lakeDir,
      // DMS does not document whether change-data-type acts before its own type mapping; the demo runs the
      // reading under which lakeshift's remedies work, and says so (docs/column-fidelity.md).
      undocumented: { changeDataTypeOnSourceValue: true },
      resolveSecret: async (secretId) => {
        if (!aws) throw new DemoRunError('the local Secrets Manager is not running');
        return aws.secretsManager.resolveSecretString(secretId);
      },
    });
    aws = await startLocalLakeshift({
      ...(pacing ? { clock: pacing.clock } : { clockSpeed: options.clockSpeed }),
      lakeDir,
      workloads: { dataPlane: amplifyCdcLoad(dataPlane, options.clockSpeed * DEMO_SOURCE_SCALE) },
    });
    pacing?.started?.(aws);
    const { clock, stack } = aws;
    const connection: AwsConnection = {
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: aws.credentials,
    };
    reporter = createProgressReporter({
      mode: options.json ? 'json' : terminal.isTty ? 'tty' : 'log',
      out: terminal.out,
      startedAt: clock.now(),
      databaseIds: sources.map((source) => source.databaseId),
      ...(terminal.width === undefined ? {} : { width: terminal.width }),
    });
    for (const text of pending.splice(0)) log(text);
    log(`local AWS on ${aws.endpoint}, clock ${options.clockSpeed}× real time, lake in ${lakeDir}`);

    const localAws = aws;
    // Every phase the registry records, from the first: the timeline must not depend on how often the demo polls.
    const phaseWrites: RegistryWrite[] = [];
    let onPhaseWrite = (write: RegistryWrite) => {
      phaseWrites.push(write);
    };
    stopWatchingWrites = localAws.dynamoDb.observe((exchange) => {
      const write = registryWriteOf(exchange, stack.registryTableName);
      if (write && write.item.migrationId === migrationId) onPhaseWrite(write);
    });
    // The embedded server's CA, as a secret: the database the template verifies (verify-full) imports it into DMS.
    const caSecretArn =
      prepared.caCertificatePem === undefined
        ? undefined
        : localAws.secretsManager.createSecretDirect('lakeshift-demo/source-ca', prepared.caCertificatePem);
    const request = buildDemoRequest(
      template,
      sources.map((source) => ({
        databaseId: source.databaseId,
        databaseName: source.databaseName,
        secretArn: storeSecret(localAws, source),
        ...(source.plainText ? { plainText: true } : {}),
        ...(caSecretArn === undefined ? {} : { caCertificateSecretArn: caSecretArn }),
      })),
      options.lossy,
    );
    await putLakeshiftEvent(
      connection,
      stack.eventBusName,
      LAKESHIFT_DETAIL_TYPES.migrationRequested,
      request,
    );
    for (const source of sources.filter((candidate) => candidate.plainText)) log(plainTextWarning(source));
    log(`sent Migration Requested for ${sources.map((s) => s.databaseId).join(', ')}`);

    const writable = options.quiet ? [] : sources.filter((source) => source.demo !== undefined);
    loads = await startLoads(writable, log);
    const spikeDatabase =
      writable.find((s) => s.databaseId === 'orders')?.databaseId ?? writable[0]?.databaseId;
    observer = createMigrationObserver({
      aws: connection,
      registryTableName: stack.registryTableName,
      migrationId,
      fleetStateMachineArn: stack.stateMachineArns['migrate-fleet'],
    });
    // The live table is the command line's `watch`: the same connection (the stack found by name), rows and renderer.
    if (terminal.isTty && !options.json) {
      fleet = createFleetReader(
        await connect({
          stackName: DEFAULT_STACK_NAME,
          endpoint: aws.endpoint,
          region: aws.region,
          credentials: aws.credentials,
        }),
      );
    }
    const fleetReader = fleet;
    const watchedFrom = clock.now();
    const recorder = new TimelineRecorder(watchedFrom);
    onPhaseWrite = (write) =>
      recorder.phaseWritten(write.databaseId, write.phase, Date.parse(write.item.phaseChangedAt ?? ''));
    for (const write of phaseWrites.splice(0)) onPhaseWrite(write);
    const failure = await watchMigration({
      databaseIds: sources.map((source) => source.databaseId),
      observer,
      recorder,
      reporter,
      scenario: new DemoScenario({
        databaseIds: sources.map((source) => source.databaseId),
        ...(spikeDatabase === undefined ? {} : { spikeDatabase }),
        ...DEFAULT_SCENARIO_DEADLINES,
      }),
      loads: {
        spike: (id) => loads.get(id)?.setRate(SPIKE_WRITES_PER_SECOND),
        calm: (id) => loads.get(id)?.setRate(STEADY_WRITES_PER_SECOND[id] ?? 1),
      },
      clock,
      log,
      deadline: started + RUN_DEADLINE_MS,
      pollMs: POLL_MS,
      ...(fleetReader
        ? {
            // Until the first database registers, the registry does not know the migration yet.
            fleetStatus: (now: number) =>
              fleetStatusRows(fleetReader, migrationId, now, prices).catch((error: unknown) => {
                if (error instanceof UnknownMigrationError) return [];
                throw error;
              }),
          }
        : {}),
    });
    await stopLoads(loads, log);

    const fidelity = failure ? new Map() : await observer.fidelity();
    for (const line of describeFidelity(fidelity)) log(line);
    const { verification, catalogs } = failure
      ? { verification: [], catalogs: [] }
      : await catchUpAndVerify({
          sources,
          lakeDir,
          catalogOf: (databaseId) => readDatabaseCatalog(connection, migrationId, databaseId),
          deadline: Date.now() + CATCH_UP_DEADLINE_MS,
          log,
          chosenMappings: chosenMappings(fidelity),
        });
    if (catalogs.length > 0) log(`wrote ${await writeCatalogJson(dirname(lakeDir), catalogs)}`);
    // Every run ends torn down, the demo's own sources too: no replication slot may outlive the demo.
    const teardown = await tearDownExisting({
      aws: connection,
      eventBusName: stack.eventBusName,
      migrationId,
      sources,
      observer,
      now: () => clock.now(),
      deadline: Date.now() + TEARDOWN_DEADLINE_MS,
      log,
    });

    const endedAt = clock.now();
    const metrics = new Map<string, MetricSeries>();
    for (const source of sources) {
      const from = recorder.phases(source.databaseId)[0]?.at ?? watchedFrom;
      metrics.set(source.databaseId, await observer.metricSeries(source.databaseId, from, endedAt));
    }
    reporter.finish();
    const timeline = recorder.timeline({
      migrationId,
      endedAt,
      clockSpeed: options.clockSpeed,
      metrics,
      descriptions: new Map(sources.map((source) => [source.databaseId, source.description])),
    });
    const report = await writeReport(
      dirname(lakeDir),
      buildReport(timeline, verification, prices, new Date()),
    );
    const verified = allEqual(verification);
    printOutcome(terminal, options.json, { verified, verification, report, failure });
    return {
      exitCode: verified && !failure ? 0 : 1,
      verification,
      report,
      slotsLeft: teardown.slotsLeft,
      ...(failure ? { failure } : {}),
    };
  } finally {
    for (const load of loads.values()) await load.stop().catch(() => undefined);
    observer?.close();
    stopWatchingWrites?.();
    fleet?.close();
    await aws?.stop();
    await prepared?.stop();
  }
};

const printOutcome = (
  terminal: DemoTerminal,
  json: boolean,
  outcome: {
    readonly verified: boolean;
    readonly verification: readonly TableVerification[];
    readonly report: WrittenReport;
    readonly failure: string | undefined;
  },
): void => {
  const { out } = terminal;
  if (json) {
    out.write(
      `${JSON.stringify({ type: 'verification', verified: outcome.verified, tables: outcome.verification })}\n`,
    );
    out.write(`${JSON.stringify({ type: 'report', ...outcome.report })}\n`);
    if (outcome.failure) out.write(`${JSON.stringify({ type: 'failure', reason: outcome.failure })}\n`);
    return;
  }
  out.write(
    `\n${outcome.verification.length > 0 ? renderVerificationTable(outcome.verification) : 'No verification: the migration did not complete.'}\n`,
  );
  if (outcome.failure) out.write(`\nFailed: ${outcome.failure}\n`);
  out.write(`\nReport: ${outcome.report.htmlPath}\n        ${outcome.report.jsonPath}\n`);
};
