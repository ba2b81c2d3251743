/**
 * Local EventBridge (`AWSEvents`, JSON 1.1): buses, rules (event patterns and `rate(...)` schedules on the shared
 * clock), targets (state machines, Lambda functions) with InputPath or constant Input, and PutEvents. Every event —
 * from PutEvents, from AWS services (DMS emulator, CloudWatch alarms), from schedules — is routed by the same pattern
 * matcher to the targets of every matching rule on its bus. Delivery is asynchronous and best effort, as on AWS;
 * Lambda targets are invoked asynchronously with Lambda's two retries on error.
 */
import { randomUUID } from 'node:crypto';
import { SCHEDULE_EVENT_SOURCE, SCHEDULED_EVENT_DETAIL_TYPE } from '#contracts/events';
import { AWS_DEFAULT_EVENT_BUS } from '#contracts/wiring';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localArn } from '#local/aws/shared/account';
import { resolveReferencePath } from '#local/aws/shared/reference-path';
import type { EventEnvelope, ServiceEvent } from '#local/aws/shared/service-event';
import {
  isRecord,
  optionalList,
  optionalString,
  requiredString,
  validationError,
} from '#local/aws/shared/validation';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';
import { InvalidEventPatternError, matchesPattern, validatePattern } from './pattern.ts';
import { parseRateExpression } from './schedule.ts';

interface Target {
  readonly Id: string;
  readonly Arn: string;
  readonly InputPath?: string;
  readonly Input?: string;
  readonly RoleArn?: string;
}

interface Rule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  pattern?: Record<string, unknown>;
  scheduleExpression?: string;
  description?: string;
  state: 'ENABLED' | 'DISABLED';
  readonly targets: Map<string, Target>;
  cancelSchedule?: () => void;
}

/** An asynchronous invocation that failed for good, as an on-failure destination records it. */
export interface FailedInvocation {
  readonly rule: string;
  readonly functionArn: string;
  readonly event: EventEnvelope;
  readonly errorType: string;
}

/** Where targets go: the local Step Functions and Lambda. */
export interface TargetInvoker {
  startExecution(stateMachineArn: string, input: string): void;
  /** Resolves with the function error type when the handler threw. */
  invokeFunction(functionArn: string, event: unknown, rule: string): Promise<string | undefined>;
}

/** One delivery of an event to a target, for event-to-action latency figures. */
export interface Delivery {
  readonly rule: string;
  readonly targetArn: string;
  readonly eventId: string;
  readonly detailType: string;
  /**
   * Wall-clock milliseconds from the event's arrival to the target's action: the execution started (state machine
   * targets) or the handler returned (function targets, first attempt).
   */
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface LocalEventBridgeOptions {
  readonly clock: Clock;
  readonly targets: TargetInvoker;
  readonly onDelivery?: (delivery: Delivery) => void;
}

/** Sees every event routed, on any bus (the demo's progress view and tests watch them). */
export type EventObserver = (event: EventEnvelope, busName: string) => void;

/** Lambda retries an asynchronous invocation twice on error, about one and two minutes apart. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

export class LocalEventBridge implements AwsJsonService {
  readonly name = 'events';
  readonly targetPrefix = 'AWSEvents';
  readonly protocol = 'json1.1' as const;
  /**
   * Events whose function target still failed after Lambda's two asynchronous retries: what the stack's on-failure
   * destination of that function (an SQS queue) receives.
   */
  readonly failedInvocations: FailedInvocation[] = [];
  private readonly buses = new Map<string, { name: string; arn: string }>();
  private readonly rules = new Map<string, Rule>();
  private readonly observers = new Set<EventObserver>();
  private readonly clock: Clock;

  constructor(private readonly options: LocalEventBridgeOptions) {
    this.clock = options.clock;
    this.addBus(AWS_DEFAULT_EVENT_BUS);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(input);
      case 'CreateEventBus':
        return this.createEventBus(input);
      case 'DescribeEventBus':
        return this.describeBus(this.bus(optionalString(input, 'Name')));
      case 'ListEventBuses':
        return { EventBuses: [...this.buses.values()].map((bus) => this.describeBus(bus)) };
      case 'DeleteEventBus':
        return this.deleteEventBus(requiredString(input, 'Name'));
      case 'PutRule':
        return this.putRule(input);
      case 'DescribeRule':
        return describeRule(this.rule(input));
      case 'ListRules':
        return this.listRules(input);
      case 'DeleteRule':
        return this.deleteRule(input);
      case 'EnableRule':
      case 'DisableRule':
        return this.setRuleState(this.rule(input), operation === 'EnableRule' ? 'ENABLED' : 'DISABLED');
      case 'PutTargets':
        return this.putTargets(input);
      case 'RemoveTargets':
        return this.removeTargets(input);
      case 'ListTargetsByRule':
        return { Targets: [...this.rule(input).targets.values()] };
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `EventBridge operation ${operation} is not supported locally`,
        );
    }
  }

  /** An AWS service's event, delivered on the default bus (as AWS delivers DMS and CloudWatch events). */
  publish(event: ServiceEvent | EventEnvelope): void {
    const envelope = 'detail-type' in event ? event : this.envelope(event);
    this.route(envelope, AWS_DEFAULT_EVENT_BUS);
  }

  /** Calls `observer` with every event routed from now on; returns the function that stops it. */
  observe(observer: EventObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Stops every schedule. */
  stop(): void {
    for (const rule of this.rules.values()) {
      rule.cancelSchedule?.();
      rule.cancelSchedule = undefined;
    }
  }

  private envelope(event: ServiceEvent): EventEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account: LOCAL_ACCOUNT_ID,
      time: new Date(event.time ?? this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: event.resources ?? [],
      detail: event.detail,
    };
  }

  private route(event: EventEnvelope, busName: string): void {
    const arrivedAt = performance.now();
    for (const observer of this.observers) observer(event, busName);
    for (const rule of this.rules.values()) {
      if (rule.busName !== busName || rule.state !== 'ENABLED' || !rule.pattern) continue;
      if (!matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) {
        setImmediate(() => this.deliver(rule, target, event, arrivedAt));
      }
    }
  }

  private deliver(rule: Rule, target: Target, event: EventEnvelope, arrivedAt: number, attempt = 0): void {
    const report = (ok: boolean, error?: string) =>
      this.options.onDelivery?.({
        rule: rule.name,
        targetArn: target.Arn,
        eventId: event.id,
        detailType: event['detail-type'],
        latencyMs: performance.now() - arrivedAt,
        ok,
        error,
      });
    let input: unknown;
    try {
      input =
        target.Input !== undefined
          ? JSON.parse(target.Input)
          : target.InputPath
            ? resolveReferencePath(target.InputPath, event)
            : event;
    } catch (error) {
      report(false, (error as Error).message);
      return;
    }
    if (target.Arn.includes(':states:') && target.Arn.includes(':stateMachine:')) {
      try {
        this.options.targets.startExecution(target.Arn, JSON.stringify(input));
        report(true);
      } catch (error) {
        report(false, error instanceof Error ? error.message : String(error));
      }
      return;
    }
    // A handler's action is its invocation: the delivery is timed to the handler's return.
    void this.options.targets.invokeFunction(target.Arn, input, rule.name).then(
      (errorType) => {
        if (attempt === 0) report(errorType === undefined, errorType);
        const delay = ASYNC_RETRY_DELAYS_MS[attempt];
        if (errorType !== undefined && delay !== undefined) {
          this.clock.schedule(delay, () => this.deliver(rule, target, event, arrivedAt, attempt + 1));
        } else if (errorType !== undefined) {
          // Lambda's retries are spent: the stack gives every function target an on-failure destination.
          this.failedInvocations.push({ rule: rule.name, functionArn: target.Arn, event, errorType });
        }
      },
      (error: unknown) => {
        if (attempt === 0) report(false, error instanceof Error ? error.message : String(error));
      },
    );
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const entries = optionalList(input, 'Entries') ?? [];
    if (entries.length < 1 || entries.length > 10) {
      throw validationError('entries', entries.length, 'Member must have length between 1 and 10');
    }
    if (
      entries.reduce<number>((total, entry) => total + documentedEntrySize(entry), 0) >= PUT_EVENTS_SIZE_LIMIT
    ) {
      throw new AwsServiceError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    }
    const results = entries.map((raw) => {
      if (!isRecord(raw)) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry is not a structure.' };
      const failure = entryProblem(raw);
      if (failure) return failure;
      const busName = busNameOf(optionalString(raw, 'EventBusName') ?? AWS_DEFAULT_EVENT_BUS);
      if (!this.buses.has(busName)) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Event bus ${busName} does not exist.` };
      }
      const time =
        typeof raw.Time === 'number'
          ? raw.Time * 1000
          : typeof raw.Time === 'string'
            ? Date.parse(raw.Time)
            : undefined;
      const envelope = this.envelope({
        source: String(raw.Source),
        detailType: String(raw.DetailType),
        resources: (optionalList(raw, 'Resources') ?? []).map(String),
        detail: JSON.parse(String(raw.Detail)) as Record<string, unknown>,
        time,
      });
      this.route(envelope, busName);
      return { EventId: envelope.id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  private createEventBus(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    if (!BUS_NAME.test(name) || name === AWS_DEFAULT_EVENT_BUS) {
      throw validationError(
        'name',
        name,
        'Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+ and not be "default"',
      );
    }
    if (this.buses.has(name))
      throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    return { EventBusArn: this.addBus(name).arn };
  }

  private deleteEventBus(name: string): unknown {
    if (name === AWS_DEFAULT_EVENT_BUS)
      throw new AwsServiceError('ValidationException', 'Cannot delete event bus default.');
    for (const [key, rule] of this.rules) {
      if (rule.busName === name) {
        rule.cancelSchedule?.();
        this.rules.delete(key);
      }
    }
    this.buses.delete(name);
    return {};
  }

  private addBus(name: string): { name: string; arn: string } {
    const bus = { name, arn: localArn('events', `event-bus/${name}`) };
    this.buses.set(name, bus);
    return bus;
  }

  private bus(nameOrArn: string | undefined): { name: string; arn: string } {
    const name = busNameOf(nameOrArn ?? AWS_DEFAULT_EVENT_BUS);
    const bus = this.buses.get(name);
    if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  private describeBus(bus: { name: string; arn: string }) {
    return { Name: bus.name, Arn: bus.arn };
  }

  private putRule(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
      throw validationError(
        'name',
        name,
        'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ (at most 64)',
      );
    }
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const patternText = optionalString(input, 'EventPattern');
    const scheduleExpression = optionalString(input, 'ScheduleExpression');
    if (!patternText && !scheduleExpression) {
      throw new AwsServiceError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    if (scheduleExpression && bus.name !== AWS_DEFAULT_EVENT_BUS) {
      throw new AwsServiceError(
        'ValidationException',
        'ScheduleExpression is supported only on the default event bus.',
      );
    }
    let pattern: Record<string, unknown> | undefined;
    if (patternText) {
      try {
        pattern = JSON.parse(patternText) as Record<string, unknown>;
        validatePattern(pattern);
      } catch (error) {
        const reason =
          error instanceof InvalidEventPatternError ? error.message : 'Event pattern is not valid JSON';
        throw new AwsServiceError(
          'InvalidEventPatternException',
          `Event pattern is not valid. Reason: ${reason}`,
        );
      }
    }
    const intervalMs = scheduleExpression ? scheduleIntervalMs(scheduleExpression) : undefined;
    const key = ruleKey(bus.name, name);
    const existing = this.rules.get(key);
    existing?.cancelSchedule?.();
    const rule: Rule = {
      name,
      arn: localArn(
        'events',
        bus.name === AWS_DEFAULT_EVENT_BUS ? `rule/${name}` : `rule/${bus.name}/${name}`,
      ),
      busName: bus.name,
      pattern,
      scheduleExpression,
      description: optionalString(input, 'Description'),
      state: optionalString(input, 'State') === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      targets: existing?.targets ?? new Map(),
    };
    this.rules.set(key, rule);
    if (intervalMs !== undefined) this.schedule(rule, intervalMs);
    return { RuleArn: rule.arn };
  }

  private schedule(rule: Rule, intervalMs: number): void {
    const tick = () => {
      rule.cancelSchedule = this.clock.schedule(intervalMs, tick);
      if (rule.state !== 'ENABLED') return;
      const event = this.envelope({
        source: SCHEDULE_EVENT_SOURCE,
        detailType: SCHEDULED_EVENT_DETAIL_TYPE,
        resources: [rule.arn],
        detail: {},
      });
      const arrivedAt = performance.now();
      for (const observer of this.observers) observer(event, rule.busName);
      for (const target of rule.targets.values())
        setImmediate(() => this.deliver(rule, target, event, arrivedAt));
    };
    rule.cancelSchedule = this.clock.schedule(intervalMs, tick);
  }

  private listRules(input: Record<string, unknown>): unknown {
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    return {
      Rules: [...this.rules.values()]
        .filter((rule) => rule.busName === bus.name && rule.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(describeRule),
    };
  }

  private deleteRule(input: Record<string, unknown>): unknown {
    const rule = this.rule(input);
    if (rule.targets.size > 0 && input.Force !== true) {
      throw new AwsServiceError('ValidationException', "Rule can't be deleted since it has targets.");
    }
    rule.cancelSchedule?.();
    this.rules.delete(ruleKey(rule.busName, rule.name));
    return {};
  }

  private setRuleState(rule: Rule, state: 'ENABLED' | 'DISABLED'): unknown {
    rule.state = state;
    return {};
  }

  private putTargets(input: Record<string, unknown>): unknown {
    const rule = this.rule({ Name: input.Rule, EventBusName: input.EventBusName });
    const targets = optionalList(input, 'Targets') ?? [];
    if (targets.length < 1 || targets.length > 10)
      throw validationError('targets', targets.length, 'Member must have length between 1 and 10');
    const parsed = targets.map((raw, index) => {
      if (!isRecord(raw)) throw validationError(`targets.${index + 1}`, raw, 'Member must be a structure');
      if (raw.InputTransformer !== undefined) {
        throw new AwsServiceError(
          'ValidationException',
          `Target ${String(raw.Id)}: InputTransformer is not supported locally`,
        );
      }
      const target: Target = {
        Id: requiredString(raw, 'Id'),
        Arn: requiredString(raw, 'Arn'),
        InputPath: optionalString(raw, 'InputPath'),
        Input: optionalString(raw, 'Input'),
        RoleArn: optionalString(raw, 'RoleArn'),
      };
      if (target.Input !== undefined && target.InputPath !== undefined) {
        throw new AwsServiceError(
          'ValidationException',
          `Target ${target.Id}: Input and InputPath are mutually exclusive`,
        );
      }
      return target;
    });
    for (const target of parsed) rule.targets.set(target.Id, target);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private removeTargets(input: Record<string, unknown>): unknown {
    const rule = this.rule({ Name: input.Rule, EventBusName: input.EventBusName });
    for (const id of (optionalList(input, 'Ids') ?? []).map(String)) rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private rule(input: Record<string, unknown>): Rule {
    const name = requiredString(input, 'Name');
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const rule = this.rules.get(ruleKey(bus.name, name));
    if (!rule)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Rule ${name} does not exist on EventBus ${bus.name}.`,
      );
    return rule;
  }
}

const ruleKey = (bus: string, name: string): string => `${bus}/${name}`;

/** A bus given by name or by ARN (`arn:aws:events:...:event-bus/<name>`). */
const busNameOf = (nameOrArn: string): string =>
  nameOrArn.startsWith('arn:') ? (nameOrArn.split(':event-bus/')[1] ?? nameOrArn) : nameOrArn;

const describeRule = (rule: Rule) => ({
  Name: rule.name,
  Arn: rule.arn,
  EventBusName: rule.busName,
  EventPattern: rule.pattern ? JSON.stringify(rule.pattern) : undefined,
  ScheduleExpression: rule.scheduleExpression,
  State: rule.state,
  Description: rule.description,
});

/** PutEvents' per-entry checks, with EventBridge's error codes. */
/**
 * The entries of one PutEvents call must total less than 256 KB, sized as the EventBridge user guide's "Calculating
 * PutEvents event entry size" says: 14 bytes for a Time, and the UTF-8 bytes of Source, DetailType, Detail and each
 * Resources entry. AWS refuses the whole call (local/aws/README.md).
 */
const PUT_EVENTS_SIZE_LIMIT = 256 * 1024;

const utf8Bytes = (value: unknown): number =>
  typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;

const documentedEntrySize = (entry: unknown): number => {
  if (!isRecord(entry)) return 0;
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    resources.reduce<number>((total, resource) => total + utf8Bytes(resource), 0)
  );
};

const entryProblem = (
  entry: Record<string, unknown>,
): { ErrorCode: string; ErrorMessage: string } | undefined => {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid.` };
    }
  }
  if (String(entry.Source).startsWith('aws.')) {
    return {
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: `Not authorized for the source ${String(entry.Source)}.`,
    };
  }
  try {
    const detail = JSON.parse(String(entry.Detail));
    if (!isRecord(detail)) throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
};

const scheduleIntervalMs = (expression: string): number => {
  try {
    return parseRateExpression(expression);
  } catch (error) {
    throw new AwsServiceError(
      'ValidationException',
      `Parameter ScheduleExpression is not valid: ${(error as Error).message}`,
    );
  }
};
