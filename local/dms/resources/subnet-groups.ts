/** Replication subnet groups: Create, Describe, Delete. A default group is made the first time an instance needs one. */
import { createHash } from 'node:crypto';
import type {
  CreateReplicationSubnetGroupMessage,
  CreateReplicationSubnetGroupResponse,
  DeleteReplicationSubnetGroupMessage,
  DescribeReplicationSubnetGroupsMessage,
  DescribeReplicationSubnetGroupsResponse,
  ReplicationSubnetGroup,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { dmsArn } from '../protocol/arn.ts';
import { describePage } from '../protocol/describe.ts';
import {
  invalidResourceState,
  invalidSubnet,
  resourceAlreadyExists,
  resourceNotFound,
  resourceQuotaExceeded,
  subnetGroupTooFewAzs,
  validationError,
} from '../protocol/errors.ts';
import { normalizeSubnetGroupIdentifier } from '../protocol/identifiers.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import type { SubnetGroupRecord, SubnetRecord } from '../state/records.ts';
import { setTags, validateTags } from './tags.ts';

const AZ_LETTERS = 'abcdef';

export const availabilityZones = (region: string): string[] =>
  [...AZ_LETTERS].map((letter) => `${region}${letter}`);

const hex = (text: string, length: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

export const subnetGroupToApi = (group: SubnetGroupRecord): Wire<ReplicationSubnetGroup> => ({
  ReplicationSubnetGroupIdentifier: group.identifier,
  ReplicationSubnetGroupDescription: group.description,
  VpcId: group.vpcId,
  SubnetGroupStatus: 'Complete',
  Subnets: group.subnets.map((subnet) => ({
    SubnetIdentifier: subnet.id,
    SubnetAvailabilityZone: { Name: subnet.availabilityZone },
    SubnetStatus: 'Active',
  })),
  SupportedNetworkTypes: ['IPV4'],
});

/** A subnet keeps the AZ it was first seen in; new subnets spread over the region's AZs in order. */
const placeSubnets = (ctx: DmsContext, ids: readonly string[]): SubnetRecord[] => {
  const known = new Map(
    Object.values(ctx.state.subnetGroups).flatMap((group) =>
      group.subnets.map((subnet) => [subnet.id, subnet]),
    ),
  );
  const zones = availabilityZones(ctx.config.region);
  return ids.map((id, index) => known.get(id) ?? { id, availabilityZone: zones[index % zones.length] ?? '' });
};

const findGroup = (ctx: DmsContext, identifier: string): SubnetGroupRecord | undefined =>
  ctx.state.subnetGroups[identifier.toLowerCase()];

export const getSubnetGroup = (ctx: DmsContext, identifier: string): SubnetGroupRecord => {
  const group = findGroup(ctx, identifier);
  if (!group) throw resourceNotFound(`Replication subnet group ${identifier} not found`);
  return group;
};

/** The group an instance created without one lands in (DMS makes one for the default VPC). */
export const defaultSubnetGroup = (ctx: DmsContext): SubnetGroupRecord => {
  const vpcId = `vpc-${hex(`${ctx.config.seed}:default-vpc`, 8)}`;
  const identifier = `default-${vpcId}`;
  const existing = ctx.state.subnetGroups[identifier];
  if (existing) return existing;
  const group: SubnetGroupRecord = {
    arn: dmsArn(ctx.config.region, ctx.config.account, 'subgrp', identifier),
    identifier,
    description: 'default group created by console for vpc id ' + vpcId,
    vpcId,
    subnets: placeSubnets(
      ctx,
      [0, 1, 2].map((index) => `subnet-${hex(`${ctx.config.seed}:default-subnet:${index}`, 8)}`),
    ),
  };
  ctx.state.subnetGroups[identifier] = group;
  return group;
};

export const createReplicationSubnetGroup = (
  ctx: DmsContext,
  input: Input<
    CreateReplicationSubnetGroupMessage,
    'ReplicationSubnetGroupIdentifier' | 'ReplicationSubnetGroupDescription' | 'SubnetIds'
  >,
): Wire<CreateReplicationSubnetGroupResponse> => {
  const identifier = normalizeSubnetGroupIdentifier(input.ReplicationSubnetGroupIdentifier);
  const { quotas } = ctx.config;
  if (input.SubnetIds.length === 0) throw validationError('SubnetIds must contain at least one subnet');
  for (const id of input.SubnetIds) if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) throw invalidSubnet(id);
  if (input.SubnetIds.length > quotas.subnetsPerSubnetGroup)
    throw resourceQuotaExceeded(
      `A replication subnet group can hold at most ${quotas.subnetsPerSubnetGroup} subnets`,
    );
  const tags = validateTags(input.Tags);
  if (findGroup(ctx, identifier))
    throw resourceAlreadyExists(`Replication subnet group ${identifier} already exists`);
  if (Object.keys(ctx.state.subnetGroups).length >= quotas.subnetGroups)
    throw resourceQuotaExceeded(`Replication subnet group quota of ${quotas.subnetGroups} exceeded`);
  const subnets = placeSubnets(ctx, [...new Set(input.SubnetIds)]);
  if (new Set(subnets.map((subnet) => subnet.availabilityZone)).size < 2)
    throw subnetGroupTooFewAzs(
      'The replication subnet group does not cover enough Availability Zones (AZs). You need at least 2 AZs.',
    );
  const group: SubnetGroupRecord = {
    arn: dmsArn(ctx.config.region, ctx.config.account, 'subgrp', identifier),
    identifier,
    description: input.ReplicationSubnetGroupDescription,
    vpcId: `vpc-${hex(`${ctx.config.seed}:${subnets[0]?.id ?? ''}`, 8)}`,
    subnets,
  };
  ctx.state.subnetGroups[identifier] = group;
  setTags(ctx, group.arn, tags);
  return { ReplicationSubnetGroup: subnetGroupToApi(group) };
};

export const describeReplicationSubnetGroups = (
  ctx: DmsContext,
  input: Wire<DescribeReplicationSubnetGroupsMessage>,
): Wire<DescribeReplicationSubnetGroupsResponse> => {
  const { items, ...marker } = describePage(
    Object.values(ctx.state.subnetGroups),
    input,
    {
      fields: { 'replication-subnet-group-id': (group) => [group.identifier] },
      caseInsensitive: ['replication-subnet-group-id'],
      what: 'replication subnet groups',
    },
    subnetGroupToApi,
  );
  return { ReplicationSubnetGroups: items, ...marker };
};

export const deleteReplicationSubnetGroup = (
  ctx: DmsContext,
  input: Input<DeleteReplicationSubnetGroupMessage, 'ReplicationSubnetGroupIdentifier'>,
): Record<string, never> => {
  const group = getSubnetGroup(ctx, input.ReplicationSubnetGroupIdentifier);
  if (Object.values(ctx.state.instances).some((instance) => instance.subnetGroupId === group.identifier))
    throw invalidResourceState(
      `Cannot delete replication subnet group ${group.identifier}: it is in use by a replication instance`,
    );
  delete ctx.state.subnetGroups[group.identifier];
  delete ctx.state.tags[group.arn];
  return {};
};
