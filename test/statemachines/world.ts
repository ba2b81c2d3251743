/**
 * Everything a state machine test runs against: the local runtime's Step Functions and Lambda with the real
 * handlers, a registry on dynalite, the fake DMS, and CloudWatch and EventBridge mocks. SendTaskSuccess, Failure
 * and Heartbeat reach the local Step Functions' task tokens; await-full-load is bound, through the local Lambda, to
 * the real handler followed by DMS finishing the full load and its event reaching the real on-task-event.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDatabaseCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, vi } from 'vitest';
import { dmsApiBudget } from '#adapters/retry';
import type { StateMachineName } from '#contracts/names';
import { importHandler, lambdaContext } from '#test/lambda-context';
import { type ExecutionOutcome, LocalStateMachines } from '#test/local-state-machines';
import { type HandlerWorld, useHandlerWorld } from '../unit/handlers/fixtures.ts';
import { FakeDms } from './fake-dms.ts';

export const START = Date.parse('2026-03-01T12:00:00.000Z');

const cloudWatchMock = () => mockClient(CloudWatchClient);
const eventBridgeMock = () => mockClient(EventBridgeClient);
const glueMock = () => mockClient(GlueClient);

export interface StateMachineWorld extends HandlerWorld {
  readonly dms: FakeDms;
  readonly cloudWatch: ReturnType<typeof cloudWatchMock>;
  readonly events: ReturnType<typeof eventBridgeMock>;
  /** The lake's Glue catalog: no database has tables unless a test says so. */
  readonly glue: ReturnType<typeof glueMock>;
  /** The local runtime of the current test. */
  runtime(): LocalStateMachines;
  /** Runs a state machine to its end on the local runtime. */
  run(name: StateMachineName, input: unknown): Promise<ExecutionOutcome>;
  /** Detail-types of the lakeshift events published so far. */
  publishedDetailTypes(): string[];
  /** Replication slots on the fake source, by name: the task's appears when it starts, teardown drops it. */
  readonly sourceSlots: Set<string>;
  /** Makes inspect-toast-exposure fail with `error` until the next test (by default the real handler runs). */
  failToastInspection(error: Error): void;
}

/** The name DMS gives the fake task's slot (any name: lakeshift must learn it, not guess it). */
export const fakeSlotName = (databaseId: string): string => `dms_${databaseId.replaceAll('-', '_')}_slot`;

export interface StateMachineWorldOptions {
  /**
   * Run the real record-replication-slot and drop-replication-slot, which reach a real source through the secret
   * the test provides; by default both stand in for it with `sourceSlots`.
   */
  readonly realSlotHandlers?: boolean;
}

export const useStateMachineWorld = (options: StateMachineWorldOptions = {}): StateMachineWorld => {
  const world = useHandlerWorld();
  const dms = new FakeDms();
  const cloudWatch = cloudWatchMock();
  const events = eventBridgeMock();
  const sfn = mockClient(SFNClient);
  const glue = glueMock();
  let runtime: LocalStateMachines | undefined;

  const current = (): LocalStateMachines => {
    if (!runtime) throw new Error('useStateMachineWorld: used outside a test');
    return runtime;
  };

  /** The real await-full-load, then DMS finishing the full load and its event reaching the real on-task-event. */
  const awaitFullLoadThenFinish =
    (local: LocalStateMachines) =>
    async (payload: unknown): Promise<unknown> => {
      const handler = await importHandler('await-full-load');
      const stored = await handler(payload, lambdaContext('await-full-load'));
      const { taskArn } = payload as { taskArn: string };
      await local.invoke(
        'on-task-event',
        dms.finishFullLoad(taskArn, new Date(local.clock.now()).toISOString()),
      );
      return stored;
    };

  /**
   * The source database, standing in for PostgreSQL (the handlers that reach it run against a real one in their own
   * tests): its slots are what record-replication-slot and drop-replication-slot see.
   */
  const sourceSlots = new Set<string>();
  const recordSlot =
    () =>
    async (payload: unknown): Promise<unknown> => {
      const { migrationId, databaseId, stage, now } = payload as Record<string, string>;
      if (stage === 'before-start') return { slotName: null };
      const key = { migrationId: String(migrationId), databaseId: String(databaseId) };
      const name = fakeSlotName(key.databaseId);
      sourceSlots.add(name);
      await world
        .registry()
        .update(key, { replicationSlot: { name, recordedAt: String(now) } }, { now: String(now) });
      return { slotName: name };
    };
  const dropSlot =
    () =>
    async (payload: unknown): Promise<unknown> => {
      const { migrationId, databaseId } = payload as Record<string, string>;
      const item = await world
        .registry()
        .require({ migrationId: String(migrationId), databaseId: String(databaseId) });
      const name = item.replicationSlot?.name;
      if (name === undefined) return { slotName: null, dropped: false };
      return { slotName: name, dropped: sourceSlots.delete(name) };
    };

  let toastInspectionFailure: Error | undefined;
  const inspectToastExposure =
    () =>
    async (payload: unknown): Promise<unknown> => {
      if (toastInspectionFailure) throw toastInspectionFailure;
      const handler = await importHandler('inspect-toast-exposure');
      return handler(payload, lambdaContext('inspect-toast-exposure'));
    };

  beforeAll(async () => {
    runtime = await new LocalStateMachines({
      start: START,
      bindings: {
        'await-full-load': awaitFullLoadThenFinish,
        // No source database here: the inspection finds nothing DMS would change (its own tests use a real one).
        'inspect-source': () => async () => ({ columnsInspected: 0, columns: [] }),
        // The catalog step reads a PostgreSQL source, which these tests do not run; its own tests cover it.
        'read-source-tables': () => async () => ({ tables: [] }),
        'inspect-toast-exposure': inspectToastExposure,
        ...(options.realSlotHandlers
          ? {}
          : { 'record-replication-slot': recordSlot, 'drop-replication-slot': dropSlot }),
      },
    }).deploy();
  });

  beforeEach(() => {
    sourceSlots.clear();
    toastInspectionFailure = undefined;
    const local = current();
    local.restart(START);
    // The fake DMS has no API rate; the budget's own tests cover it. Without this, a file's later runs would wait
    // out the real-time refill of the process-wide bucket.
    vi.spyOn(dmsApiBudget, 'take').mockResolvedValue(undefined);
    dms.reset();
    for (const mock of [cloudWatch, events, sfn, glue]) mock.reset();
    glue.on(GetTablesCommand).resolves({ TableList: [] });
    glue.on(CreateDatabaseCommand).resolves({});
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch.on(DeleteAlarmsCommand).resolves({});
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event' }] });
    sfn.on(SendTaskSuccessCommand).callsFake((input) => local.stepFunctions.handle('SendTaskSuccess', input));
    sfn.on(SendTaskFailureCommand).callsFake((input) => local.stepFunctions.handle('SendTaskFailure', input));
    sfn
      .on(SendTaskHeartbeatCommand)
      .callsFake((input) => local.stepFunctions.handle('SendTaskHeartbeat', input));
    sfn.on(ListExecutionsCommand).callsFake((input) => local.stepFunctions.handle('ListExecutions', input));
    sfn.on(StopExecutionCommand).callsFake((input) => local.stepFunctions.handle('StopExecution', input));
  });

  return {
    ...world,
    dms,
    cloudWatch,
    events,
    glue,
    sourceSlots,
    failToastInspection: (error) => {
      toastInspectionFailure = error;
    },
    runtime: current,
    run: (name, input) => current().run(name, input),
    publishedDetailTypes: () =>
      events
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .map((entry) => entry.DetailType ?? ''),
  };
};
