/**
 * Connection tests: TestConnection runs the workload's check from the instance (status `testing`), and after the
 * test's duration the connection shows `successful` or `failed` with DMS's failure text; DescribeConnections lists them.
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
import { getEndpoint, getInstance } from '../state/lookup.ts';
import type { ConnectionRecord } from '../state/records.ts';
import type { ConnectionTestResult } from '../workload.ts';
import { endpointDescription } from './endpoint-description.ts';

const key = (instanceArn: string, endpointArn: string): string => `${instanceArn}|${endpointArn}`;

export const connectionToApi = (ctx: DmsContext, connection: ConnectionRecord): Wire<Connection> => ({
  ReplicationInstanceArn: connection.instanceArn,
  EndpointArn: connection.endpointArn,
  Status: connection.status,
  ...(connection.lastFailureMessage ? { LastFailureMessage: connection.lastFailureMessage } : {}),
  EndpointIdentifier: ctx.state.endpoints[connection.endpointArn]?.identifier ?? '',
  ReplicationInstanceIdentifier: ctx.state.instances[connection.instanceArn]?.identifier ?? '',
});

const findConnection = (
  ctx: DmsContext,
  instanceArn: string,
  endpointArn: string,
): ConnectionRecord | undefined =>
  ctx.state.connections.find(
    (connection) => connection.instanceArn === instanceArn && connection.endpointArn === endpointArn,
  );

const launchTest = (
  ctx: DmsContext,
  instanceArn: string,
  endpointArn: string,
): Promise<ConnectionTestResult> => {
  const endpoint = ctx.state.endpoints[endpointArn];
  const result: Promise<ConnectionTestResult> = endpoint
    ? Promise.resolve()
        .then(() => ctx.workloadFor(endpointDescription(endpoint)))
        .then((workload) => workload.testConnection(endpointDescription(endpoint)))
        .catch((error: unknown) => ({
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        }))
    : Promise.resolve({ ok: false, message: 'The endpoint no longer exists.' });
  ctx.connectionTests.set(key(instanceArn, endpointArn), result);
  return result;
};

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
  const existing = findConnection(ctx, instance.arn, endpoint.arn);
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
  launchTest(ctx, instance.arn, endpoint.arn);
  ctx.timers.schedule(
    { type: 'connection-tested', instanceArn: instance.arn, endpointArn: endpoint.arn },
    ctx.config.durations.connectionTest,
  );
  return { Connection: connectionToApi(ctx, connection) };
};

/** The test's time is up: show its result (a slow check keeps `testing` until it answers). */
export const onConnectionTested = (ctx: DmsContext, instanceArn: string, endpointArn: string): void => {
  const id = key(instanceArn, endpointArn);
  const result = ctx.connectionTests.get(id) ?? launchTest(ctx, instanceArn, endpointArn);
  void result.then((outcome) => {
    if (ctx.connectionTests.get(id) !== result) return;
    ctx.connectionTests.delete(id);
    const connection = findConnection(ctx, instanceArn, endpointArn);
    if (connection?.status !== 'testing') return;
    connection.status = outcome.ok ? 'successful' : 'failed';
    if (!outcome.ok) connection.lastFailureMessage = outcome.message;
    ctx.changed();
  });
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
  const connection = findConnection(ctx, input.ReplicationInstanceArn, input.EndpointArn);
  if (!connection) throw resourceNotFound('Connection not found');
  ctx.state.connections = ctx.state.connections.filter((candidate) => candidate !== connection);
  ctx.connectionTests.delete(key(input.ReplicationInstanceArn, input.EndpointArn));
  return { Connection: { ...connectionToApi(ctx, connection), Status: 'deleting' } };
};

/** After a restart: tests whose result was still pending when the emulator stopped run again. */
export const restoreConnectionTests = (ctx: DmsContext): void => {
  for (const connection of ctx.state.connections) {
    if (connection.status === 'testing' && !ctx.timers.has('connection-tested', connection.endpointArn))
      onConnectionTested(ctx, connection.instanceArn, connection.endpointArn);
  }
};
