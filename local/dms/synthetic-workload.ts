/**
 * The synthetic workload: a documented simulation of what a replication task does, for fleets of tens or hundreds of
 * databases on one machine, without PostgreSQL. Each source database is a set of declared tables (row counts, row
 * sizes, change rates); the full load moves them at a rate set by the instance class, CDC applies changes up to the
 * class's capacity, and both report statistics and work samples the load model turns into AWS/DMS metrics.
 */

import { databaseKey, generateDatabase, type SyntheticDatabase, selectTables } from './synthetic/catalog.ts';
import { DEFAULT_RATES, type SimulationRates, SyntheticSimulation } from './synthetic/simulation.ts';
import type {
  ConnectionTestResult,
  EndpointDescription,
  RunOutcome,
  TaskContext,
  Workload,
} from './workload.ts';

export type { SyntheticDatabase, SyntheticTable } from './synthetic/catalog.ts';
export type { SimulationRates } from './synthetic/simulation.ts';

export interface SyntheticWorkloadOptions {
  /** Declared databases by key (the source endpoint's database name, else its endpoint identifier). */
  readonly databases?: Readonly<Record<string, SyntheticDatabase>>;
  /** The database for a key nobody declared; default: generated deterministically from the key. */
  readonly generate?: (key: string) => SyntheticDatabase;
  readonly rates?: Partial<SimulationRates>;
}

export interface SyntheticWorkload extends Workload {
  /** Declares (or replaces) a database. */
  define(key: string, database: SyntheticDatabase): void;
  /** Multiplies the declared change rates of one database from now on (1 = as declared). */
  setChangeRateMultiplier(key: string, multiplier: number): void;
  /** The database a source endpoint stands for. */
  databaseFor(endpoint: EndpointDescription): SyntheticDatabase;
}

export const createSyntheticWorkload = (options: SyntheticWorkloadOptions = {}): SyntheticWorkload => {
  const databases = new Map(Object.entries(options.databases ?? {}));
  const multipliers = new Map<string, number>();
  const generate = options.generate ?? generateDatabase;
  const rates: SimulationRates = { ...DEFAULT_RATES, ...options.rates };

  const databaseFor = (endpoint: EndpointDescription): SyntheticDatabase => {
    const key = databaseKey(endpoint);
    let database = databases.get(key);
    if (!database) {
      database = generate(key);
      databases.set(key, database);
    }
    return database;
  };

  return {
    define(key, database) {
      databases.set(key, database);
    },
    setChangeRateMultiplier(key, multiplier) {
      if (!(multiplier >= 0)) throw new RangeError(`change rate multiplier must be >= 0, got ${multiplier}`);
      multipliers.set(key, multiplier);
    },
    databaseFor,
    async testConnection(endpoint): Promise<ConnectionTestResult> {
      if (endpoint.endpointType === 'TARGET') return { ok: true };
      const failure = databaseFor(endpoint).connectionFailure;
      return failure ? { ok: false, message: failure } : { ok: true };
    },
    async run(ctx: TaskContext): Promise<RunOutcome | undefined> {
      const key = databaseKey(ctx.source);
      const tables = selectTables(databaseFor(ctx.source).tables, ctx.tableMappings.rules);
      return new SyntheticSimulation(ctx, tables, rates, () => multipliers.get(key) ?? 1).run();
    },
  };
};

/** True for sources the synthetic workload stands for: ServerName ending `.synthetic`, or `synthetic=true` set. */
export const isSyntheticEndpoint = (endpoint: EndpointDescription): boolean =>
  (endpoint.serverName?.toLowerCase().endsWith('.synthetic') ?? false) ||
  /(^|;)\s*synthetic\s*=\s*true\s*(;|$)/i.test(endpoint.extraConnectionAttributes ?? '');
