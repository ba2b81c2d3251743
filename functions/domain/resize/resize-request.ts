/**
 * A request to decide a database's size, and the pure steps around the policy: which database and trigger it
 * names, what the policy needs fetched, who holds the lock, and what the decide-resize handler answers. The
 * fetching and recording are in `#adapters/resize-decision`.
 */
import type { RegistryKey } from '#contracts/registry-item';
import { signalOfAlarm } from '#domain/alarms/alarm-specs';
import { type InstanceClass, isInstanceClass } from '#domain/instance-classes';
import type { RegistryItem } from '#domain/registry-item';
import { AUTO_STEADY_CLASS, type ResizeSettings } from '#domain/request/resize-settings';
import type { ResizeDecision, ResizeTrigger } from './types.ts';

/** Longer than the slowest resize the state machines allow, so an execution that died cannot block resizes forever. */
export const RESIZE_LOCK_TTL_SECONDS = 4 * 60 * 60;

/** The `detail` of a CloudWatch Alarm State Change event: only what lakeshift reads. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly configuration: {
    readonly metrics: readonly {
      readonly metricStat?:
        | { readonly metric: { readonly dimensions?: Readonly<Record<string, string>> | undefined } }
        | undefined;
    }[];
  };
}

/** The three ways a decision is asked for: after the full load, by an alarm, or by hand. */
export type ResizeRequest = (
  | (RegistryKey & { readonly trigger: 'step-down'; readonly now: string })
  | { readonly trigger: 'alarm'; readonly alarm: AlarmStateChange; readonly now: string }
  | {
      readonly trigger: 'manual';
      readonly request: RegistryKey & { readonly targetClass?: string | undefined };
      readonly now: string;
    }
) & {
  /** The execution asking: an acting decision records it with the lock, so that a teardown can stop it. */
  readonly executionArn?: string | undefined;
};

/** How to find the database: by its key, or by the instance an alarm watches (undefined when it names none). */
export type DatabaseLookup =
  | { readonly by: 'key'; readonly key: RegistryKey }
  | { readonly by: 'instance'; readonly instanceIdentifier: string }
  | { readonly by: 'none' };

/** The alarm's instance, from the dimension every lakeshift alarm carries. */
const instanceIdentifierOf = (alarm: AlarmStateChange): string | undefined =>
  alarm.configuration.metrics
    .map((metric) => metric.metricStat?.metric.dimensions?.ReplicationInstanceIdentifier)
    .find((value) => value !== undefined);

export const databaseLookupOf = (request: ResizeRequest): DatabaseLookup => {
  switch (request.trigger) {
    case 'step-down':
      return { by: 'key', key: request };
    case 'manual':
      return { by: 'key', key: request.request };
    case 'alarm': {
      const instanceIdentifier = instanceIdentifierOf(request.alarm);
      return instanceIdentifier === undefined ? { by: 'none' } : { by: 'instance', instanceIdentifier };
    }
  }
};

export const triggerOf = (request: ResizeRequest): ResizeTrigger => {
  switch (request.trigger) {
    case 'step-down':
      return { kind: 'full-load-done' };
    case 'manual':
      return request.request.targetClass !== undefined && isInstanceClass(request.request.targetClass)
        ? { kind: 'manual', targetClass: request.request.targetClass }
        : { kind: 'manual' };
    case 'alarm': {
      const signal = signalOfAlarm(request.alarm.alarmName);
      return signal === undefined
        ? { kind: 'alarm', alarmName: request.alarm.alarmName }
        : { kind: 'alarm', alarmName: request.alarm.alarmName, signal };
    }
  }
};

/**
 * Whose metrics the policy reads: metrics decide only in CDC and need the task's metric dimension; a step-down reads
 * its peak instead. Undefined when the policy reads none.
 */
export const metricsTargetOf = (
  request: ResizeRequest,
  item: RegistryItem,
): { readonly instanceIdentifier: string; readonly taskResourceId: string } | undefined =>
  request.trigger !== 'step-down' && item.phase === 'CDC' && item.taskResourceId !== undefined
    ? { instanceIdentifier: item.instanceIdentifier, taskResourceId: item.taskResourceId }
    : undefined;

/** Only a step-down to an `auto` steady class sizes the target by the heaviest use while the instance worked. */
export const needsPeakUsage = (request: ResizeRequest, settings: ResizeSettings): boolean =>
  request.trigger === 'step-down' && settings.steadyClass === AUTO_STEADY_CLASS;

/**
 * The class the decision starts from: what DMS reports the instance has now, when it reports a known class; the
 * registry's record otherwise (the instance is gone, or DMS reports a class lakeshift does not know).
 */
export const classAtDecision = (reported: string | undefined, recorded: InstanceClass): InstanceClass =>
  reported !== undefined && isInstanceClass(reported) ? reported : recorded;

/** Names the execution that holds the resize lock for an acting decision. */
export const lockHolderOf = (request: ResizeRequest, item: RegistryKey): string =>
  `${request.trigger}:${item.migrationId}/${item.databaseId}@${request.now}`;

/** An acting decision whose lock another resize holds becomes a stay, with the lock's message as reason. */
export const stayWhileResizing = (decision: ResizeDecision, reason: string): ResizeDecision => ({
  action: 'stay',
  rule: 'resize-in-flight',
  reason,
  metrics: decision.metrics,
});

/** The answer when an alarm is about no instance lakeshift manages. */
export const NOT_MANAGED = {
  act: false,
  action: 'stay',
  reason: 'the alarm is not about an instance lakeshift manages',
} as const;

/** What decide-resize answers for a decision on a database it manages. */
export const resizeAnswer = (
  item: RegistryItem,
  decided: {
    readonly decision: ResizeDecision;
    readonly fromClass: string;
    readonly lockHolder: string;
    readonly recorded: boolean;
    readonly alarmReset: boolean;
  },
) => {
  const { decision, fromClass } = decided;
  const act = decision.action !== 'stay';
  return {
    migrationId: item.migrationId,
    databaseId: item.databaseId,
    act,
    action: decision.action,
    rule: decision.rule,
    reason: decision.reason,
    fromClass,
    toClass: decision.targetClass ?? fromClass,
    instanceArn: item.instanceArn ?? null,
    taskArn: item.taskArn ?? null,
    lockHolder: act ? decided.lockHolder : null,
    /** False for an alarm's stay that repeats its previous one: neither appended to the history nor published. */
    recorded: decided.recorded,
    /** True when the triggering alarm was put back to OK, to be evaluated afresh. */
    alarmReset: decided.alarmReset,
  };
};
