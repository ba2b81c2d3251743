/**
 * One fault plan for the whole local AWS: a list of faults by name, compiled into the DMS emulator's rules, the
 * other services' and the handlers' rules, and the teardowns to send when a database reaches a point. Tests and
 * benches inject faults only through it, so a chaos run can combine every fault at once. Each fault takes the DMS
 * emulator's trigger (`nth`, `probability`, `times`): without one it fires on every match.
 */
import type { HandlerName } from '#contracts/names';
import type { Phase } from '#contracts/phases';
import { deriveIdentifiers } from '#domain/naming';
import type {
  ApiFaultRule,
  DmsFaultConfig,
  EventFaultRule,
  InstanceFaultRule,
  StuckModification,
  TaskFailureRule,
  TaskStallRule,
  Trigger,
} from '../../dms/faults/config.ts';
import type { ReloadHoldRule, ReloadPoint } from '../../dms/faults/reload-gate.ts';
import type { AwsApiFaultRule, HandlerFaultRule, LocalAwsFaultConfig } from './injector.ts';

/** A database of the plan's migration; every database when absent. */
interface OfDatabase {
  readonly database?: string;
}

/** When a teardown is sent for a database: as its registry item enters a phase, or once a handler did its work for it. */
export type TeardownPoint = { readonly phase: Phase } | { readonly afterHandler: HandlerName };

export type NamedFault =
  /** DMS answers ThrottlingException, as an account over its API budget sees. */
  | ({ readonly fault: 'throttling' } & Trigger)
  /** DMS answers InvalidResourceStateFault as if the resource were mid-operation. */
  | ({ readonly fault: 'busy'; readonly operations?: readonly string[] } & Trigger)
  /** A DMS event never reaches EventBridge, or reaches it more than once. */
  | ({
      readonly fault: 'lost-events' | 'duplicated-events';
      readonly eventType?: string;
      readonly copies?: number;
    } & OfDatabase &
      Trigger)
  /** ModifyReplicationInstance answers InsufficientResourceCapacityFault. */
  | ({ readonly fault: 'capacity-on-modify' } & OfDatabase & Trigger)
  /** A class change is accepted and never completes (`stays` `modifying`, or left `pending`). */
  | ({ readonly fault: 'modification-never-applies'; readonly stays?: StuckModification } & OfDatabase &
      Trigger)
  /** A resume (`resume-processing`) is refused as if the task were busy. */
  | ({ readonly fault: 'resume-fails' } & OfDatabase & Trigger)
  /** The task fails on its own, at a point of its run (DMS's stop reason FATAL_ERROR unless said). */
  | ({
      readonly fault: 'task-fails';
      readonly at: TaskFailureRule['at'];
      readonly stopReason?: TaskFailureRule['stopReason'];
    } & OfDatabase &
      Trigger)
  /** The full load stops advancing once it reaches `atPercent` (default 10) while the task stays `running`. */
  | ({ readonly fault: 'full-load-stalls'; readonly atPercent?: number } & OfDatabase & Trigger)
  /** A handler's invocation dies before or after its work, or times out after it (every handler when absent). */
  | ({
      readonly fault: 'handler-crash' | 'handler-timeout';
      readonly handlers?: readonly HandlerName[];
      readonly when?: 'before' | 'after';
    } & Trigger)
  /** SendTaskSuccess fails with this AWS error (KmsInvalidStateException, a key Step Functions cannot use). */
  | ({
      readonly fault: 'send-task-success-fails';
      readonly error?: string;
      readonly status?: number;
    } & Trigger)
  /**
   * A table reload (ReloadTables) of the database's task stops at `at` (default `loaded`: its new LOAD files written,
   * the table not yet completed) until `DmsEmulator.reloads.release` lets it go on; `table` is `schema.table`.
   */
  | ({ readonly fault: 'reload-held'; readonly at?: ReloadPoint; readonly table?: string } & OfDatabase)
  /** A Teardown Requested is sent for the database when it reaches `at` (once per database). */
  | ({ readonly fault: 'teardown-at'; readonly at: TeardownPoint } & OfDatabase);

export interface FaultPlan {
  readonly seed?: string | number;
  readonly faults: readonly NamedFault[];
}

export interface TeardownTrigger {
  /** The database to tear down; every database of the migration when absent. */
  readonly databaseId?: string;
  readonly at: TeardownPoint;
}

export interface CompiledFaultPlan {
  readonly dmsFaults: DmsFaultConfig;
  readonly awsFaults: LocalAwsFaultConfig;
  readonly teardowns: readonly TeardownTrigger[];
}

/** Where a `full-load-stalls` load stops unless the fault says: early, so that a test need not wait for it. */
const DEFAULT_STALL_PERCENT = 10;

const triggerOf = (fault: Trigger): Trigger => ({
  ...(fault.nth === undefined ? {} : { nth: fault.nth }),
  ...(fault.probability === undefined ? {} : { probability: fault.probability }),
  ...(fault.times === undefined ? {} : { times: fault.times }),
});

/** Compiles a plan for one migration (its id names each database's DMS resources). */
export const compileFaultPlan = (plan: FaultPlan, migrationId: string): CompiledFaultPlan => {
  const api: ApiFaultRule[] = [];
  const events: EventFaultRule[] = [];
  const instances: InstanceFaultRule[] = [];
  const tasks: TaskFailureRule[] = [];
  const stalls: TaskStallRule[] = [];
  const reloads: ReloadHoldRule[] = [];
  const awsApi: AwsApiFaultRule[] = [];
  const handlers: HandlerFaultRule[] = [];
  const teardowns: TeardownTrigger[] = [];
  const ids = (database: string | undefined) =>
    database === undefined ? undefined : deriveIdentifiers(migrationId, database);
  const instanceOf = (database: string | undefined) => {
    const instance = ids(database)?.instance;
    return instance === undefined ? {} : { instance };
  };
  /** The task of the database a fault names; a fault about one task refuses to apply to all. */
  const namedTask = (database: string | undefined, refusal: string): string => {
    const task = ids(database)?.task;
    if (task === undefined) throw new FaultPlanError(refusal);
    return task;
  };
  const resourceOf = (database: string | undefined, kind: 'instance' | 'task') => {
    const resource = ids(database)?.[kind];
    return resource === undefined ? {} : { resource };
  };
  for (const fault of plan.faults) {
    const when = triggerOf(fault as Trigger);
    switch (fault.fault) {
      case 'throttling':
        api.push({ fault: 'throttling', ...when });
        break;
      case 'busy':
        api.push({
          fault: 'busy',
          ...(fault.operations ? { operations: fault.operations } : {}),
          ...when,
        });
        break;
      case 'lost-events':
      case 'duplicated-events':
        events.push({
          action: fault.fault === 'lost-events' ? 'drop' : 'duplicate',
          ...(fault.eventType ? { eventType: fault.eventType } : {}),
          ...(fault.copies ? { copies: fault.copies } : {}),
          ...resourceOf(fault.database, 'task'),
          ...when,
        });
        break;
      case 'capacity-on-modify':
        api.push({
          fault: 'insufficient-capacity',
          operations: ['ModifyReplicationInstance'],
          ...resourceOf(fault.database, 'instance'),
          ...when,
        });
        break;
      case 'modification-never-applies':
        instances.push({
          fault: 'modification-never-applies',
          ...instanceOf(fault.database),
          ...(fault.stays ? { stays: fault.stays } : {}),
          ...when,
        });
        break;
      case 'resume-fails':
        api.push({
          fault: 'busy',
          operations: ['StartReplicationTask'],
          startType: 'resume-processing',
          ...resourceOf(fault.database, 'task'),
          ...when,
        });
        break;
      case 'task-fails': {
        const task = namedTask(fault.database, 'task-fails: must name the database whose task fails');
        tasks.push({ task, at: fault.at, stopReason: fault.stopReason ?? 'FATAL_ERROR', ...when });
        break;
      }
      case 'full-load-stalls': {
        const task = namedTask(
          fault.database,
          'full-load-stalls: must name the database whose full load stalls',
        );
        stalls.push({ task, atPercent: fault.atPercent ?? DEFAULT_STALL_PERCENT, ...when });
        break;
      }
      case 'handler-crash':
      case 'handler-timeout':
        handlers.push({
          fault:
            fault.fault === 'handler-timeout'
              ? 'timeout'
              : fault.when === 'after'
                ? 'crash-after'
                : 'crash-before',
          ...(fault.handlers ? { handlers: fault.handlers } : {}),
          ...when,
        });
        break;
      case 'send-task-success-fails':
        awsApi.push({
          service: 'stepfunctions',
          operations: ['SendTaskSuccess'],
          error: fault.error ?? 'ServiceUnavailable',
          ...(fault.status === undefined ? {} : { status: fault.status }),
          ...when,
        });
        break;
      case 'reload-held': {
        const task = ids(fault.database)?.task;
        reloads.push({
          ...(task === undefined ? {} : { task }),
          ...(fault.table === undefined ? {} : { table: fault.table }),
          at: fault.at ?? 'loaded',
        });
        break;
      }
      case 'teardown-at':
        teardowns.push({ ...(fault.database ? { databaseId: fault.database } : {}), at: fault.at });
        break;
    }
  }
  const seed = plan.seed === undefined ? {} : { seed: plan.seed };
  return {
    dmsFaults: { ...seed, api, events, instances, tasks, stalls, reloads },
    awsFaults: { ...seed, api: awsApi, handlers },
    teardowns,
  };
};

export class FaultPlanError extends Error {
  override readonly name = 'FaultPlanError';
}
