/**
 * The local DMS: an AWS JSON 1.1 service (`AmazonDMSv20160101.<Operation>`) that the one-port local AWS mounts, or
 * that `npm run local:dms` serves alone. A request passes the fault gate (throttling, 5xx, busy, capacity), is checked
 * against the operation's shape from the SDK model, then runs against the state model; lifecycle steps follow on the
 * injected clock.
 */
import type { Clock } from '../clock.ts';
import type { AwsJsonService } from '../http/service.ts';
import type { DmsConfig, WorkloadResolver } from './config.ts';
import type { DmsContext } from './context.ts';
import { DEFAULT_DURATIONS, DEFAULT_QUOTAS, type Durations, type Quotas } from './durations.ts';
import { type DmsEventSink, EventPublisher, type TaskStopEventShape } from './events/publisher.ts';
import type { DmsFaultConfig } from './faults/config.ts';
import { FaultInjector } from './faults/injector.ts';
import { ReloadGate } from './faults/reload-gate.ts';
import { taskFaultHooks } from './faults/task-hooks.ts';
import { DmsLifecycle } from './lifecycle/lifecycle.ts';
import { MetricPublisher, type MetricSink } from './metrics/publisher.ts';
import { WorkMeter } from './metrics/work-meter.ts';
import { isReadOnly, OPERATIONS } from './operations.ts';
import { generateResourceId } from './protocol/arn.ts';
import { checkEnums } from './protocol/enums.ts';
import { notImplemented, unknownOperation } from './protocol/errors.ts';
import { operationInput } from './protocol/model.ts';
import { validateInput } from './protocol/validate.ts';
import { identifierOfArn } from './state/lookup.ts';
import { loadState, StateWriter } from './state/persistence.ts';
import { emptyState, type StateData } from './state/records.ts';
import { createSyntheticWorkload } from './synthetic-workload.ts';

export const DMS_TARGET_PREFIX = 'AmazonDMSv20160101';

export interface DmsEmulatorOptions {
  readonly clock: Clock;
  readonly region?: string;
  readonly account?: string;
  /** Seeds resource ids, event ids and fault draws: the same seed replays the same run. */
  readonly seed?: string | number;
  readonly engineVersion?: string;
  readonly durations?: Partial<Durations>;
  readonly quotas?: Partial<Quotas>;
  /** Receives every DMS EventBridge event (after drop/duplicate faults). */
  readonly eventSink?: DmsEventSink;
  /** Receives AWS/DMS metrics every metric period. */
  readonly metricSink?: MetricSink;
  /** Emulated milliseconds between metric publications (default one minute). */
  readonly metricPeriodMs?: number;
  /** The workload behind an endpoint; default: the synthetic workload for every endpoint. */
  readonly workloadFor?: WorkloadResolver;
  readonly faults?: DmsFaultConfig;
  /** Where the state is kept across restarts; in memory only when absent. */
  readonly stateDir?: string;
  /** Include eventId in task failure events (real captured payloads lack it). Default false. */
  readonly failureEventsCarryEventId?: boolean;
  /**
   * Task-stopped events: `terse` (default, as captured payloads read: no stop reason in the message; consumers read
   * StopReason with DescribeReplicationTasks) or `with-stop-reason`.
   */
  readonly taskStopEvents?: TaskStopEventShape;
  /** Which detail field carries the DMS event id: `eventId` (default, as rules in the wild match) or `eventName` (AWS's sample). */
  readonly eventIdField?: 'eventId' | 'eventName';
  /** How long DescribeEvents remembers events (emulated ms, default 14 days). */
  readonly eventRetentionMs?: number;
}

const FOURTEEN_DAYS = 14 * 24 * 60 * 60 * 1000;

export class DmsEmulator implements AwsJsonService {
  readonly name = 'dms';
  readonly targetPrefix = DMS_TARGET_PREFIX;
  readonly protocol = 'json1.1' as const;
  /** Calls answered, by operation (faulted calls included). */
  readonly calls = new Map<string, number>();
  /** Table reloads held between their start and their completion until released (fault configuration `reloads`). */
  readonly reloads = new ReloadGate();

  private readonly state: StateData;
  private readonly context: DmsContext;
  private readonly writer: StateWriter | undefined;
  private readonly metrics: MetricPublisher | undefined;
  private readonly lifecycle: DmsLifecycle;
  private readonly faults: FaultInjector;
  private closed = false;

  /** The tags a resource carries (what IAM reads as `aws:ResourceTag/*`). */
  tagsOf(arn: string): readonly { readonly Key: string; readonly Value?: string }[] {
    return this.state.tags[arn] ?? [];
  }

  constructor(options: DmsEmulatorOptions) {
    const config: DmsConfig = {
      region: options.region ?? 'us-east-1',
      account: options.account ?? '000000000000',
      seed: String(options.seed ?? 'lakeshift'),
      engineVersion: options.engineVersion ?? '3.5.4',
      durations: { ...DEFAULT_DURATIONS, ...options.durations },
      quotas: { ...DEFAULT_QUOTAS, ...options.quotas },
    };
    const { clock } = options;
    this.state = (options.stateDir ? loadState(options.stateDir) : undefined) ?? emptyState();
    const restored = this.state.idCounter > 0 || Object.keys(this.state.instances).length > 0;
    this.writer = options.stateDir ? new StateWriter(options.stateDir, () => this.state) : undefined;
    const changed = () => this.writer?.markDirty();
    this.faults = new FaultInjector(clock, config.seed);
    this.faults.configure(options.faults ?? {});
    this.reloads.configure(options.faults?.reloads ?? []);
    const meter = new WorkMeter();
    const events = new EventPublisher({
      region: config.region,
      account: config.account,
      seed: config.seed,
      clock,
      faults: this.faults,
      state: () => this.state,
      ...(options.eventSink ? { sink: options.eventSink } : {}),
      failureEventsCarryEventId: options.failureEventsCarryEventId ?? false,
      taskStopEvents: options.taskStopEvents ?? 'terse',
      eventIdField: options.eventIdField ?? 'eventId',
      retentionMs: options.eventRetentionMs ?? FOURTEEN_DAYS,
    });
    const synthetic = options.workloadFor ? undefined : createSyntheticWorkload();
    this.lifecycle = new DmsLifecycle(
      {
        config,
        clock,
        state: this.state,
        events,
        faults: taskFaultHooks(this.faults),
        reloads: this.reloads,
        workloadFor: options.workloadFor ?? (() => synthetic ?? createSyntheticWorkload()),
        changed,
      },
      meter,
    );
    this.context = {
      config,
      clock,
      state: this.state,
      events,
      lifecycle: this.lifecycle,
      nextResourceId: () => {
        this.state.idCounter += 1;
        return generateResourceId(config.seed, this.state.idCounter);
      },
      changed,
    };
    if (restored) {
      this.lifecycle.restore();
      changed();
    }
    if (options.metricSink) {
      this.metrics = new MetricPublisher(
        clock,
        this.state,
        meter,
        options.metricSink,
        options.metricPeriodMs ?? 60_000,
      );
      this.metrics.start();
    }
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    const shape = operationInput(operation);
    if (!shape) throw unknownOperation(`Unknown operation ${operation}`);
    const fault = this.faults.affectsCalls()
      ? this.faults.beforeCall({
          operation,
          resources: this.resourcesNamed(input),
          ...this.capacityHints(input),
          ...(typeof input.StartReplicationTaskType === 'string'
            ? { startType: input.StartReplicationTaskType }
            : {}),
        })
      : undefined;
    if (fault) throw fault;
    const handler = OPERATIONS[operation];
    if (!handler) throw notImplemented(`The local DMS emulator does not implement ${operation}`);
    validateInput(shape, input, operation);
    checkEnums(operation, input);
    const output = handler(this.context, input as never);
    if (!isReadOnly(operation)) this.writer?.markDirty();
    return output;
  }

  /** Replaces the fault configuration (counters restart). */
  configureFaults(config: DmsFaultConfig): void {
    this.faults.configure(config);
    this.reloads.configure(config.reloads ?? []);
  }

  /** A deep copy of the state, for inspection. */
  snapshot(): StateData {
    return structuredClone(this.state);
  }

  /** Writes the state now (when a state directory is set). */
  flush(): void {
    this.writer?.flush();
  }

  /** Stops timers, runs and metrics and writes the state; a new emulator on the same state directory carries on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.metrics?.stop();
    this.lifecycle.close();
    this.writer?.close();
  }

  /** ARNs and identifiers a request names, with the identifiers of the ARNs (fault rules match either). */
  private resourcesNamed(input: Record<string, unknown>): string[] {
    const names: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (typeof value !== 'string' || !/(Arn|Identifier)$/.test(key)) continue;
      names.push(value);
      const identifier = identifierOfArn(this.state, value);
      if (identifier) names.push(identifier);
    }
    return names;
  }

  private capacityHints(input: Record<string, unknown>): {
    instanceClass?: string;
    availabilityZone?: string;
  } {
    const arn =
      typeof input['ReplicationInstanceArn'] === 'string' ? input['ReplicationInstanceArn'] : undefined;
    const instance = arn ? this.state.instances[arn] : undefined;
    const instanceClass =
      typeof input['ReplicationInstanceClass'] === 'string'
        ? input['ReplicationInstanceClass']
        : instance?.instanceClass;
    const zone =
      typeof input['AvailabilityZone'] === 'string' ? input['AvailabilityZone'] : instance?.availabilityZone;
    return { ...(instanceClass ? { instanceClass } : {}), ...(zone ? { availabilityZone: zone } : {}) };
  }
}

export const createDmsEmulator = (options: DmsEmulatorOptions): DmsEmulator => new DmsEmulator(options);
