/**
 * Replication instance status changes: creating → available, modifying → available (class, storage, Multi-AZ,
 * engine), rebooting → available, deleting → gone, and queued modifications in the maintenance window.
 */

import type { StuckModification } from '../faults/task-hooks.ts';
import { secondaryZone } from '../state/availability-zones.ts';
import type { InstanceRecord, PendingModifications } from '../state/records.ts';
import { nextWindowStart } from './maintenance-window.ts';
import type { LifecycleScope } from './scope.ts';

const isEmpty = (changes: PendingModifications): boolean => Object.keys(changes).length === 0;

/** Changes that replace the host (and so interrupt tasks), as opposed to an online storage increase. */
const replacesHost = (changes: PendingModifications): boolean =>
  changes.ReplicationInstanceClass !== undefined ||
  changes.MultiAZ !== undefined ||
  changes.EngineVersion !== undefined ||
  changes.NetworkType !== undefined;

const startModification = (
  ctx: LifecycleScope,
  instance: InstanceRecord,
  changes: PendingModifications,
  stuck: StuckModification | undefined,
): void => {
  if (isEmpty(changes)) return;
  instance.status = 'modifying';
  instance.applying = changes;
  if (changes.ReplicationInstanceClass !== undefined) ctx.events.publish('class-change-starting', instance);
  if (changes.AllocatedStorage !== undefined) ctx.events.publish('storage-change-starting', instance);
  const hostChange = replacesHost(changes);
  if (hostChange) ctx.runner.interruptInstance(instance, 'modified');
  const duration = hostChange
    ? ctx.config.durations.instanceClassChange
    : ctx.config.durations.instanceStorageChange;
  // An injected stuck modification: the instance stays `modifying`.
  if (hostChange && stuck === 'modifying') return;
  ctx.timers.schedule({ type: 'instance-modified', arn: instance.arn }, duration);
};

/** What an injected fault makes of a class change that should apply now: stuck `modifying`, left pending, or none. */
const stuckModificationOf = (
  ctx: LifecycleScope,
  instance: InstanceRecord,
  changes: PendingModifications,
): StuckModification | undefined =>
  replacesHost(changes) ? ctx.faults.stuckModification([instance.arn, instance.identifier]) : undefined;

const scheduleMaintenance = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  if (isEmpty(instance.pending) || ctx.timers.has('instance-maintenance', instance.arn)) return;
  const at = nextWindowStart(instance.preferredMaintenanceWindow, ctx.clock.now());
  ctx.timers.schedule({ type: 'instance-maintenance', arn: instance.arn }, at - ctx.clock.now());
};

/** CreateReplicationInstance accepted the instance (status `creating`). */
export const instanceCreating = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  ctx.events.publish('instance-creating', instance);
  ctx.timers.schedule({ type: 'instance-created', arn: instance.arn }, ctx.config.durations.instanceCreate);
};

/** ModifyReplicationInstance: applies the changes now, or queues them for the maintenance window. */
export const modifyInstance = (
  ctx: LifecycleScope,
  instance: InstanceRecord,
  changes: PendingModifications,
  applyImmediately: boolean,
): void => {
  if (applyImmediately) {
    const all = { ...instance.pending, ...changes };
    const stuck = stuckModificationOf(ctx, instance, all);
    // An injected deferral: accepted, and left pending on the available instance for a window that never comes.
    if (stuck === 'pending') {
      instance.pending = all;
      return;
    }
    instance.pending = {};
    startModification(ctx, instance, all, stuck);
  } else {
    instance.pending = { ...instance.pending, ...changes };
    scheduleMaintenance(ctx, instance);
  }
};

export const rebootInstance = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  instance.status = 'rebooting';
  ctx.events.publish('instance-rebooting', instance);
  ctx.runner.interruptInstance(instance, 'rebooted');
  ctx.timers.schedule({ type: 'instance-rebooted', arn: instance.arn }, ctx.config.durations.instanceReboot);
};

export const deleteInstance = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  instance.status = 'deleting';
  ctx.timers.cancelFor(instance.arn);
  ctx.events.publish('instance-deleting', instance);
  ctx.timers.schedule({ type: 'instance-deleted', arn: instance.arn }, ctx.config.durations.instanceDelete);
};

export const onInstanceCreated = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  if (instance.status !== 'creating') return;
  instance.status = 'available';
  ctx.events.publish('instance-created', instance);
  scheduleMaintenance(ctx, instance);
};

export const onInstanceModified = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  if (instance.status !== 'modifying') return;
  const changes = instance.applying ?? {};
  if (changes.ReplicationInstanceClass !== undefined)
    instance.instanceClass = changes.ReplicationInstanceClass;
  if (changes.AllocatedStorage !== undefined) instance.allocatedStorage = changes.AllocatedStorage;
  if (changes.EngineVersion !== undefined) instance.engineVersion = changes.EngineVersion;
  if (changes.NetworkType !== undefined) instance.networkType = changes.NetworkType;
  if (changes.MultiAZ !== undefined) {
    instance.multiAz = changes.MultiAZ;
    if (!changes.MultiAZ) delete instance.secondaryAvailabilityZone;
    else instance.secondaryAvailabilityZone = secondaryZone(instance.availabilityZone);
  }
  delete instance.applying;
  instance.status = 'available';
  if (changes.ReplicationInstanceClass !== undefined) ctx.events.publish('class-change-done', instance);
  if (changes.AllocatedStorage !== undefined) ctx.events.publish('storage-change-done', instance);
  ctx.runner.resumeInstance(instance);
  scheduleMaintenance(ctx, instance);
};

export const onInstanceRebooted = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  if (instance.status !== 'rebooting') return;
  instance.status = 'available';
  ctx.events.publish('instance-rebooted', instance);
  ctx.runner.resumeInstance(instance);
};

export const onInstanceDeleted = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  delete ctx.state.instances[instance.arn];
  delete ctx.state.tags[instance.arn];
  ctx.state.connections = ctx.state.connections.filter(
    (connection) => connection.instanceArn !== instance.arn,
  );
  ctx.events.publish('instance-deleted', instance);
};

/** The maintenance window opened: queued modifications are applied now (or next week if the instance is busy). */
export const onMaintenanceWindow = (ctx: LifecycleScope, instance: InstanceRecord): void => {
  if (isEmpty(instance.pending)) return;
  if (instance.status !== 'available') {
    scheduleMaintenance(ctx, instance);
    return;
  }
  const changes = instance.pending;
  instance.pending = {};
  startModification(ctx, instance, changes, stuckModificationOf(ctx, instance, changes));
};
