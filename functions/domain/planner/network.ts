import { ENV } from '#contracts/env';
import type { FieldIssue } from '#contracts/errors';
import { DEFAULT_NETWORK_NAME } from '#contracts/names';
import type { NetworkSelection } from '#domain/request/schema';
import type { NamedNetwork } from './plan.ts';

export { DEFAULT_NETWORK_NAME };

export interface ResolvedNetwork {
  ReplicationSubnetGroupIdentifier?: string;
  VpcSecurityGroupIds?: string[];
}

/**
 * Where the replication instance goes, and `name`: the deployment's network whose copies of the source handlers
 * reach the database (docs/source-safety.md, "Networks"). Explicit ids without a name run those handlers in `default`.
 */
export type NetworkResolution =
  | { readonly network: ResolvedNetwork; readonly name: string }
  | { readonly issue: FieldIssue };

const fromParts = (
  subnetGroup: string | undefined,
  securityGroups: string[] | undefined,
): ResolvedNetwork => ({
  ...(subnetGroup === undefined ? {} : { ReplicationSubnetGroupIdentifier: subnetGroup }),
  ...(securityGroups === undefined ? {} : { VpcSecurityGroupIds: [...securityGroups] }),
});

/**
 * Where the replication instance goes. A named network comes from the deployment and explicit ids override its
 * parts; explicit ids alone are used as given (they describe another VPC, so nothing is borrowed from `default`);
 * with no selection the `default` network applies when the deployment has one, else the account's default VPC.
 */
export const resolveNetwork = (
  selection: NetworkSelection | undefined,
  networks: Readonly<Record<string, NamedNetwork>>,
  selectionPath: string,
): NetworkResolution => {
  if (selection === undefined) {
    const fallback = networks[DEFAULT_NETWORK_NAME];
    return {
      network: fromParts(fallback?.replicationSubnetGroupId, fallback?.vpcSecurityGroupIds),
      name: DEFAULT_NETWORK_NAME,
    };
  }
  if (selection.name === undefined) {
    return {
      network: fromParts(selection.replicationSubnetGroupId, selection.vpcSecurityGroupIds),
      name: DEFAULT_NETWORK_NAME,
    };
  }
  const named = Object.hasOwn(networks, selection.name) ? networks[selection.name] : undefined;
  if (named === undefined) {
    const known = Object.keys(networks);
    return {
      issue: {
        path: `${selectionPath}.name`,
        rule:
          known.length === 0
            ? `names network "${selection.name}" but the deployment defines no networks (${ENV.networks})`
            : `must be one of the deployment's networks (${known.join(', ')}), not "${selection.name}"`,
      },
    };
  }
  return {
    network: fromParts(
      selection.replicationSubnetGroupId ?? named.replicationSubnetGroupId,
      selection.vpcSecurityGroupIds ?? named.vpcSecurityGroupIds,
    ),
    name: selection.name,
  };
};

/**
 * The network whose copies of the source handlers reach a planned database. A plan stored before plans named it
 * (the registry keeps plans as written) ran them in `default`.
 */
export const sourceNetworkOf = (plan: { readonly network?: string | undefined }): string =>
  plan.network ?? DEFAULT_NETWORK_NAME;
