/**
 * Which sources lakeshift's own source handlers (the inspection, the slot recording, watching and dropping) may not
 * reach. The deployment runs a copy of them in each of its networks, and a database that names a network is reached
 * through that network's copies (docs/source-safety.md, "Networks"). A database that gives a subnet group or security
 * groups of its own, without a network name, is reached from `default`: lakeshift cannot know whether that network
 * reaches it.
 */
import { DEFAULT_NETWORK_NAME } from '#contracts/names';
import type { NetworkSelection } from './schema.ts';
import { databasesWarning } from './warnings.ts';

export const sourceReachWarnings = (request: {
  readonly defaults: { readonly network?: NetworkSelection | undefined };
  readonly databases: readonly { readonly id: string; readonly network?: NetworkSelection | undefined }[];
}): string[] =>
  databasesWarning(
    request.databases
      .filter((database) => {
        const network = database.network ?? request.defaults.network;
        if (network === undefined || network.name !== undefined) return false;
        return network.replicationSubnetGroupId !== undefined || network.vpcSecurityGroupIds !== undefined;
      })
      .map((database) => database.id),
    `the replication instance uses a subnet group or security groups of its own, but lakeshift's source handlers reach the source from network "${DEFAULT_NETWORK_NAME}"; unless that network reaches the source, lakeshift cannot record, watch or drop the task's replication slot (name a configured network to run them there)`,
  );
