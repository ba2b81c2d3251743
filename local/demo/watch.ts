/**
 * Watches the migration until the scenario finishes: each round observes every database, turns what changed into
 * progress events and timeline entries, and lets the scenario drive the write load (the spike and its end).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusRow } from '#cli/status-model';
import type { Phase } from '#contracts/phases';
import type { Clock } from '../clock.ts';
import type { MigrationObserver } from './observe.ts';
import type { ProgressReporter } from './progress.ts';
import type { TimelineRecorder } from './recorder.ts';
import type { DemoScenario } from './scenario.ts';

export interface LoadControl {
  spike(databaseId: string): void;
  calm(databaseId: string): void;
}

/** Runs rounds until the scenario finishes; returns why the run failed, or undefined. */
export const watchMigration = async (options: {
  readonly databaseIds: readonly string[];
  readonly observer: MigrationObserver;
  readonly recorder: TimelineRecorder;
  readonly reporter: ProgressReporter;
  readonly scenario: DemoScenario;
  readonly loads: LoadControl;
  readonly clock: Clock;
  readonly log: (text: string) => void;
  /** Wall-clock epoch ms after which the run has failed. */
  readonly deadline: number;
  readonly pollMs: number;
  /** The fleet as `lakeshift status` reads it, for a live view that shows it; read once per round. */
  readonly fleetStatus?: (now: number) => Promise<readonly StatusRow[]>;
}): Promise<string | undefined> => {
  const { observer, recorder, reporter, scenario, loads, clock, log } = options;
  let failure: string | undefined;
  while (!scenario.finished) {
    if (Date.now() > options.deadline) return 'the run did not finish before its wall-clock deadline';
    const now = clock.now();
    const phases = new Map<string, Phase>();
    for (const observation of await observer.observe(now)) {
      for (const event of recorder.observe(observation, now)) reporter.emit(event);
      phases.set(observation.databaseId, observation.phase);
    }
    const classes = new Map(
      options.databaseIds.map(
        (id) => [id, recorder.classes(id).map((change) => change.instanceClass)] as const,
      ),
    );
    if (options.fleetStatus) reporter.fleet(await options.fleetStatus(now));
    const fleetFailure = await observer.fleetFailure();
    if (fleetFailure) return fleetFailure;
    for (const action of scenario.step({ now, phases, classes })) {
      if (action.kind === 'message') log(action.text);
      else if (action.kind === 'fail') failure = action.reason;
      else if (action.kind === 'spike-start') loads.spike(action.databaseId);
      else if (action.kind === 'spike-stop') loads.calm(action.databaseId);
    }
    if (!scenario.finished) await sleep(options.pollMs);
  }
  return failure;
};
