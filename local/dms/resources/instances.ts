/** Replication instances: Create, Describe, Modify, Reboot, Delete. */

import { createHash } from 'node:crypto';
import type {
  CreateReplicationInstanceMessage,
  CreateReplicationInstanceResponse,
  DeleteReplicationInstanceMessage,
  DeleteReplicationInstanceResponse,
  DescribeReplicationInstancesMessage,
  DescribeReplicationInstancesResponse,
  ModifyReplicationInstanceMessage,
  ModifyReplicationInstanceResponse,
  RebootReplicationInstanceMessage,
  RebootReplicationInstanceResponse,
  ReplicationInstance,
} from '@aws-sdk/client-database-migration-service';
import { isInstanceClass } from '#domain/instance-classes';
import type { DmsContext } from '../context.ts';
import { checkMaintenanceWindow } from '../lifecycle/maintenance-window.ts';
import { dmsArn, generateUuid } from '../protocol/arn.ts';
import { describePage } from '../protocol/describe.ts';
import {
  invalidParameterCombination,
  invalidParameterValue,
  invalidResourceState,
  resourceAlreadyExists,
  resourceQuotaExceeded,
  storageQuotaExceeded,
} from '../protocol/errors.ts';
import { checkResourceIdentifier, normalizeIdentifier } from '../protocol/identifiers.ts';
import { epochSeconds, type Input, type Wire } from '../protocol/wire.ts';
import { secondaryZone } from '../state/availability-zones.ts';
import { getInstance, tasksOnInstance } from '../state/lookup.ts';
import type { InstanceRecord, PendingModifications } from '../state/records.ts';
import { availabilityZones, defaultSubnetGroup, getSubnetGroup, subnetGroupToApi } from './subnet-groups.ts';
import { setTags, validateTags } from './tags.ts';

const MIN_STORAGE_GB = 5;
const MAX_STORAGE_GB = 6144;
const DEFAULT_MAINTENANCE_WINDOW = 'sun:06:00-sun:06:30';
/** Statuses from which DMS lets an instance be deleted. */
const DELETABLE = new Set([
  'available',
  'failed',
  'storage-full',
  'incompatible-credentials',
  'incompatible-network',
  'inaccessible-encryption-credentials',
]);

/**
 * Storage included with a class (docs/dms-behaviour.md §9.1: 50 GB for burstable classes, 100 GB otherwise).
 */
const defaultStorage = (instanceClass: string): number => (/^dms\.t[23]\./.test(instanceClass) ? 50 : 100);

const ipFrom = (seed: string, prefix: string): string => {
  const digest = createHash('sha256').update(seed).digest();
  return `${prefix}.${digest[0] ?? 0}.${((digest[1] ?? 0) % 254) + 1}`;
};

export const instanceToApi = (ctx: DmsContext, instance: InstanceRecord): Wire<ReplicationInstance> => {
  const group = ctx.state.subnetGroups[instance.subnetGroupId];
  const created = instance.status !== 'creating';
  return {
    ReplicationInstanceIdentifier: instance.identifier,
    ReplicationInstanceClass: instance.instanceClass,
    ReplicationInstanceStatus: instance.status,
    AllocatedStorage: instance.allocatedStorage,
    ...(created ? { InstanceCreateTime: epochSeconds(instance.createdAt) } : {}),
    VpcSecurityGroups: instance.vpcSecurityGroupIds.map((id) => ({
      VpcSecurityGroupId: id,
      Status: 'active',
    })),
    AvailabilityZone: instance.availabilityZone,
    ...(group ? { ReplicationSubnetGroup: subnetGroupToApi(group) } : {}),
    PreferredMaintenanceWindow: instance.preferredMaintenanceWindow,
    PendingModifiedValues: { ...instance.pending },
    MultiAZ: instance.multiAz,
    EngineVersion: instance.engineVersion,
    AutoMinorVersionUpgrade: instance.autoMinorVersionUpgrade,
    KmsKeyId: instance.kmsKeyId,
    ReplicationInstanceArn: instance.arn,
    ...(created
      ? {
          ReplicationInstancePrivateIpAddress: instance.privateIp,
          ReplicationInstancePrivateIpAddresses: [instance.privateIp],
          ...(instance.publicIp
            ? {
                ReplicationInstancePublicIpAddress: instance.publicIp,
                ReplicationInstancePublicIpAddresses: [instance.publicIp],
              }
            : { ReplicationInstancePublicIpAddresses: [] }),
          ReplicationInstanceIpv6Addresses: [],
        }
      : {}),
    PubliclyAccessible: instance.publiclyAccessible,
    ...(instance.secondaryAvailabilityZone
      ? { SecondaryAvailabilityZone: instance.secondaryAvailabilityZone }
      : {}),
    ...(instance.dnsNameServers ? { DnsNameServers: instance.dnsNameServers } : {}),
    NetworkType: instance.networkType,
  };
};

const checkInstanceClass = (value: string): string => {
  if (!isInstanceClass(value)) throw invalidParameterValue(`Invalid replication instance class: ${value}`);
  return value;
};

const checkStorage = (value: number): number => {
  if (!Number.isInteger(value) || value < MIN_STORAGE_GB || value > MAX_STORAGE_GB)
    throw invalidParameterValue(
      `AllocatedStorage must be between ${MIN_STORAGE_GB} and ${MAX_STORAGE_GB} GB`,
    );
  return value;
};

const checkEngineVersion = (value: string): string => {
  if (!/^\d+\.\d+\.\d+$/.test(value)) throw invalidParameterValue(`Invalid engine version: ${value}`);
  return value;
};

const usedStorage = (ctx: DmsContext): number =>
  Object.values(ctx.state.instances).reduce((sum, instance) => sum + instance.allocatedStorage, 0);

const identifierTaken = (ctx: DmsContext, identifier: string): boolean =>
  Object.values(ctx.state.instances).some((instance) => instance.identifier === identifier);

export const createReplicationInstance = (
  ctx: DmsContext,
  input: Input<
    CreateReplicationInstanceMessage,
    'ReplicationInstanceIdentifier' | 'ReplicationInstanceClass'
  >,
): Wire<CreateReplicationInstanceResponse> => {
  const { config, state } = ctx;
  const identifier = normalizeIdentifier(
    'ReplicationInstanceIdentifier',
    input.ReplicationInstanceIdentifier,
  );
  const instanceClass = checkInstanceClass(input.ReplicationInstanceClass);
  const allocatedStorage = checkStorage(input.AllocatedStorage ?? defaultStorage(instanceClass));
  const multiAz = input.MultiAZ ?? false;
  if (multiAz && input.AvailabilityZone)
    throw invalidParameterCombination('AvailabilityZone cannot be specified when MultiAZ is true');
  const zones = availabilityZones(config.region);
  if (input.AvailabilityZone && !zones.includes(input.AvailabilityZone))
    throw invalidParameterValue(
      `Invalid AvailabilityZone ${input.AvailabilityZone} for region ${config.region}`,
    );
  const engineVersion = checkEngineVersion(input.EngineVersion ?? config.engineVersion);
  const window = checkMaintenanceWindow(input.PreferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW);
  const resourceId =
    input.ResourceIdentifier !== undefined ? checkResourceIdentifier(input.ResourceIdentifier) : undefined;
  const tags = validateTags(input.Tags);
  const group = input.ReplicationSubnetGroupIdentifier
    ? getSubnetGroup(ctx, input.ReplicationSubnetGroupIdentifier)
    : undefined;
  if (identifierTaken(ctx, identifier))
    throw resourceAlreadyExists(`Replication instance with identifier ${identifier} already exists`);
  const arn = dmsArn(config.region, config.account, 'rep', resourceId ?? ctx.nextResourceId());
  if (state.instances[arn])
    throw resourceAlreadyExists(`Replication instance with ARN ${arn} already exists`);
  if (Object.keys(state.instances).length >= config.quotas.replicationInstances)
    throw resourceQuotaExceeded(
      `The quota of ${config.quotas.replicationInstances} replication instances for this account has been reached`,
    );
  if (usedStorage(ctx) + allocatedStorage > config.quotas.allocatedStorage)
    throw storageQuotaExceeded(
      `The total allocated storage quota of ${config.quotas.allocatedStorage} GB for this account would be exceeded`,
    );
  const subnetGroup = group ?? defaultSubnetGroup(ctx);
  const zone = input.AvailabilityZone ?? subnetGroup.subnets[0]?.availabilityZone ?? `${config.region}a`;
  const publiclyAccessible = input.PubliclyAccessible ?? true;
  const instance: InstanceRecord = {
    arn,
    resourceId: arn.slice(arn.lastIndexOf(':') + 1),
    identifier,
    instanceClass,
    status: 'creating',
    allocatedStorage,
    engineVersion,
    multiAz,
    availabilityZone: zone,
    ...(multiAz ? { secondaryAvailabilityZone: secondaryZone(zone) } : {}),
    subnetGroupId: subnetGroup.identifier,
    vpcSecurityGroupIds: [
      ...(input.VpcSecurityGroupIds ?? [
        `sg-${createHash('sha256').update(`${arn}:sg`).digest('hex').slice(0, 17)}`,
      ]),
    ],
    preferredMaintenanceWindow: window,
    autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
    publiclyAccessible,
    kmsKeyId:
      input.KmsKeyId ?? `arn:aws:kms:${config.region}:${config.account}:key/${generateUuid(config.seed, 0)}`,
    networkType: input.NetworkType ?? 'IPV4',
    ...(input.DnsNameServers ? { dnsNameServers: input.DnsNameServers } : {}),
    privateIp: ipFrom(`${arn}:private`, '10.0'),
    ...(publiclyAccessible ? { publicIp: ipFrom(`${arn}:public`, '54.160') } : {}),
    createdAt: ctx.clock.now(),
    pending: {},
  };
  state.instances[arn] = instance;
  setTags(ctx, arn, tags);
  ctx.lifecycle.instanceCreating(instance);
  return { ReplicationInstance: instanceToApi(ctx, instance) };
};

export const describeReplicationInstances = (
  ctx: DmsContext,
  input: Wire<DescribeReplicationInstancesMessage>,
): Wire<DescribeReplicationInstancesResponse> => {
  const { items, ...marker } = describePage(
    Object.values(ctx.state.instances),
    input,
    {
      fields: {
        'replication-instance-arn': (instance) => [instance.arn],
        'replication-instance-id': (instance) => [instance.identifier],
        'replication-instance-class': (instance) => [instance.instanceClass],
        'engine-version': (instance) => [instance.engineVersion],
      },
      caseInsensitive: ['replication-instance-id'],
      what: 'replication instances',
    },
    (instance) => instanceToApi(ctx, instance),
  );
  return { ReplicationInstances: items, ...marker };
};

export const modifyReplicationInstance = (
  ctx: DmsContext,
  input: Input<ModifyReplicationInstanceMessage, 'ReplicationInstanceArn'>,
): Wire<ModifyReplicationInstanceResponse> => {
  const instance = getInstance(ctx.state, input.ReplicationInstanceArn);
  if (instance.status !== 'available')
    throw invalidResourceState(
      `Replication instance ${instance.identifier} is not in available state (current state: ${instance.status})`,
    );
  const changes: PendingModifications = {};
  if (input.ReplicationInstanceClass !== undefined) {
    const instanceClass = checkInstanceClass(input.ReplicationInstanceClass);
    if (instanceClass !== instance.instanceClass) changes.ReplicationInstanceClass = instanceClass;
  }
  if (input.AllocatedStorage !== undefined) {
    const storage = checkStorage(input.AllocatedStorage);
    if (storage < instance.allocatedStorage)
      throw invalidParameterValue('AllocatedStorage cannot be decreased for a replication instance');
    if (storage > instance.allocatedStorage) {
      if (usedStorage(ctx) - instance.allocatedStorage + storage > ctx.config.quotas.allocatedStorage)
        throw storageQuotaExceeded('The total allocated storage quota for this account would be exceeded');
      changes.AllocatedStorage = storage;
    }
  }
  if (input.MultiAZ !== undefined && input.MultiAZ !== instance.multiAz) changes.MultiAZ = input.MultiAZ;
  if (input.EngineVersion !== undefined) {
    const version = checkEngineVersion(input.EngineVersion);
    if (version !== instance.engineVersion) changes.EngineVersion = version;
  }
  if (input.NetworkType !== undefined && input.NetworkType !== instance.networkType)
    changes.NetworkType = input.NetworkType;
  const window =
    input.PreferredMaintenanceWindow !== undefined
      ? checkMaintenanceWindow(input.PreferredMaintenanceWindow)
      : undefined;
  let identifier: string | undefined;
  if (input.ReplicationInstanceIdentifier !== undefined) {
    identifier = normalizeIdentifier('ReplicationInstanceIdentifier', input.ReplicationInstanceIdentifier);
    if (identifier !== instance.identifier && identifierTaken(ctx, identifier))
      throw resourceAlreadyExists(`Replication instance with identifier ${identifier} already exists`);
  }
  // Everything validated: apply the settings that take effect at once, then the ones that change the host.
  if (identifier !== undefined) instance.identifier = identifier;
  if (window !== undefined) instance.preferredMaintenanceWindow = window;
  if (input.AutoMinorVersionUpgrade !== undefined)
    instance.autoMinorVersionUpgrade = input.AutoMinorVersionUpgrade;
  if (input.VpcSecurityGroupIds !== undefined) instance.vpcSecurityGroupIds = [...input.VpcSecurityGroupIds];
  ctx.lifecycle.modifyInstance(instance, changes, input.ApplyImmediately === true);
  return { ReplicationInstance: instanceToApi(ctx, instance) };
};

export const rebootReplicationInstance = (
  ctx: DmsContext,
  input: Input<RebootReplicationInstanceMessage, 'ReplicationInstanceArn'>,
): Wire<RebootReplicationInstanceResponse> => {
  const instance = getInstance(ctx.state, input.ReplicationInstanceArn);
  if (input.ForceFailover && input.ForcePlannedFailover)
    throw invalidParameterCombination('ForceFailover and ForcePlannedFailover cannot both be true');
  if ((input.ForceFailover || input.ForcePlannedFailover) && !instance.multiAz)
    throw invalidParameterCombination('A failover can only be forced on a Multi-AZ replication instance');
  if (instance.status !== 'available')
    throw invalidResourceState(
      `Replication instance ${instance.identifier} is not in available state (current state: ${instance.status})`,
    );
  ctx.lifecycle.rebootInstance(instance);
  return { ReplicationInstance: instanceToApi(ctx, instance) };
};

export const deleteReplicationInstance = (
  ctx: DmsContext,
  input: Input<DeleteReplicationInstanceMessage, 'ReplicationInstanceArn'>,
): Wire<DeleteReplicationInstanceResponse> => {
  const instance = getInstance(ctx.state, input.ReplicationInstanceArn);
  if (!DELETABLE.has(instance.status))
    throw invalidResourceState(
      `Replication instance ${instance.identifier} cannot be deleted in its current state: ${instance.status}`,
    );
  const tasks = tasksOnInstance(ctx.state, instance.arn);
  if (tasks.length > 0)
    throw invalidResourceState(
      `Replication instance ${instance.identifier} has ${tasks.length} replication task(s). Delete the tasks ` +
        'before deleting the replication instance.',
    );
  ctx.lifecycle.deleteInstance(instance);
  return { ReplicationInstance: instanceToApi(ctx, instance) };
};
