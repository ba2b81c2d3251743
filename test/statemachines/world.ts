/**
 * Everything a state machine test runs against: the real handlers, a registry on dynalite, the fake DMS, and
 * CloudWatch, EventBridge and Step Functions mocks, with SendTaskSuccess/Failure/Heartbeat delivered to the
 * harness's task tokens as Step Functions would deliver them.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, vi } from 'vitest';
import { dmsApiBudget } from '#adapters/retry';
import type { StateMachineName } from '#contracts/names';
import { importHandler, invokeHandler, lambdaContext } from '#test/lambda-context';
import {
  type ExecutionOutcome,
  NestedExecutions,
  type RunOptions,
  runStateMachine,
  TaskTokens,
} from '#test/run-state-machine';
import { type HandlerWorld, useHandlerWorld } from '../unit/handlers/fixtures.ts';
import { FakeDms } from './fake-dms.ts';

export const START = Date.parse('2026-03-01T12:00:00.000Z');
/** Each state that reads `$$.State.EnteredTime` sees time 30 s later than the previous one. */
const STEP_MS = 30_000;

const cloudWatchMock = () => mockClient(CloudWatchClient);
const eventBridgeMock = () => mockClient(EventBridgeClient);

export interface StateMachineWorld extends HandlerWorld {
  readonly dms: FakeDms;
  readonly cloudWatch: ReturnType<typeof cloudWatchMock>;
  readonly events: ReturnType<typeof eventBridgeMock>;
  tokens(): TaskTokens;
  executions(): NestedExecutions;
  /** Runs a state machine; the full-load wait ends with DMS's stop event delivered to on-task-event. */
  run(name: StateMachineName, input: unknown, options?: RunOptions): Promise<ExecutionOutcome>;
  /** Detail-types of the lakeshift events published so far. */
  publishedDetailTypes(): string[];
  /** Replication slots on the fake source, by name: the task's appears when it starts, teardown drops it. */
  readonly sourceSlots: Set<string>;
}

/** The name DMS gives the fake task's slot (any name: lakeshift must learn it, not guess it). */
export const fakeSlotName = (databaseId: string): string => `dms_${databaseId.replaceAll('-', '_')}_slot`;

export const useStateMachineWorld = (): StateMachineWorld => {
  const world = useHandlerWorld();
  const dms = new FakeDms();
  const cloudWatch = cloudWatchMock();
  const events = eventBridgeMock();
  const sfn = mockClient(SFNClient);
  let tokens = new TaskTokens();
  let executions = new NestedExecutions();
  let clock = START;
  const sourceSlots = new Set<string>();

  beforeEach(() => {
    sourceSlots.clear();
    // The fake DMS has no API rate; the budget's own tests cover it. Without this, a file's later runs would wait
    // out the real-time refill of the process-wide bucket.
    vi.spyOn(dmsApiBudget, 'take').mockResolvedValue(undefined);
    dms.reset();
    tokens = new TaskTokens();
    executions = new NestedExecutions();
    clock = START;
    for (const mock of [cloudWatch, events, sfn]) mock.reset();
    cloudWatch.on(PutMetricAlarmCommand).resolves({});
    cloudWatch.on(DeleteAlarmsCommand).resolves({});
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event' }] });
    sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
      tokens.succeed(input.taskToken, JSON.parse(input.output));
      return {};
    });
    sfn.on(SendTaskFailureCommand).callsFake((input: { taskToken: string; error: string; cause: string }) => {
      tokens.fail(input.taskToken, input.error, input.cause);
      return {};
    });
    sfn.on(SendTaskHeartbeatCommand).callsFake((input: { taskToken: string }) => {
      tokens.heartbeat(input.taskToken);
      return {};
    });
  });

  /** The real await-full-load, then DMS finishing the full load and its event reaching the real on-task-event. */
  const awaitFullLoadThenFinish = async (payload: unknown): Promise<unknown> => {
    const handler = await importHandler('await-full-load');
    const stored = await handler(payload, lambdaContext('await-full-load'));
    const { taskArn } = payload as { taskArn: string };
    await invokeHandler('on-task-event', dms.finishFullLoad(taskArn, new Date(clock).toISOString()));
    return stored;
  };

  /**
   * The source database, standing in for PostgreSQL (the handlers that reach it run against a real one in their own
   * tests): its slots are what record-replication-slot and drop-replication-slot see.
   */
  const recordSlot = async (payload: unknown): Promise<unknown> => {
    const { migrationId, databaseId, stage, now } = payload as Record<string, string>;
    if (stage === 'before-start') return { slotName: null };
    const name = fakeSlotName(String(databaseId));
    sourceSlots.add(name);
    await world
      .registry()
      .update(
        { migrationId: String(migrationId), databaseId: String(databaseId) },
        { replicationSlot: { name, recordedAt: String(now) } },
        { now: String(now) },
      );
    return { slotName: name };
  };
  const dropSlot = async (payload: unknown): Promise<unknown> => {
    const { migrationId, databaseId } = payload as Record<string, string>;
    const item = await world
      .registry()
      .require({ migrationId: String(migrationId), databaseId: String(databaseId) });
    const name = item.replicationSlot?.name;
    if (name === undefined) return { slotName: null, dropped: false };
    return { slotName: name, dropped: sourceSlots.delete(name) };
  };

  return {
    ...world,
    dms,
    sourceSlots,
    cloudWatch,
    events,
    tokens: () => tokens,
    executions: () => executions,
    run: (name, input, options = {}) =>
      runStateMachine(name, input, {
        tokens,
        executions,
        now: () => {
          clock += STEP_MS;
          return clock;
        },
        ...options,
        handlers: {
          'await-full-load': awaitFullLoadThenFinish,
          'record-replication-slot': recordSlot,
          'drop-replication-slot': dropSlot,
          ...options.handlers,
        },
      }),
    publishedDetailTypes: () =>
      events
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .map((entry) => entry.DetailType ?? ''),
  };
};
