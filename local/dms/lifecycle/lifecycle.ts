/**
 * The one owner of the emulator's slow status changes: task and instance lifecycles, endpoint deletion and
 * connection tests, and the durable timers behind them. API calls (`resources/`) validate and then hand the change
 * here; every task status change goes through the transition table (`task-transitions.ts`).
 */

import type { WorkMeter } from '../metrics/work-meter.ts';
import type {
  EndpointRecord,
  InstanceRecord,
  PendingModifications,
  TaskRecord,
  TimerAction,
} from '../state/records.ts';
import type { StartType } from '../workload.ts';
import { ConnectionTests } from './connection-tests.ts';
import type { LifecycleEnvironment } from './environment.ts';
import {
  deleteInstance,
  instanceCreating,
  modifyInstance,
  onInstanceCreated,
  onInstanceDeleted,
  onInstanceModified,
  onInstanceRebooted,
  onMaintenanceWindow,
  rebootInstance,
} from './instance-lifecycle.ts';
import type { LifecycleScope } from './scope.ts';
import { TaskRunner } from './task-runner.ts';
import {
  deleteTask,
  modifyTask,
  onTaskDeleted,
  onTaskModified,
  onTaskReady,
  taskCreating,
} from './task-steps.ts';
import { Timers } from './timers.ts';

const INSTANCE_STEPS = {
  'instance-created': onInstanceCreated,
  'instance-modified': onInstanceModified,
  'instance-rebooted': onInstanceRebooted,
  'instance-deleted': onInstanceDeleted,
  'instance-maintenance': onMaintenanceWindow,
} as const;

type TaskTimerType = Extract<TimerAction, { type: `task-${string}` }>['type'];

export class DmsLifecycle {
  private readonly scope: LifecycleScope;
  private readonly timers: Timers;
  private readonly runner: TaskRunner;
  private readonly connectionTests: ConnectionTests;
  private readonly taskSteps: Readonly<Record<TaskTimerType, (task: TaskRecord) => void>>;

  constructor(env: LifecycleEnvironment, meter: WorkMeter) {
    this.timers = new Timers(
      env.clock,
      () => env.state,
      () => env.changed(),
    );
    this.runner = new TaskRunner(env, this.timers, meter);
    this.scope = { ...env, changed: () => env.changed(), timers: this.timers, runner: this.runner };
    this.connectionTests = new ConnectionTests(this.scope);
    this.taskSteps = {
      'task-ready': (task) => onTaskReady(this.scope, task),
      'task-running': (task) => this.runner.onRunning(task),
      'task-stopped': (task) => this.runner.onStopped(task),
      'task-retry': (task) => this.runner.onRetry(task),
      'task-modified': (task) => onTaskModified(this.scope, task),
      'task-deleted': (task) => onTaskDeleted(this.scope, task),
    };
    this.timers.onFire((action) => this.onTimer(action));
  }

  taskCreating(task: TaskRecord): void {
    taskCreating(this.scope, task);
  }

  modifyTask(task: TaskRecord): void {
    modifyTask(this.scope, task);
  }

  startTask(task: TaskRecord, startType: StartType): void {
    this.runner.start(task, startType);
  }

  stopTask(task: TaskRecord): void {
    this.runner.stop(task);
  }

  deleteTask(task: TaskRecord): void {
    deleteTask(this.scope, task);
  }

  instanceCreating(instance: InstanceRecord): void {
    instanceCreating(this.scope, instance);
  }

  modifyInstance(instance: InstanceRecord, changes: PendingModifications, applyImmediately: boolean): void {
    modifyInstance(this.scope, instance, changes, applyImmediately);
  }

  rebootInstance(instance: InstanceRecord): void {
    rebootInstance(this.scope, instance);
  }

  deleteInstance(instance: InstanceRecord): void {
    deleteInstance(this.scope, instance);
  }

  deleteEndpoint(endpoint: EndpointRecord): void {
    endpoint.status = 'deleting';
    this.timers.schedule(
      { type: 'endpoint-deleted', arn: endpoint.arn },
      this.scope.config.durations.endpointDelete,
    );
  }

  testConnection(instanceArn: string, endpointArn: string): void {
    this.connectionTests.start(instanceArn, endpointArn);
  }

  forgetConnectionTest(instanceArn: string, endpointArn: string): void {
    this.connectionTests.forget(instanceArn, endpointArn);
  }

  /** After loading persisted state: timers re-armed, runs resumed or failed, pending connection tests re-run. */
  restore(): void {
    this.timers.restore();
    this.runner.restore();
    this.connectionTests.restore();
  }

  /** Disarms timers and aborts runs; the stored state stays for a restart to pick up. */
  close(): void {
    this.timers.disarm();
    this.runner.close();
  }

  private onTimer(action: TimerAction): void {
    const { state } = this.scope;
    switch (action.type) {
      case 'connection-tested':
        this.connectionTests.onTested(action.instanceArn, action.endpointArn);
        return;
      case 'endpoint-deleted': {
        const endpoint = state.endpoints[action.arn];
        if (endpoint) this.onEndpointDeleted(endpoint);
        return;
      }
      case 'instance-created':
      case 'instance-modified':
      case 'instance-rebooted':
      case 'instance-deleted':
      case 'instance-maintenance': {
        const instance = state.instances[action.arn];
        if (instance) INSTANCE_STEPS[action.type](this.scope, instance);
        return;
      }
      default: {
        const task = state.tasks[action.arn];
        if (task) this.taskSteps[action.type](task);
      }
    }
  }

  private onEndpointDeleted(endpoint: EndpointRecord): void {
    const { state, events } = this.scope;
    delete state.endpoints[endpoint.arn];
    delete state.tags[endpoint.arn];
    state.connections = state.connections.filter((connection) => connection.endpointArn !== endpoint.arn);
    events.publish('endpoint-deleted', endpoint);
  }
}
