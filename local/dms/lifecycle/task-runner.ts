/**
 * Runs replication tasks: drives the status machine (starting → running → stopping → stopped, failed), hands the
 * work to the task's workload through the seam in workload.ts, and turns what the workload reports into statistics,
 * stop reasons, events and metrics.
 *
 * Recoverable errors are retried by "DMS" itself, as ErrorBehavior says (RecoverableErrorCount, an interval doubling
 * up to RecoverableErrorThrottlingMax); the task only shows `failed` when the retries give up. An instance change or
 * reboot interrupts running tasks (docs/dms-behaviour.md §1.2): tasks in CDC pause and resume by themselves
 * when the instance is back; tasks still loading tables fail with RECOVERABLE_ERROR and must be restarted.
 */
import type { TaskFault } from '../faults/task-hooks.ts';
import { capacityOf, taskPhase } from '../metrics/publisher.ts';
import type { WorkMeter } from '../metrics/work-meter.ts';
import { type TaskBehaviour, taskBehaviour } from '../settings/task-settings.ts';
import { endpointDescription } from '../state/endpoint-description.ts';
import type { InstanceRecord, TaskRecord } from '../state/records.ts';
import { progressOf } from '../state/task-progress.ts';
import type { RunOutcome, StartType, TableStatistics, TaskContext } from '../workload.ts';
import type { LifecycleEnvironment } from './environment.ts';
import { moveTask } from './task-transitions.ts';
import type { Timers } from './timers.ts';

interface ActiveRun {
  readonly id: number;
  readonly controller: AbortController;
  readonly cancels: Array<() => void>;
}

type FailureReason = 'RECOVERABLE_ERROR' | 'FATAL_ERROR';

const START_FLAGS: Record<StartType, string> = {
  'start-replication': 'fresh start',
  'resume-processing': 'resume processing',
  'reload-target': 'reload target',
};

const ERROR_LEVEL: Record<FailureReason, string> = { RECOVERABLE_ERROR: 'RECOVERABLE', FATAL_ERROR: 'FATAL' };

/** DMS's "Last Error ... Stop Reason X Error Level Y" text (docs/dms-behaviour.md §2.2, §3.1). */
export const lastErrorText = (message: string, reason: FailureReason): string =>
  `Last Error ${message} Stop Reason ${reason} Error Level ${ERROR_LEVEL[reason]}`;

/** Delay before the next automatic retry of a recoverable error, or undefined when DMS gives up. */
export const recoverableRetryDelayMs = (behaviour: TaskBehaviour, attempts: number): number | undefined => {
  const count = behaviour.recoverableErrorCount;
  if (count === 0 || (count > 0 && attempts >= count)) return undefined;
  const base = behaviour.recoverableErrorIntervalSeconds * 1000;
  if (!behaviour.recoverableErrorThrottling) return base;
  const delay = base * 2 ** attempts;
  const max = behaviour.recoverableErrorThrottlingMaxSeconds * 1000;
  if (delay <= max) return delay;
  return behaviour.stopRetryAfterThrottlingMax ? undefined : max;
};

const TABLE_STATES_LOADING = new Set<TableStatistics['TableState']>(['Full load', 'Table is being reloaded']);

export class TaskRunner {
  private readonly runs = new Map<string, ActiveRun>();
  /** Each task's latest workload run, settled once it has let go of the source (closed its connections). */
  private readonly settled = new Map<string, Promise<void>>();
  /** Deleted tasks' source releases in flight (DMS drops the slot it created when the task is deleted). */
  private readonly releases = new Map<string, Promise<void>>();
  private runCounter = 0;

  constructor(
    private readonly env: LifecycleEnvironment,
    private readonly timers: Timers,
    private readonly meter: WorkMeter,
  ) {}

  /** StartReplicationTask was accepted: the task prepares (`starting`) before its workload runs. */
  start(task: TaskRecord, startType: StartType): void {
    const { clock, config } = this.env;
    const now = clock.now();
    if (startType === 'resume-processing') {
      task.stats = { ...task.stats, startDate: now };
      delete task.stats.stopDate;
    } else {
      task.stats = { progressPercent: 0, elapsedMs: 0, freshStartDate: now, startDate: now };
      task.tables = [];
      task.position = 0;
      delete task.checkpoint;
    }
    moveTask(task, 'StartReplicationTask');
    task.startedAt = now;
    this.nameLogs(task);
    task.hasRun = true;
    task.lastStartType = startType;
    task.recoverableAttempts = 0;
    delete task.stopReason;
    delete task.lastFailureMessage;
    delete task.interrupted;
    this.timers.schedule({ type: 'task-running', arn: task.arn }, config.durations.taskStart);
  }

  /**
   * With logging on, DMS names the task's CloudWatch log group and stream when it starts
   * (docs/dms-behaviour.md §7.1).
   */
  private nameLogs(task: TaskRecord): void {
    const logging = task.settings['Logging'];
    if (typeof logging !== 'object' || logging === null || Array.isArray(logging)) return;
    if (logging['EnableLogging'] !== true) return;
    const instance = this.env.state.instances[task.instanceArn];
    logging['CloudWatchLogGroup'] = `dms-tasks-${instance?.identifier ?? 'unknown'}`;
    logging['CloudWatchLogStream'] = `dms-task-${task.resourceId}`;
  }

  /** The start delay has passed: the task runs its workload (or fails at start, when a fault says so). */
  onRunning(task: TaskRecord): void {
    if (task.status !== 'starting') return;
    const startFault = this.env.faults.beforeRun(runInfo(task));
    if (startFault) {
      this.failFromFault(task, startFault);
      return;
    }
    const startType = task.lastStartType ?? 'start-replication';
    moveTask(task, 'start-finished');
    task.stats.runningSince = this.env.clock.now();
    this.announceStart(task, startType);
    this.launch(task, startType);
    this.enterRunning(task);
  }

  stop(task: TaskRecord): void {
    this.timers.cancelFor(task.arn);
    this.endRun(task.arn);
    delete task.interrupted;
    moveTask(task, 'StopReplicationTask');
    this.timers.schedule({ type: 'task-stopped', arn: task.arn }, this.env.config.durations.taskStop);
  }

  onStopped(task: TaskRecord): void {
    if (task.status === 'stopping') this.markStopped(task, 'stop-finished', 'NORMAL');
  }

  onRetry(task: TaskRecord): void {
    if (task.status !== 'running') return;
    this.launch(task, 'resume-processing');
    this.enterRunning(task);
  }

  /** The instance starts modifying or rebooting: its running tasks lose their host. */
  interruptInstance(instance: InstanceRecord, cause: 'modified' | 'rebooted'): void {
    for (const task of this.tasksOn(instance)) {
      if (task.status === 'running' && taskPhase(task) === 'cdc') {
        this.endRun(task.arn);
        task.interrupted = true;
        continue;
      }
      if (task.status !== 'running' && task.status !== 'starting') continue;
      this.timers.cancelFor(task.arn);
      this.markFailed(
        task,
        'RECOVERABLE_ERROR',
        `Replication instance ${instance.identifier} was ${cause} while the task was loading tables. ` +
          'Tables that were loading are in error; restart the task.',
      );
    }
  }

  /** The instance is available again: paused CDC tasks carry on. */
  resumeInstance(instance: InstanceRecord): void {
    for (const task of this.tasksOn(instance)) {
      if (!task.interrupted) continue;
      delete task.interrupted;
      if (task.status !== 'running') continue;
      this.launch(task, 'resume-processing');
      this.announceStart(task, 'resume-processing');
      this.enterRunning(task);
    }
  }

  /**
   * After a restart of the emulator, which stands for a restart of every instance: tasks in CDC resume, tasks that
   * were loading tables fail with RECOVERABLE_ERROR; starts, stops and retries carry on from their timers.
   */
  restore(): void {
    for (const task of Object.values(this.env.state.tasks)) {
      if (task.status !== 'running' || task.interrupted || this.timers.has('task-retry', task.arn)) continue;
      if (taskPhase(task) === 'cdc') {
        this.launch(task, 'resume-processing');
        continue;
      }
      this.timers.cancelFor(task.arn);
      this.markFailed(
        task,
        'RECOVERABLE_ERROR',
        'The replication instance restarted while the task was loading tables. Restart the task.',
      );
    }
  }

  /** The task is gone (deleted). Resolves once its last run has let go of the source. */
  forget(taskArn: string): Promise<void> {
    this.endRun(taskArn);
    this.meter.forget(taskArn);
    const settled = this.settled.get(taskArn) ?? Promise.resolve();
    this.settled.delete(taskArn);
    return settled;
  }

  /** Holds what a deleted task's workload does to release its source, until the deletion finishes. */
  trackRelease(taskArn: string, released: Promise<void>): void {
    this.releases.set(taskArn, released);
  }

  /** Settles once a deleted task's source is released (at once when nothing is pending, e.g. after a restart). */
  releaseOf(taskArn: string): Promise<void> {
    const released = this.releases.get(taskArn) ?? Promise.resolve();
    return released.finally(() => this.releases.delete(taskArn));
  }

  /** Aborts every run (the emulator is closing); statuses stay as they are, for a restart to pick up. */
  close(): void {
    for (const arn of [...this.runs.keys()]) this.endRun(arn);
  }

  private tasksOn(instance: InstanceRecord): TaskRecord[] {
    return Object.values(this.env.state.tasks).filter((task) => task.instanceArn === instance.arn);
  }

  private announceStart(task: TaskRecord, startType: StartType): void {
    this.env.events.publish(
      'task-started',
      task,
      `Replication task started, with flag = ${START_FLAGS[startType]}`,
    );
  }

  /** A run has begun: asks the fault hooks at once and arms the delayed ones. True when the task failed. */
  private enterRunning(task: TaskRecord): boolean {
    const { clock, faults } = this.env;
    const immediate = faults.runBegan(runInfo(task), taskPhase(task) === 'cdc' ? 'cdc' : 'full-load');
    if (immediate) {
      this.failFromFault(task, immediate);
      return true;
    }
    const run = this.runs.get(task.arn);
    if (!run) return false;
    for (const delayed of faults.delayedFaults(runInfo(task))) {
      run.cancels.push(
        clock.schedule(delayed.afterMs, () => {
          if (this.runs.get(task.arn) !== run) return;
          const fired = delayed.check();
          if (fired) this.failFromFault(task, fired);
        }),
      );
    }
    return false;
  }

  private failFromFault(task: TaskRecord, fault: TaskFault): void {
    this.handleFailure(task, fault.stopReason, fault.message);
    this.env.changed();
  }

  private launch(task: TaskRecord, startType: StartType): void {
    this.endRun(task.arn);
    const run: ActiveRun = { id: ++this.runCounter, controller: new AbortController(), cancels: [] };
    this.runs.set(task.arn, run);
    const { state, workloadFor } = this.env;
    const source = state.endpoints[task.sourceArn];
    const target = state.endpoints[task.targetArn];
    const instance = state.instances[task.instanceArn];
    if (!source || !target || !instance) {
      this.finished(task.arn, run.id, {
        kind: 'failed',
        stopReason: 'FATAL_ERROR',
        message: 'An endpoint or the replication instance of the task no longer exists.',
      });
      return;
    }
    const context = this.taskContext(task, run, startType, instance);
    const sourceDescription = endpointDescription(source, this.env.state);
    const previous = this.settled.get(task.arn) ?? Promise.resolve();
    const settled = Promise.resolve()
      .then(() => workloadFor(sourceDescription))
      .then((workload) => workload.run(context))
      .then(
        (outcome) => this.finished(task.arn, run.id, outcome),
        (error: unknown) =>
          this.finished(task.arn, run.id, {
            kind: 'failed',
            stopReason: 'FATAL_ERROR',
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    this.settled.set(
      task.arn,
      Promise.all([previous, settled]).then(() => undefined),
    );
  }

  private taskContext(
    task: TaskRecord,
    run: ActiveRun,
    startType: StartType,
    instance: InstanceRecord,
  ): TaskContext {
    const { clock, state } = this.env;
    const source = state.endpoints[task.sourceArn];
    const target = state.endpoints[task.targetArn];
    if (!source || !target) throw new Error('endpoints checked by launch');
    // A stalled run (aborted, still the task's run) reports nothing more: its statistics stay frozen.
    const signal = run.controller.signal;
    const current = (): TaskRecord | undefined =>
      this.runs.get(task.arn) === run && !signal.aborted ? this.env.state.tasks[task.arn] : undefined;
    const capacity = capacityOf(instance.instanceClass);
    const runner = this;
    return {
      taskArn: task.arn,
      taskIdentifier: task.identifier,
      migrationType: task.migrationType,
      startType,
      tableMappings: JSON.parse(task.tableMappings) as TaskContext['tableMappings'],
      settings: task.settings,
      ...(task.cdcStartPosition ? { cdcStartPosition: task.cdcStartPosition } : {}),
      source: endpointDescription(source, this.env.state),
      target: endpointDescription(target, this.env.state),
      instance: { identifier: instance.identifier, instanceClass: instance.instanceClass, ...capacity },
      clock,
      signal: run.controller.signal,
      ...(task.checkpoint !== undefined && startType === 'resume-processing'
        ? { checkpoint: task.checkpoint }
        : {}),
      reportTables(tables) {
        const live = current();
        if (!live) return;
        // A table asked for with ReloadTables shows as being reloaded until the workload takes it.
        const pending = live.pendingReloads ?? [];
        live.tables = tables
          .map(normalizeTable)
          .map((table) =>
            pending.some(
              (wanted) => wanted.SchemaName === table.SchemaName && wanted.TableName === table.TableName,
            )
              ? { ...table, TableState: 'Table is being reloaded' as const }
              : table,
          );
        if (
          live.stats.fullLoadStartDate === undefined &&
          live.tables.some((table) => table.TableState !== 'Before load')
        )
          live.stats.fullLoadStartDate = clock.now();
        runner.checkProgressFaults(live);
        runner.env.changed();
      },
      reportFullLoadFinished() {
        const live = current();
        if (!live) return;
        const now = clock.now();
        live.stats.fullLoadStartDate ??= now;
        live.stats.fullLoadFinishDate = now;
        live.stats.progressPercent = 100;
        runner.env.changed();
        if (live.migrationType !== 'full-load' && live.status === 'running') {
          const fault = runner.env.faults.cdcBegan(runInfo(live));
          if (fault) queueMicrotask(() => runner.failFromFault(live, fault));
        }
      },
      reportProgress(percent) {
        const live = current();
        if (!live) return;
        live.stats.progressPercent = Math.max(0, Math.min(100, Math.floor(percent)));
        runner.checkProgressFaults(live);
        runner.env.changed();
      },
      reportSample(sample) {
        const live = current();
        if (!live) return;
        runner.meter.record(live.arn, sample);
        if (taskPhase(live) === 'cdc') live.position += sample.rowsRead;
      },
      saveCheckpoint(checkpoint) {
        const live = current();
        if (!live) return;
        live.checkpoint = checkpoint;
        runner.env.changed();
      },
      reloadReached(table, at) {
        return (
          runner.env.reloads?.reached(
            { taskArn: task.arn, taskIdentifier: task.identifier, ...table, at },
            run.controller.signal,
          ) ?? Promise.resolve()
        );
      },
      takeTableReloads() {
        const live = current();
        const taken = live?.pendingReloads ?? [];
        if (live && taken.length > 0) {
          live.pendingReloads = [];
          runner.env.changed();
        }
        return taken.map((table) => ({ schemaName: table.SchemaName, tableName: table.TableName }));
      },
    };
  }

  private checkProgressFaults(task: TaskRecord): void {
    if (task.status !== 'running' || taskPhase(task) !== 'full-load') return;
    const percent = progressOf(task);
    if (this.env.faults.fullLoadStalls(runInfo(task), percent)) {
      this.stall(task.arn);
      return;
    }
    const fault = this.env.faults.fullLoadProgressed(runInfo(task), percent);
    if (fault) queueMicrotask(() => this.failFromFault(task, fault));
  }

  /**
   * The load hangs: the workload stops, but the run stays the task's, so the task shows `running` with its
   * statistics frozen until it is stopped or deleted.
   */
  private stall(arn: string): void {
    const run = this.runs.get(arn);
    if (!run) return;
    for (const cancel of run.cancels) cancel();
    run.controller.abort(new Error('replication task run stalled'));
  }

  private finished(arn: string, runId: number, outcome: RunOutcome | undefined): void {
    const run = this.runs.get(arn);
    if (!run || run.id !== runId || run.controller.signal.aborted) return;
    const task = this.env.state.tasks[arn];
    if (task?.status === 'running') this.settle(task, outcome);
  }

  private settle(task: TaskRecord, outcome: RunOutcome | undefined): void {
    this.endRun(task.arn);
    if (!outcome)
      this.markStopped(
        task,
        'run-finished',
        task.migrationType === 'full-load' ? 'FULL_LOAD_ONLY_FINISHED' : 'NORMAL',
      );
    else if (outcome.kind === 'stopped') this.markStopped(task, 'run-finished', outcome.stopReason);
    else this.handleFailure(task, outcome.stopReason, outcome.message);
    this.env.changed();
  }

  private handleFailure(task: TaskRecord, reason: FailureReason, message: string): void {
    this.endRun(task.arn);
    if (reason === 'RECOVERABLE_ERROR') {
      const delay = recoverableRetryDelayMs(taskBehaviour(task.settings), task.recoverableAttempts);
      if (delay !== undefined) {
        task.recoverableAttempts += 1;
        task.lastFailureMessage = lastErrorText(message, reason);
        this.timers.schedule({ type: 'task-retry', arn: task.arn }, delay);
        return;
      }
    }
    this.markFailed(task, reason, message);
  }

  private markStopped(task: TaskRecord, trigger: 'stop-finished' | 'run-finished', reason: string): void {
    this.endRun(task.arn);
    this.accumulateElapsed(task);
    moveTask(task, trigger);
    task.stopReason = `Stop Reason ${reason}`;
    task.stats.stopDate = this.env.clock.now();
    this.env.events.publish('task-stopped', task, `Replication task has stopped. Stop Reason ${reason}.`);
  }

  private markFailed(task: TaskRecord, reason: FailureReason, message: string): void {
    this.endRun(task.arn);
    this.accumulateElapsed(task);
    const text = lastErrorText(message, reason);
    moveTask(task, 'run-failed');
    task.stopReason = text;
    task.lastFailureMessage = text;
    task.stats.stopDate = this.env.clock.now();
    task.tables = task.tables.map((table) =>
      TABLE_STATES_LOADING.has(table.TableState) ? { ...table, TableState: 'Table error' } : table,
    );
    this.env.events.publish('task-failed', task, text);
  }

  private accumulateElapsed(task: TaskRecord): void {
    const since = task.stats.runningSince;
    if (since === undefined) return;
    task.stats.elapsedMs += this.env.clock.now() - since;
    delete task.stats.runningSince;
  }

  private endRun(arn: string): void {
    const run = this.runs.get(arn);
    if (!run) return;
    this.runs.delete(arn);
    for (const cancel of run.cancels) cancel();
    run.controller.abort(new Error('replication task run ended'));
  }
}

/** The names fault rules may use for a task. */
const runInfo = (task: TaskRecord) => ({ names: [task.identifier, task.arn] });

/** Table statistics carry epoch seconds on the wire; workloads may report milliseconds. */
const normalizeTable = (table: TableStatistics): TableStatistics => {
  const seconds = (value: number | undefined) =>
    value === undefined ? undefined : value > 1e11 ? value / 1000 : value;
  const copy: TableStatistics = { ...table, LastUpdateTime: seconds(table.LastUpdateTime) ?? 0 };
  const start = seconds(table.FullLoadStartTime);
  const end = seconds(table.FullLoadEndTime);
  if (start !== undefined) copy.FullLoadStartTime = start;
  if (end !== undefined) copy.FullLoadEndTime = end;
  return copy;
};
