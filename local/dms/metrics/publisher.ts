/**
 * Publishes AWS/DMS metrics every emulated period (one minute by default) for every instance that is up and every
 * running task, with the dimension values DMS uses (docs/dms-behaviour.md §4.3): instances by
 * `ReplicationInstanceIdentifier` (the lower-cased identifier); tasks by the pair
 * `ReplicationInstanceIdentifier` + `ReplicationTaskIdentifier`, where the latter is the task ARN's resource
 * id, not the task's name.
 */
import { INSTANCE_CLASSES, isInstanceClass } from '#domain/instance-classes';
import type { Clock } from '../../clock.ts';
import { arnResourceId } from '../protocol/arn.ts';
import type { InstanceRecord, StateData, TaskRecord } from '../state/records.ts';
import { instanceLoad, type TaskPhase } from './load-model.ts';
import type { WorkMeter } from './work-meter.ts';

export const DMS_NAMESPACE = 'AWS/DMS';

export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly Timestamp: Date;
  readonly Value: number;
  readonly Unit: string;
}

/** Shaped like a CloudWatch PutMetricData request. */
export interface MetricBatch {
  readonly Namespace: typeof DMS_NAMESPACE;
  readonly MetricData: readonly MetricDatum[];
}

export type MetricSink = (batch: MetricBatch) => void;

/** Instance statuses in which the host is up and reporting. */
const REPORTING = new Set([
  'available',
  'modifying',
  'rebooting',
  'storage-full',
  'upgrading',
  'maintenance',
]);

export const capacityOf = (instanceClass: string): { vCpu: number; memoryGiB: number } =>
  isInstanceClass(instanceClass) ? INSTANCE_CLASSES[instanceClass] : { vCpu: 2, memoryGiB: 4 };

export const taskPhase = (task: TaskRecord): TaskPhase =>
  task.migrationType === 'cdc' || task.stats.fullLoadFinishDate !== undefined ? 'cdc' : 'full-load';

export class MetricPublisher {
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly state: StateData,
    private readonly meter: WorkMeter,
    private readonly sink: MetricSink,
    private readonly periodMs: number,
  ) {}

  start(): void {
    const tick = () => {
      this.publish();
      this.cancel = this.clock.schedule(this.periodMs, tick);
    };
    // Align to the period boundary, as CloudWatch datapoints are.
    this.cancel = this.clock.schedule(this.periodMs - (this.clock.now() % this.periodMs), tick);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  publish(): void {
    const timestamp = new Date(this.clock.now());
    const data: MetricDatum[] = [];
    const runningByInstance = this.runningTasksByInstance();
    for (const instance of Object.values(this.state.instances)) {
      if (!REPORTING.has(instance.status)) continue;
      data.push(...this.instanceMetrics(instance, runningByInstance.get(instance.arn) ?? [], timestamp));
    }
    if (data.length > 0) this.sink({ Namespace: DMS_NAMESPACE, MetricData: data });
  }

  /** The tasks running on each instance, in one pass: a fleet has as many tasks as instances. */
  private runningTasksByInstance(): Map<string, TaskRecord[]> {
    const byInstance = new Map<string, TaskRecord[]>();
    for (const task of Object.values(this.state.tasks)) {
      if (task.status !== 'running' || task.interrupted) continue;
      const tasks = byInstance.get(task.instanceArn);
      if (tasks) tasks.push(task);
      else byInstance.set(task.instanceArn, [task]);
    }
    return byInstance;
  }

  private instanceMetrics(
    instance: InstanceRecord,
    running: readonly TaskRecord[],
    timestamp: Date,
  ): MetricDatum[] {
    const work = running.map((task) => this.meter.take(task.arn, taskPhase(task)));
    const periodSeconds = this.periodMs / 1000;
    const load = instanceLoad(
      { ...capacityOf(instance.instanceClass), allocatedStorageGiB: instance.allocatedStorage },
      work,
      periodSeconds,
    );
    const instanceDimensions = [{ Name: 'ReplicationInstanceIdentifier', Value: instance.identifier }];
    const datum = (
      MetricName: string,
      Value: number,
      Unit: string,
      Dimensions = instanceDimensions,
    ): MetricDatum => ({
      MetricName,
      Dimensions,
      Timestamp: timestamp,
      Value,
      Unit,
    });
    const data = [
      datum('CPUUtilization', load.cpuPercent, 'Percent'),
      datum('FreeableMemory', load.freeableMemoryBytes, 'Bytes'),
      datum('FreeMemory', load.freeMemoryBytes, 'Bytes'),
      datum('AvailableMemory', load.availableMemoryBytes, 'Bytes'),
      datum('SwapUsage', load.swapUsageBytes, 'Bytes'),
      datum('FreeStorageSpace', load.freeStorageBytes, 'Bytes'),
      datum('ReadIOPS', load.readIops, 'Count/Second'),
      datum('WriteIOPS', load.writeIops, 'Count/Second'),
      datum('ReadThroughput', load.readThroughputBytes, 'Bytes/Second'),
      datum('WriteThroughput', load.writeThroughputBytes, 'Bytes/Second'),
      datum('NetworkReceiveThroughput', load.networkReceiveBytes, 'Bytes/Second'),
      datum('NetworkTransmitThroughput', load.networkTransmitBytes, 'Bytes/Second'),
    ];
    running.forEach((task, index) => {
      const taskWork = work[index];
      const taskLoad = load.tasks[index];
      if (!taskWork || !taskLoad) return;
      const dimensions = [
        ...instanceDimensions,
        { Name: 'ReplicationTaskIdentifier', Value: arnResourceId(task.arn) },
      ];
      const taskDatum = (name: string, value: number, unit: string) => datum(name, value, unit, dimensions);
      data.push(
        taskDatum('CPUUtilization', taskLoad.cpuPercent, 'Percent'),
        taskDatum('MemoryUsage', taskLoad.memoryBytes / 2 ** 20, 'Megabytes'),
        taskDatum('SwapUsage', taskLoad.swapBytes, 'Bytes'),
        taskDatum('CDCIncomingChanges', taskWork.cdcIncomingChanges, 'Count'),
      );
      if (taskWork.phase === 'full-load') {
        data.push(
          taskDatum('FullLoadThroughputRowsSource', taskLoad.rowsPerSecond, 'Count/Second'),
          taskDatum('FullLoadThroughputRowsTarget', taskLoad.rowsPerSecond, 'Count/Second'),
          taskDatum('FullLoadThroughputBandwidthTarget', taskLoad.bandwidthKBps, 'Kilobytes/Second'),
        );
        return;
      }
      const inMemory = Math.min(taskWork.cdcIncomingChanges, taskWork.rowsBuffered);
      data.push(
        taskDatum('CDCThroughputRowsSource', taskLoad.rowsPerSecond, 'Count/Second'),
        taskDatum('CDCThroughputRowsTarget', taskLoad.rowsPerSecond, 'Count/Second'),
        taskDatum('CDCThroughputBandwidthTarget', taskLoad.bandwidthKBps, 'Kilobytes/Second'),
        taskDatum('CDCChangesMemorySource', inMemory, 'Count'),
        taskDatum('CDCChangesDiskSource', Math.max(0, taskWork.cdcIncomingChanges - inMemory), 'Count'),
        taskDatum('CDCLatencySource', taskWork.cdcLatencySourceSeconds, 'Seconds'),
        taskDatum('CDCLatencyTarget', taskWork.cdcLatencyTargetSeconds, 'Seconds'),
      );
    });
    return data;
  }
}
