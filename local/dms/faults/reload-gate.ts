/**
 * Holds table reloads (ReloadTables) at a point between their start and their completion until released, so a test
 * can look at the lake while a table is being reloaded, on any clock, without waiting on time. A workload reports
 * each point its reload reaches (`reached`); a rule that matches holds it there. Rules come from the fault
 * configuration (`reloads`) or from `hold`; `release` lets held reloads go on and removes the matching rules.
 */

/**
 * `prepared`: the table's folder is treated (emptied or kept) and the table not read yet. `loaded`: the new LOAD
 * files are written and the table not yet reported `Table completed` (its changes since the start still cached).
 */
export type ReloadPoint = 'prepared' | 'loaded';

export interface ReloadHoldRule {
  /** Task identifier or ARN; every task when absent. */
  readonly task?: string;
  /** `schema.table`; every table when absent. */
  readonly table?: string;
  readonly at: ReloadPoint;
}

export interface ReloadAtPoint {
  readonly taskArn: string;
  readonly taskIdentifier: string;
  readonly schemaName: string;
  readonly tableName: string;
  readonly at: ReloadPoint;
}

interface Waiting {
  readonly reload: ReloadAtPoint;
  readonly resume: () => void;
}

const matches = (rule: ReloadHoldRule, reload: ReloadAtPoint): boolean =>
  rule.at === reload.at &&
  (rule.task === undefined || rule.task === reload.taskArn || rule.task === reload.taskIdentifier) &&
  (rule.table === undefined || rule.table === `${reload.schemaName}.${reload.tableName}`);

export class ReloadGate {
  private rules: ReloadHoldRule[] = [];
  private waiting: Waiting[] = [];
  private observers: (() => void)[] = [];

  /** Replaces the rules from configuration; reloads already held stay held until released. */
  configure(rules: readonly ReloadHoldRule[]): void {
    this.rules = [...rules];
  }

  hold(rule: ReloadHoldRule): void {
    this.rules.push(rule);
  }

  /** The reloads held now. */
  held(): readonly ReloadAtPoint[] {
    return this.waiting.map((entry) => entry.reload);
  }

  /** Resolves once a reload matching `filter` (every field optional) is held. */
  async whenHeld(filter: Partial<ReloadHoldRule> = {}): Promise<ReloadAtPoint> {
    const found = (): ReloadAtPoint | undefined =>
      this.held().find((reload) => matches({ at: reload.at, ...filter }, reload));
    for (;;) {
      const reload = found();
      if (reload) return reload;
      await new Promise<void>((resolve) => this.observers.push(resolve));
    }
  }

  /** Lets the held reloads matching `filter` go on (all when absent) and drops the rules that match it. */
  release(filter: Partial<ReloadHoldRule> = {}): void {
    const selected = (rule: ReloadHoldRule): boolean =>
      (filter.at === undefined || rule.at === filter.at) &&
      (filter.task === undefined || rule.task === filter.task) &&
      (filter.table === undefined || rule.table === filter.table);
    this.rules = this.rules.filter((rule) => !selected(rule));
    const released = this.waiting.filter((entry) =>
      matches({ at: entry.reload.at, ...filter }, entry.reload),
    );
    this.waiting = this.waiting.filter((entry) => !released.includes(entry));
    for (const entry of released) entry.resume();
  }

  /** A workload's reload reached `reload.at`: resolves at once, or when released (or when the run is aborted). */
  reached(reload: ReloadAtPoint, signal: AbortSignal): Promise<void> {
    if (signal.aborted || !this.rules.some((rule) => matches(rule, reload))) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry: Waiting = {
        reload,
        resume: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting = this.waiting.filter((other) => other !== entry);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      const observers = this.observers;
      this.observers = [];
      for (const notify of observers) notify();
    });
  }
}
