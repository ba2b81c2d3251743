/** Finds resources by ARN or identifier, throwing the fault DMS throws when they are not there. */
import { resourceNotFound } from '../protocol/errors.ts';
import type { ConnectionRecord, EndpointRecord, InstanceRecord, StateData, TaskRecord } from './records.ts';

export const getInstance = (state: StateData, arn: string): InstanceRecord => {
  const instance = state.instances[arn];
  if (!instance) throw resourceNotFound(`Replication instance ${arn} not found`);
  return instance;
};

export const getEndpoint = (state: StateData, arn: string): EndpointRecord => {
  const endpoint = state.endpoints[arn];
  if (!endpoint) throw resourceNotFound(`Endpoint ${arn} not found`);
  return endpoint;
};

export const getTask = (state: StateData, arn: string): TaskRecord => {
  const task = state.tasks[arn];
  if (!task) throw resourceNotFound(`Replication task ${arn} not found`);
  return task;
};

export const tasksOnInstance = (state: StateData, instanceArn: string): TaskRecord[] =>
  Object.values(state.tasks).filter((task) => task.instanceArn === instanceArn);

export const tasksUsingEndpoint = (state: StateData, endpointArn: string): TaskRecord[] =>
  Object.values(state.tasks).filter(
    (task) => task.sourceArn === endpointArn || task.targetArn === endpointArn,
  );

/** Every ARN the emulator knows, with the identifier DMS shows for it. */
export const identifierOfArn = (state: StateData, arn: string): string | undefined =>
  state.instances[arn]?.identifier ??
  state.endpoints[arn]?.identifier ??
  state.tasks[arn]?.identifier ??
  Object.values(state.subnetGroups).find((group) => group.arn === arn)?.identifier;

export const findConnection = (
  state: StateData,
  instanceArn: string,
  endpointArn: string,
): ConnectionRecord | undefined =>
  state.connections.find(
    (connection) => connection.instanceArn === instanceArn && connection.endpointArn === endpointArn,
  );
