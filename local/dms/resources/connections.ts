/**
 * Connections: TestConnection validates and hands the test to the lifecycle (`lifecycle/connection-tests.ts`), which
 * shows `successful` or `failed` after the test's duration; DescribeConnections lists them.
 */
import type {
  Connection,
  DeleteConnectionMessage,
  DeleteConnectionResponse,
  DescribeConnectionsMessage,
  DescribeConnectionsResponse,
  TestConnectionMessage,
  TestConnectionResponse,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { describePage } from '../protocol/describe.ts';
import { invalidResourceState, resourceNotFound } from '../protocol/errors.ts';
import type { Input, Wire } from '../protocol/wire.ts';
import { findConnection, getEndpoint, getInstance } from '../state/lookup.ts';
import type { ConnectionRecord } from '../state/records.ts';

export const connectionToApi = (ctx: DmsContext, connection: ConnectionRecord): Wire<Connection> => ({
  ReplicationInstanceArn: connection.instanceArn,
  EndpointArn: connection.endpointArn,
  Status: connection.status,
  ...(connection.lastFailureMessage ? { LastFailureMessage: connection.lastFailureMessage } : {}),
  EndpointIdentifier: ctx.state.endpoints[connection.endpointArn]?.identifier ?? '',
  ReplicationInstanceIdentifier: ctx.state.instances[connection.instanceArn]?.identifier ?? '',
});

export const testConnection = (
  ctx: DmsContext,
  input: Input<TestConnectionMessage, 'ReplicationInstanceArn' | 'EndpointArn'>,
): Wire<TestConnectionResponse> => {
  const instance = getInstance(ctx.state, input.ReplicationInstanceArn);
  const endpoint = getEndpoint(ctx.state, input.EndpointArn);
  if (instance.status !== 'available')
    throw invalidResourceState(
      `Replication instance ${instance.identifier} must be available to test connections (current state: ` +
        `${instance.status})`,
    );
  if (endpoint.status !== 'active')
    throw invalidResourceState(
      `Endpoint ${endpoint.identifier} is not active (current state: ${endpoint.status})`,
    );
  const existing = findConnection(ctx.state, instance.arn, endpoint.arn);
  if (existing?.status === 'testing')
    throw invalidResourceState(
      `A connection test between ${instance.identifier} and ${endpoint.identifier} is running`,
    );
  const connection: ConnectionRecord = existing ?? {
    instanceArn: instance.arn,
    endpointArn: endpoint.arn,
    status: 'testing',
  };
  connection.status = 'testing';
  delete connection.lastFailureMessage;
  if (!existing) ctx.state.connections.push(connection);
  ctx.lifecycle.testConnection(instance.arn, endpoint.arn);
  return { Connection: connectionToApi(ctx, connection) };
};

export const describeConnections = (
  ctx: DmsContext,
  input: Wire<DescribeConnectionsMessage>,
): Wire<DescribeConnectionsResponse> => {
  const { items, ...marker } = describePage(
    ctx.state.connections,
    input,
    {
      fields: {
        'endpoint-arn': (connection) => [connection.endpointArn],
        'replication-instance-arn': (connection) => [connection.instanceArn],
      },
      what: 'connections',
    },
    (connection) => connectionToApi(ctx, connection),
  );
  return { Connections: items, ...marker };
};

export const deleteConnection = (
  ctx: DmsContext,
  input: Input<DeleteConnectionMessage, 'ReplicationInstanceArn' | 'EndpointArn'>,
): Wire<DeleteConnectionResponse> => {
  const connection = findConnection(ctx.state, input.ReplicationInstanceArn, input.EndpointArn);
  if (!connection) throw resourceNotFound('Connection not found');
  ctx.state.connections = ctx.state.connections.filter((candidate) => candidate !== connection);
  ctx.lifecycle.forgetConnectionTest(input.ReplicationInstanceArn, input.EndpointArn);
  return { Connection: { ...connectionToApi(ctx, connection), Status: 'deleting' } };
};
