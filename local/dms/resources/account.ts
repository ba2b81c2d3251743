/** DescribeAccountAttributes (live quota usage) and DescribeOrderableReplicationInstances (the class catalogue). */
import { createHash } from 'node:crypto';
import type {
  DescribeAccountAttributesResponse,
  DescribeOrderableReplicationInstancesMessage,
  DescribeOrderableReplicationInstancesResponse,
} from '@aws-sdk/client-database-migration-service';
import { INSTANCE_CLASS_NAMES } from '#domain/instance-classes';
import type { DmsContext } from '../context.ts';
import { paginate } from '../protocol/pagination.ts';
import type { Wire } from '../protocol/wire.ts';
import { availabilityZones } from './subnet-groups.ts';

export const describeAccountAttributes = (ctx: DmsContext): Wire<DescribeAccountAttributesResponse> => {
  const { state, config } = ctx;
  const { quotas } = config;
  const instances = Object.values(state.instances);
  const quota = (AccountQuotaName: string, Used: number, Max: number) => ({ AccountQuotaName, Used, Max });
  return {
    AccountQuotas: [
      quota('ReplicationInstances', instances.length, quotas.replicationInstances),
      quota(
        'AllocatedStorage',
        instances.reduce((sum, instance) => sum + instance.allocatedStorage, 0),
        quotas.allocatedStorage,
      ),
      quota('Endpoints', Object.keys(state.endpoints).length, quotas.endpoints),
      quota('ReplicationTasks', Object.keys(state.tasks).length, quotas.replicationTasks),
      quota('ReplicationSubnetGroups', Object.keys(state.subnetGroups).length, quotas.subnetGroups),
      quota(
        'SubnetsPerReplicationSubnetGroup',
        Math.max(0, ...Object.values(state.subnetGroups).map((group) => group.subnets.length)),
        quotas.subnetsPerSubnetGroup,
      ),
      quota(
        'TasksPerReplicationInstance',
        Math.max(
          0,
          ...instances.map(
            (instance) => Object.values(state.tasks).filter((t) => t.instanceArn === instance.arn).length,
          ),
        ),
        quotas.tasksPerInstance,
      ),
    ],
    UniqueAccountIdentifier: `c${createHash('sha256').update(config.account).digest('hex').slice(0, 11)}`,
  };
};

export const describeOrderableReplicationInstances = (
  ctx: DmsContext,
  input: Wire<DescribeOrderableReplicationInstancesMessage>,
): Wire<DescribeOrderableReplicationInstancesResponse> => {
  const zones = availabilityZones(ctx.config.region);
  const orderable = INSTANCE_CLASS_NAMES.map((instanceClass) => {
    const included = /^dms\.t[23]\./.test(instanceClass) ? 50 : 100;
    return {
      EngineVersion: ctx.config.engineVersion,
      ReplicationInstanceClass: instanceClass,
      StorageType: 'gp2',
      MinAllocatedStorage: 5,
      MaxAllocatedStorage: 6144,
      DefaultAllocatedStorage: included,
      IncludedAllocatedStorage: included,
      AvailabilityZones: zones,
    };
  });
  const page = paginate(orderable, input);
  return {
    OrderableReplicationInstances: page.items,
    ...(page.marker ? { Marker: page.marker } : {}),
  };
};
