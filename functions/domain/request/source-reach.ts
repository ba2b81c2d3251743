/**
 * Which sources lakeshift's own source handlers (the slot recording, watching and dropping) may not reach. They run
 * in the deployment's `default` network only (docs/source-safety.md, "Networks"); a database whose replication
 * instance goes elsewhere is migrated all the same, but lakeshift may be unable to record, watch or drop its slot.
 */
import { DEFAULT_NETWORK_NAME } from '#domain/planner/network';
import type { NetworkSelection } from './schema.ts';

export const sourceReachWarnings = (request: {
  readonly defaults: { readonly network?: NetworkSelection | undefined };
  readonly databases: readonly { readonly id: string; readonly network?: NetworkSelection | undefined }[];
}): string[] =>
  request.databases.flatMap((database) => {
    const network = database.network ?? request.defaults.network;
    if (network === undefined) return [];
    const elsewhere =
      network.name !== undefined && network.name !== DEFAULT_NETWORK_NAME
        ? `network "${network.name}"`
        : network.replicationSubnetGroupId !== undefined || network.vpcSecurityGroupIds !== undefined
          ? 'a subnet group or security groups of its own'
          : undefined;
    if (elsewhere === undefined) return [];
    return [
      `database ${database.id}: its replication instance uses ${elsewhere}, but lakeshift's slot handlers run in network "${DEFAULT_NETWORK_NAME}"; unless that network reaches the source, lakeshift cannot record, watch or drop the task's replication slot (DMS drops the slot it created when the task is deleted)`,
    ];
  });
