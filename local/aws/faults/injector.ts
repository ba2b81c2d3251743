/**
 * Faults of the local AWS outside DMS, configured per test or bench and deterministic under a seed: an AWS API call
 * that fails (e.g. SendTaskSuccess answering ServiceUnavailable), and a handler invocation that crashes or times
 * out before or after doing its work. Each rule counts the calls it matches and fires on the `nth` of them, with a
 * `probability`, or on all of them, at most `times` times (the DMS emulator's trigger semantics).
 */
import type { Trigger } from '../../dms/faults/config.ts';
import { TriggerState } from '../../dms/faults/injector.ts';
import { type Random, seededRandom } from '../../dms/faults/random.ts';
import { AwsServiceError } from '../../http/service.ts';

export interface AwsApiFaultRule extends Trigger {
  /** The service as the endpoint names it (`stepfunctions`, `events`, `cloudwatch`, `secretsmanager`). */
  readonly service: string;
  readonly operations: readonly string[];
  /** The AWS error code the call fails with. */
  readonly error: string;
  readonly status?: number;
}

/**
 * `crash-before`: the invocation fails before the handler runs; `crash-after`: the handler's work is done but the
 * invocation fails anyway (a runtime that died before returning); `timeout`: like `crash-after`, reported as a
 * timeout. Step Functions reports all three as `Lambda.Unknown`, as Lambda's unhandled errors are reported
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
export type HandlerFaultKind = 'crash-before' | 'crash-after' | 'timeout';

export interface HandlerFaultRule extends Trigger {
  /** Handler names (`start-task`, `on-task-event`...); every handler when absent. */
  readonly handlers?: readonly string[];
  readonly fault: HandlerFaultKind;
}

export interface LocalAwsFaultConfig {
  readonly seed?: string | number;
  readonly api?: readonly AwsApiFaultRule[];
  readonly handlers?: readonly HandlerFaultRule[];
}

/** Lambda's error type for an unhandled runtime failure, as Step Functions matches it. */
export const LAMBDA_UNKNOWN_ERROR = 'Lambda.Unknown';

export class LocalAwsFaults {
  private random: Random = seededRandom('aws-faults:');
  private api: Array<{ rule: AwsApiFaultRule; state: TriggerState }> = [];
  private handlers: Array<{ rule: HandlerFaultRule; state: TriggerState }> = [];

  constructor(config: LocalAwsFaultConfig = {}) {
    this.configure(config);
  }

  /** Replaces every rule and resets the counters. */
  configure(config: LocalAwsFaultConfig): void {
    this.random = seededRandom(`aws-faults:${String(config.seed ?? '')}`);
    this.api = (config.api ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
    this.handlers = (config.handlers ?? []).map((rule) => ({ rule, state: new TriggerState(rule) }));
  }

  /** The error a call fails with before its service sees it, if any. */
  beforeCall(service: string, operation: string): AwsServiceError | undefined {
    let chosen: AwsApiFaultRule | undefined;
    for (const { rule, state } of this.api) {
      if (rule.service !== service || !rule.operations.includes(operation)) continue;
      if (state.hit(this.random, chosen === undefined)) chosen = rule;
    }
    return chosen
      ? new AwsServiceError(
          chosen.error,
          `${operation} failed (injected ${chosen.error})`,
          chosen.status ?? 503,
        )
      : undefined;
  }

  /** The fault this invocation of `handler` meets, if any. */
  handlerFault(handler: string): HandlerFaultKind | undefined {
    let chosen: HandlerFaultKind | undefined;
    for (const { rule, state } of this.handlers) {
      if (rule.handlers && !rule.handlers.includes(handler)) continue;
      if (state.hit(this.random, chosen === undefined)) chosen = rule.fault;
    }
    return chosen;
  }
}
