/**
 * The demo's script, as a pure state machine over what it observes: wait until every database is in CDC, then
 * (unless quiet) spike the writes on one database until lakeshift steps its instance up, end the spike, wait for
 * the quiet window to bring the step down, and finish. Every wait has a deadline in emulated time; a missed step up
 * or step down is reported, not fatal (the verification decides the exit code); a FAILED database ends the run.
 */
import type { Phase } from '#contracts/phases';
import { isInstanceClass } from '#domain/instance-classes';
import { compareInstanceClasses } from '#domain/request/resize-settings';

export interface ScenarioView {
  /** Emulated epoch ms. */
  readonly now: number;
  readonly phases: ReadonlyMap<string, Phase>;
  /** Every class each database has been on, oldest first. */
  readonly classes: ReadonlyMap<string, readonly string[]>;
}

export type ScenarioAction =
  | { readonly kind: 'spike-start'; readonly databaseId: string }
  | { readonly kind: 'spike-stop'; readonly databaseId: string }
  | { readonly kind: 'message'; readonly text: string }
  | { readonly kind: 'finish' }
  | { readonly kind: 'fail'; readonly reason: string };

export interface ScenarioConfig {
  readonly databaseIds: readonly string[];
  /** The database whose writes spike; none in a quiet run. */
  readonly spikeDatabase?: string;
  /** Emulated ms to wait for every database to reach CDC. */
  readonly cdcDeadlineMs: number;
  /** Emulated ms the spike may last without a step up. */
  readonly stepUpDeadlineMs: number;
  /** Emulated ms to wait for the step down after the spike. */
  readonly stepDownDeadlineMs: number;
}

const MINUTE = 60_000;

export const DEFAULT_SCENARIO_DEADLINES = {
  cdcDeadlineMs: 6 * 60 * MINUTE,
  stepUpDeadlineMs: 60 * MINUTE,
  stepDownDeadlineMs: 120 * MINUTE,
} as const;

type Stage =
  | { readonly name: 'to-cdc'; readonly since: number }
  | { readonly name: 'spiking'; readonly since: number; readonly classCount: number }
  | { readonly name: 'awaiting-step-down'; readonly since: number; readonly classCount: number }
  | { readonly name: 'done' };

const isSmaller = (next: string | undefined, previous: string | undefined): boolean =>
  next !== undefined &&
  previous !== undefined &&
  isInstanceClass(next) &&
  isInstanceClass(previous) &&
  compareInstanceClasses(next, previous) < 0;

const isLarger = (next: string | undefined, previous: string | undefined): boolean =>
  next !== undefined &&
  previous !== undefined &&
  isInstanceClass(next) &&
  isInstanceClass(previous) &&
  compareInstanceClasses(next, previous) > 0;

export class DemoScenario {
  private stage: Stage | undefined;

  constructor(private readonly config: ScenarioConfig) {}

  get finished(): boolean {
    return this.stage?.name === 'done';
  }

  step(view: ScenarioView): ScenarioAction[] {
    this.stage ??= { name: 'to-cdc', since: view.now };
    const failed = this.config.databaseIds.filter((id) => view.phases.get(id) === 'FAILED');
    if (failed.length > 0 && this.stage.name !== 'done') {
      this.stage = { name: 'done' };
      return [
        { kind: 'fail', reason: `database${failed.length > 1 ? 's' : ''} ${failed.join(', ')} FAILED` },
      ];
    }
    switch (this.stage.name) {
      case 'to-cdc':
        return this.toCdc(view, this.stage.since);
      case 'spiking':
        return this.spiking(view, this.stage.since, this.stage.classCount);
      case 'awaiting-step-down':
        return this.awaitingStepDown(view, this.stage.since, this.stage.classCount);
      case 'done':
        return [];
    }
  }

  private classesOf(view: ScenarioView, databaseId: string): readonly string[] {
    return view.classes.get(databaseId) ?? [];
  }

  private toCdc(view: ScenarioView, since: number): ScenarioAction[] {
    const waiting = this.config.databaseIds.filter((id) => view.phases.get(id) !== 'CDC');
    if (waiting.length > 0) {
      if (view.now - since <= this.config.cdcDeadlineMs) return [];
      this.stage = { name: 'done' };
      return [{ kind: 'fail', reason: `not in CDC in time: ${waiting.join(', ')}` }];
    }
    const spike = this.config.spikeDatabase;
    if (spike === undefined) {
      this.stage = { name: 'done' };
      return [{ kind: 'message', text: 'every database is in CDC' }, { kind: 'finish' }];
    }
    this.stage = { name: 'spiking', since: view.now, classCount: this.classesOf(view, spike).length };
    return [
      { kind: 'message', text: `every database is in CDC; spiking the writes on ${spike}` },
      { kind: 'spike-start', databaseId: spike },
    ];
  }

  private spiking(view: ScenarioView, since: number, classCount: number): ScenarioAction[] {
    const spike = this.config.spikeDatabase ?? '';
    const classes = this.classesOf(view, spike);
    const steppedUp = classes.length > classCount && isLarger(classes.at(-1), classes[classCount - 1]);
    if (steppedUp && view.phases.get(spike) === 'CDC') {
      this.stage = { name: 'awaiting-step-down', since: view.now, classCount: classes.length };
      return [
        { kind: 'spike-stop', databaseId: spike },
        { kind: 'message', text: `${spike} stepped up to ${classes.at(-1)}; writes back to normal` },
      ];
    }
    if (view.now - since <= this.config.stepUpDeadlineMs) return [];
    this.stage = { name: 'done' };
    return [
      { kind: 'spike-stop', databaseId: spike },
      { kind: 'message', text: `no step up on ${spike} within the spike; finishing` },
      { kind: 'finish' },
    ];
  }

  private awaitingStepDown(view: ScenarioView, since: number, classCount: number): ScenarioAction[] {
    const spike = this.config.spikeDatabase ?? '';
    const classes = this.classesOf(view, spike);
    const steppedDown = classes.length > classCount && isSmaller(classes.at(-1), classes[classCount - 1]);
    if (steppedDown && view.phases.get(spike) === 'CDC') {
      this.stage = { name: 'done' };
      return [
        { kind: 'message', text: `${spike} stepped down to ${classes.at(-1)} after the quiet window` },
        { kind: 'finish' },
      ];
    }
    if (view.now - since <= this.config.stepDownDeadlineMs) return [];
    this.stage = { name: 'done' };
    return [{ kind: 'message', text: `no step down on ${spike} in time; finishing` }, { kind: 'finish' }];
  }
}
