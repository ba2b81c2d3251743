/**
 * What the state machines' wait loops wait for, judged from DMS descriptions
 * (docs/dms-behaviour.md §1.1, §2.1, §6.1). Each judgment is READY or PENDING; a state the resource cannot
 * leave on its own is an error named for the Catch. Pure: the describe-resources handler fetches, these
 * decide.
 */
import type {
  Connection,
  ReplicationInstance,
  ReplicationTask,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import {
  ConnectionTestFailedError,
  ReplicationTaskFailedError,
  ResourceFailedError,
  TableReloadFailedError,
} from '#contracts/errors';
import { isErrorStop, stopReasonOf } from './task-state.ts';

export type Outcome = 'READY' | 'PENDING';

export interface Readiness {
  readonly outcome: Outcome;
  /** The status behind the outcome, for the execution history and the give-up message. */
  readonly status: string;
}

const ready = (status: string): Readiness => ({ outcome: 'READY', status });
const pending = (status: string): Readiness => ({ outcome: 'PENDING', status });

/**
 * Instance statuses that never become `available` by themselves; the SDK waiter fails on the same ones, plus
 * `inaccessible-encryption-credentials`, which the API documentation does not list.
 */
export const INSTANCE_DEAD_ENDS: readonly string[] = [
  'failed',
  'deleting',
  'deleted',
  'incompatible-credentials',
  'incompatible-network',
  'inaccessible-encryption-credentials',
  'storage-full',
];

/** `available`, and when a class change is expected, on that class with nothing pending. */
export const instanceAvailability = (
  instance: ReplicationInstance | undefined,
  expectedClass?: string,
): Readiness => {
  if (!instance) throw new ResourceFailedError('the replication instance does not exist');
  const status = instance.ReplicationInstanceStatus ?? 'unknown';
  const name = instance.ReplicationInstanceIdentifier ?? instance.ReplicationInstanceArn ?? 'instance';
  if (INSTANCE_DEAD_ENDS.includes(status)) {
    throw new ResourceFailedError(`replication instance ${name} is ${status}`);
  }
  if (status !== 'available') return pending(status);
  if (expectedClass === undefined) return ready(status);
  const current = instance.ReplicationInstanceClass;
  const queued = instance.PendingModifiedValues?.ReplicationInstanceClass;
  // Right after ModifyReplicationInstance the old class can still read `available`: wait for the new one.
  if (current !== expectedClass || queued !== undefined)
    return pending(`${status} on ${current ?? 'unknown'}`);
  return ready(`${status} on ${current}`);
};

/**
 * Statuses from which DMS deletes an instance. Any other (`creating`, `modifying`, `rebooting`, `upgrading`) passes
 * by itself; the DeleteReplicationInstance reference documents only InvalidResourceStateFault for them
 * (docs/failure-semantics.md), so teardown waits instead of deleting.
 */
const INSTANCE_DELETABLE: readonly string[] = [
  'available',
  'failed',
  'storage-full',
  'incompatible-credentials',
  'incompatible-network',
  'inaccessible-encryption-credentials',
];

/** Ready to be deleted: gone, already `deleting`, or in a status DMS deletes from. */
export const instanceDeletable = (instance: ReplicationInstance | undefined): Readiness => {
  if (!instance) return ready('deleted');
  const status = instance.ReplicationInstanceStatus ?? 'unknown';
  return status === 'deleting' || INSTANCE_DELETABLE.includes(status) ? ready(status) : pending(status);
};

export const instanceDeletion = (instance: ReplicationInstance | undefined): Readiness =>
  instance ? pending(instance.ReplicationInstanceStatus ?? 'unknown') : ready('deleted');

/** Both endpoints tested `successful` from this instance; a `failed` test fails with DMS's own message. */
export const connectionsTested = (
  connections: readonly Connection[],
  endpointArns: readonly string[],
): Readiness => {
  const statuses = endpointArns.map((arn) => {
    const connection = connections.find((candidate) => candidate.EndpointArn === arn);
    const status = connection?.Status ?? 'not tested';
    if (status === 'failed') {
      const endpoint = connection?.EndpointIdentifier ?? arn;
      throw new ConnectionTestFailedError(
        `connection test of endpoint ${endpoint} failed: ${connection?.LastFailureMessage ?? 'no message from DMS'}`,
      );
    }
    return { endpoint: connection?.EndpointIdentifier ?? arn, status };
  });
  const summary = statuses.map((entry) => `${entry.endpoint}: ${entry.status}`).join(', ');
  return statuses.every((entry) => entry.status === 'successful') ? ready(summary) : pending(summary);
};

const taskFailure = (task: ReplicationTask, what: string): ReplicationTaskFailedError =>
  new ReplicationTaskFailedError(
    `replication task ${task.ReplicationTaskIdentifier ?? task.ReplicationTaskArn ?? ''} ${what}: ${
      task.LastFailureMessage ?? task.StopReason ?? 'no message from DMS'
    }`,
  );

const requireTask = (task: ReplicationTask | undefined): ReplicationTask => {
  if (!task) throw new ResourceFailedError('the replication task does not exist');
  return task;
};

/** Ready to start: `ready` for a new task; `stopped` or `failed` for one that ran (start-task resumes it); or running. */
export const taskReady = (found: ReplicationTask | undefined): Readiness => {
  const task = requireTask(found);
  const status = task.Status ?? 'unknown';
  if (status === 'deleting') throw new ResourceFailedError('the replication task is being deleted');
  return ['ready', 'stopped', 'failed', 'running'].includes(status) ? ready(status) : pending(status);
};

/** Running again after a start; a task that fails or stops on an error instead ends the wait with DMS's reason. */
export const taskRunning = (found: ReplicationTask | undefined): Readiness => {
  const task = requireTask(found);
  const status = task.Status ?? 'unknown';
  if (status === 'running') return ready(status);
  if (status === 'failed') throw taskFailure(task, 'failed');
  const stopReason = stopReasonOf(task);
  if (status === 'stopped' && isErrorStop(stopReason)) throw taskFailure(task, `stopped (${stopReason})`);
  return pending(stopReason ? `${status} (${stopReason})` : status);
};

/** Not running: stopped, failed, never started, or gone. */
export const taskStopped = (task: ReplicationTask | undefined): Readiness => {
  if (!task) return ready('deleted');
  const status = task.Status ?? 'unknown';
  return ['stopped', 'failed', 'ready'].includes(status) ? ready(status) : pending(status);
};

export const taskDeletion = (task: ReplicationTask | undefined): Readiness =>
  task ? pending(task.Status ?? 'unknown') : ready('deleted');

/**
 * One table's reload (ReloadTables, docs/lake.md "Resync"): ready once DMS reports it `Table completed` with a full
 * load that ended at or after the reload was asked for (a `Table completed` left from the load before does not
 * count: DMS may report the reload a moment after it accepted it). `Table error`, or a task that no longer lists the
 * table, ends the wait. DMS reports times in whole seconds, so the request time is compared at that precision.
 */
export const tableReloaded = (
  table: TableStatistics | undefined,
  reload: { readonly name: string; readonly requestedAt: string },
): Readiness => {
  if (!table) throw new TableReloadFailedError(`the task no longer migrates ${reload.name}`);
  const state = table.TableState ?? 'unknown';
  if (state === 'Table error') throw new TableReloadFailedError(`DMS reports ${reload.name} in error`);
  const requestedSecond = Math.floor(Date.parse(reload.requestedAt) / 1000) * 1000;
  const endedAt = table.FullLoadEndTime?.getTime();
  return state === 'Table completed' && endedAt !== undefined && endedAt >= requestedSecond
    ? ready(state)
    : pending(state);
};
