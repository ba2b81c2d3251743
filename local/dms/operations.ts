/** The DMS operations the emulator serves, by name. Each takes the validated request and returns the response. */
import type { DmsContext } from './context.ts';
import { describeAccountAttributes, describeOrderableReplicationInstances } from './resources/account.ts';
import { deleteCertificate, describeCertificates, importCertificate } from './resources/certificates.ts';
import { deleteConnection, describeConnections, testConnection } from './resources/connections.ts';
import { createEndpoint, deleteEndpoint, describeEndpoints, modifyEndpoint } from './resources/endpoints.ts';
import { describeEvents } from './resources/events-api.ts';
import {
  createReplicationInstance,
  deleteReplicationInstance,
  describeReplicationInstances,
  modifyReplicationInstance,
  rebootReplicationInstance,
} from './resources/instances.ts';
import { reloadTables } from './resources/reload-tables.ts';
import {
  createReplicationSubnetGroup,
  deleteReplicationSubnetGroup,
  describeReplicationSubnetGroups,
} from './resources/subnet-groups.ts';
import { describeTableStatistics } from './resources/table-statistics.ts';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './resources/tags.ts';
import {
  createReplicationTask,
  deleteReplicationTask,
  describeReplicationTasks,
  modifyReplicationTask,
  startReplicationTask,
  stopReplicationTask,
} from './resources/tasks.ts';

/**
 * Each handler declares its own input type; `never` lets the table hold them all. The emulator validates a request
 * against the operation's shape before calling its handler.
 */
export type OperationHandler = (ctx: DmsContext, input: never) => unknown;

export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  CreateReplicationInstance: createReplicationInstance,
  DescribeReplicationInstances: describeReplicationInstances,
  ModifyReplicationInstance: modifyReplicationInstance,
  RebootReplicationInstance: rebootReplicationInstance,
  DeleteReplicationInstance: deleteReplicationInstance,
  CreateReplicationSubnetGroup: createReplicationSubnetGroup,
  DescribeReplicationSubnetGroups: describeReplicationSubnetGroups,
  DeleteReplicationSubnetGroup: deleteReplicationSubnetGroup,
  CreateEndpoint: createEndpoint,
  DescribeEndpoints: describeEndpoints,
  ModifyEndpoint: modifyEndpoint,
  DeleteEndpoint: deleteEndpoint,
  TestConnection: testConnection,
  DescribeConnections: describeConnections,
  DeleteConnection: deleteConnection,
  CreateReplicationTask: createReplicationTask,
  DescribeReplicationTasks: describeReplicationTasks,
  ModifyReplicationTask: modifyReplicationTask,
  StartReplicationTask: startReplicationTask,
  StopReplicationTask: stopReplicationTask,
  DeleteReplicationTask: deleteReplicationTask,
  ReloadTables: reloadTables,
  DescribeTableStatistics: describeTableStatistics,
  AddTagsToResource: addTagsToResource,
  RemoveTagsFromResource: removeTagsFromResource,
  ListTagsForResource: listTagsForResource,
  DescribeEvents: describeEvents,
  DescribeAccountAttributes: describeAccountAttributes,
  ImportCertificate: importCertificate,
  DescribeCertificates: describeCertificates,
  DeleteCertificate: deleteCertificate,
  DescribeOrderableReplicationInstances: describeOrderableReplicationInstances,
};

/** Operations that only read: they never mark the state dirty. */
export const isReadOnly = (operation: string): boolean => /^(Describe|List)/.test(operation);
