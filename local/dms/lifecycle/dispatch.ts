/** Routes a due lifecycle timer to the step it stands for. */
import type { DmsContext } from '../context.ts';
import { onConnectionTested } from '../resources/connections.ts';
import { onEndpointDeleted } from '../resources/endpoints.ts';
import { onTaskDeleted, onTaskModified, onTaskReady } from '../resources/tasks.ts';
import type { TimerAction } from '../state/records.ts';
import {
  onInstanceCreated,
  onInstanceDeleted,
  onInstanceModified,
  onInstanceRebooted,
  onMaintenanceWindow,
} from './instance-lifecycle.ts';

export const dispatchTimer = (ctx: DmsContext, action: TimerAction): void => {
  const { state, runner } = ctx;
  switch (action.type) {
    case 'connection-tested':
      onConnectionTested(ctx, action.instanceArn, action.endpointArn);
      return;
    case 'endpoint-deleted': {
      const endpoint = state.endpoints[action.arn];
      if (endpoint) onEndpointDeleted(ctx, endpoint);
      return;
    }
    case 'instance-created':
    case 'instance-modified':
    case 'instance-rebooted':
    case 'instance-deleted':
    case 'instance-maintenance': {
      const instance = state.instances[action.arn];
      if (!instance) return;
      const step = {
        'instance-created': onInstanceCreated,
        'instance-modified': onInstanceModified,
        'instance-rebooted': onInstanceRebooted,
        'instance-deleted': onInstanceDeleted,
        'instance-maintenance': onMaintenanceWindow,
      }[action.type];
      step(ctx, instance);
      return;
    }
    default: {
      const task = state.tasks[action.arn];
      if (!task) return;
      const step = {
        'task-ready': onTaskReady,
        'task-running': (context: DmsContext, record: typeof task) => context.runner.onRunning(record),
        'task-stopped': (_: DmsContext, record: typeof task) => runner.onStopped(record),
        'task-retry': (_: DmsContext, record: typeof task) => runner.onRetry(record),
        'task-modified': onTaskModified,
        'task-deleted': onTaskDeleted,
      }[action.type];
      step(ctx, task);
    }
  }
};
