/** Decides, call by call, which configured fault fires. Replacing the configuration resets every counter. */

import type { Clock } from '../../clock.ts';
import type { AwsServiceError } from '../../http/service.ts';
import {
  insufficientCapacity,
  internalFailure,
  invalidResourceState,
  serviceUnavailable,
  throttling,
} from '../protocol/errors.ts';
import type {
  ApiFaultKind,
  ApiFaultRule,
  DmsFaultConfig,
  EventFaultRule,
  InstanceFaultRule,
  StuckModification,
  TaskFailurePoint,
  TaskFailureRule,
  TaskStallRule,
  Trigger,
} from './config.ts';
import { type Random, seededRandom } from './random.ts';
import { DMS_TOKEN_BUCKET, TokenBucket } from './token-bucket.ts';

const CAPACITY_OPERATIONS = ['CreateReplicationInstance', 'ModifyReplicationInstance'];

export class TriggerState {
  private matched = 0;
  private fired = 0;

  constructor(private readonly trigger: Trigger) {}

  /**
   * Counts one match and says whether it fires. Every matching rule counts the match, so `nth` means the nth matching
   * call even when an earlier rule already failed some of them; `eligible` false counts without firing.
   */
  hit(random: Random, eligible = true): boolean {
    this.matched += 1;
    if (!eligible) return false;
    if (this.trigger.times !== undefined && this.fired >= this.trigger.times) return false;
    const { nth, probability } = this.trigger;
    let fires = nth === undefined && probability === undefined;
    if (nth?.includes(this.matched)) fires = true;
    if (probability !== undefined && random() < probability) fires = true;
    if (fires) this.fired += 1;
    return fires;
  }
}

/** What the emulator knows about a call when asking for faults. */
export interface CallInfo {
  readonly operation: string;
  /** ARNs and identifiers the request names. */
  readonly resources: readonly string[];
  readonly instanceClass?: string;
  readonly availabilityZone?: string;
  /** `StartReplicationTaskType` of a StartReplicationTask call. */
  readonly startType?: string;
}

export interface EventInfo {
  readonly eventId?: string;
  readonly eventType: string;
  readonly detailType: string;
  readonly resources: readonly string[];
}

export interface TaskRunInfo {
  readonly names: readonly string[];
}

export class FaultInjector {
  private config: DmsFaultConfig = {};
  private random: Random = seededRandom('');
  private bucket: TokenBucket | undefined;
  private api: Array<{ rule: ApiFaultRule; state: TriggerState }> = [];
  private tasks: Array<{ rule: TaskFailureRule; state: TriggerState }> = [];
  private events: Array<{ rule: EventFaultRule; state: TriggerState }> = [];
  private instances: Array<{ rule: InstanceFaultRule; state: TriggerState }> = [];
  private stalls: Array<{ rule: TaskStallRule; state: TriggerState }> = [];

  constructor(
    private readonly clock: Clock,
    private readonly defaultSeed: string,
  ) {}

  configure(config: DmsFaultConfig): void {
    this.config = config;
    this.random = seededRandom(`faults:${String(config.seed ?? this.defaultSeed)}`);
    // DMS throttles every account: the bucket is on unless a test turns it off.
    const bucket =
      config.throttleBucket === undefined || config.throttleBucket === true
        ? DMS_TOKEN_BUCKET
        : config.throttleBucket || undefined;
    this.bucket = bucket ? new TokenBucket(bucket, this.clock) : undefined;
    this.api = (config.api ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
    this.tasks = (config.tasks ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
    this.events = (config.events ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
    this.instances = (config.instances ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
    this.stalls = (config.stalls ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
  }

  current(): DmsFaultConfig {
    return this.config;
  }

  /** True when some call could fail (a bucket or an API rule is set); lets the hot path skip building CallInfo. */
  affectsCalls(): boolean {
    return this.bucket !== undefined || this.api.length > 0;
  }

  /** The error a call fails with before it reaches the service, if any. */
  beforeCall(call: CallInfo): AwsServiceError | undefined {
    if (this.bucket && !this.bucket.take()) return throttling('Rate exceeded');
    let chosen: ApiFaultRule | undefined;
    for (const { rule, state } of this.api) {
      const operations =
        rule.operations ?? (rule.fault === 'insufficient-capacity' ? CAPACITY_OPERATIONS : undefined);
      if (operations && !operations.includes(call.operation)) continue;
      if (rule.resource && !call.resources.some((name) => sameName(name, rule.resource))) continue;
      if (rule.startType && rule.startType !== call.startType) continue;
      if (state.hit(this.random, chosen === undefined)) chosen = rule;
    }
    return chosen ? apiError(chosen.fault, call) : undefined;
  }

  /** The failure rule that fails this run of a task at `point`, if any (consumes one firing). */
  taskFailure(
    task: TaskRunInfo,
    point: TaskFailurePoint | 'progress',
    progress = 0,
  ): TaskFailureRule | undefined {
    let chosen: TaskFailureRule | undefined;
    for (const { rule, state } of this.tasks) {
      if (!task.names.some((name) => sameName(name, rule.task))) continue;
      if (!pointReached(rule.at, point, progress)) continue;
      if (state.hit(this.random, chosen === undefined)) chosen = rule;
    }
    return chosen;
  }

  /** Failure rules for this task that trigger after a delay, so the runner can schedule them. */
  delayedTaskFailures(task: TaskRunInfo): TaskFailureRule[] {
    return this.tasks
      .map(({ rule }) => rule)
      .filter((rule) => typeof rule.at === 'object' && 'afterMs' in rule.at)
      .filter((rule) => task.names.some((name) => sameName(name, rule.task)));
  }

  /** True when this run's full load, at `progress` percent, stops advancing from now on (consumes one firing). */
  fullLoadStalls(task: TaskRunInfo, progress: number): boolean {
    let stalls = false;
    for (const { rule, state } of this.stalls) {
      if (!task.names.some((name) => sameName(name, rule.task))) continue;
      if (progress < rule.atPercent) continue;
      if (state.hit(this.random, !stalls)) stalls = true;
    }
    return stalls;
  }

  /** How this class change of the instance (named by its identifiers) never completes, if it is not to. */
  stuckModification(names: readonly string[]): StuckModification | undefined {
    let stuck: StuckModification | undefined;
    for (const { rule, state } of this.instances) {
      if (rule.instance && !names.some((name) => sameName(name, rule.instance))) continue;
      if (state.hit(this.random, stuck === undefined)) stuck = rule.stays ?? 'modifying';
    }
    return stuck;
  }

  /** How many times an event is delivered: 0 when dropped, more than 1 when duplicated. */
  deliveries(event: EventInfo): number {
    let count = 1;
    let dropped = false;
    for (const { rule, state } of this.events) {
      if (rule.eventId && rule.eventId !== event.eventId) continue;
      if (rule.eventType && rule.eventType !== event.eventType) continue;
      if (rule.detailType && rule.detailType !== event.detailType) continue;
      if (rule.resource && !event.resources.some((name) => sameName(name, rule.resource))) continue;
      if (!state.hit(this.random, !dropped)) continue;
      if (rule.action === 'drop') dropped = true;
      else count += rule.copies ?? 1;
    }
    return dropped ? 0 : count;
  }
}

const sameName = (name: string, wanted: string | undefined): boolean =>
  wanted !== undefined && name.toLowerCase() === wanted.toLowerCase();

const pointReached = (
  at: TaskFailurePoint,
  point: TaskFailurePoint | 'progress',
  progress: number,
): boolean => {
  if (typeof at === 'string') return at === point;
  if ('fullLoadPercent' in at) return point === 'progress' && progress >= at.fullLoadPercent;
  return typeof point === 'object' && 'afterMs' in point && point.afterMs === at.afterMs;
};

const apiError = (fault: ApiFaultKind, call: CallInfo): AwsServiceError => {
  switch (fault) {
    case 'throttling':
      return throttling('Rate exceeded');
    case 'server-error':
      return internalFailure('An internal error has occurred. Please try your request again.');
    case 'unavailable':
      return serviceUnavailable('The service is unavailable. Please try again later.');
    case 'busy':
      return invalidResourceState(
        `${call.resources[0] ?? 'The resource'} is busy: another operation is in progress. ${call.operation} ` +
          'cannot be performed in its current state.',
      );
    case 'insufficient-capacity':
      return insufficientCapacity(
        `Insufficient capacity for replication instance class ${call.instanceClass ?? 'requested'} in ` +
          `${call.availabilityZone ?? 'the requested availability zone'}. Try again later or choose another class.`,
      );
  }
};
