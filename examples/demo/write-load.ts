/**
 * Writes that go on in the demo sources while they are migrated: inserts, updates and deletes at a steady rate per
 * wall-clock second, and a spike (the rate times a factor, for a while) that drives the alarm-driven step up.
 * Tables without a primary key only get inserts: DMS cannot apply their updates and deletes (documented DMS loss),
 * so the lake could not match the source.
 *
 *   tsx examples/demo/write-load.ts --url postgres://.../orders --database orders --rate 200 [--spike 10 --spike-after 30 --spike-for 60] [--duration 120]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { AWKWARD_TEXTS } from './databases.ts';

export interface WriteCounts {
  readonly inserts: number;
  readonly updates: number;
  readonly deletes: number;
}

const ZERO: WriteCounts = { inserts: 0, updates: 0, deletes: 0 };

const add = (a: WriteCounts, b: WriteCounts): WriteCounts => ({
  inserts: a.inserts + b.inserts,
  updates: a.updates + b.updates,
  deletes: a.deletes + b.deletes,
});

/** How `operations` writes split: 60% inserts, 30% updates, 10% deletes (at least one insert). */
export const splitOperations = (operations: number): WriteCounts => {
  const whole = Math.max(0, Math.floor(operations));
  const updates = Math.floor(whole * 0.3);
  const deletes = Math.floor(whole * 0.1);
  return { inserts: whole - updates - deletes, updates, deletes };
};

type BatchWriter = (client: pg.Client, split: WriteCounts) => Promise<WriteCounts>;

const affected = (result: pg.QueryResult): number => result.rowCount ?? 0;

/** `n` random existing ids of a table with an integer key (ids may repeat or be gone: counts come from rowCount). */
const randomIds = (table: string, n: number) =>
  `SELECT 1 + floor(random() * (SELECT coalesce(max(id), 0) FROM ${table}))::bigint FROM generate_series(1, ${n})`;

const ordersWriter: BatchWriter = async (client, split) => {
  const inserts = await client.query(
    `INSERT INTO order_lines (customer_id, sku, quantity, unit_price, status, ordered_at)
     SELECT 1 + floor(random() * (SELECT max(id) FROM customers))::int, 'SKU-LIVE', 1 + floor(random() * 9)::int,
            round((random() * 1000)::numeric, 2), 'new', now()
     FROM generate_series(1, $1)`,
    [split.inserts],
  );
  const updates = await client.query(
    `UPDATE order_lines SET status = 'shipped', quantity = quantity + 1 WHERE id IN (${randomIds('order_lines', split.updates)})`,
  );
  const deletes = await client.query(
    `DELETE FROM order_lines WHERE id IN (${randomIds('order_lines', split.deletes)})`,
  );
  return { inserts: affected(inserts), updates: affected(updates), deletes: affected(deletes) };
};

const texts = `ARRAY[${AWKWARD_TEXTS.map((text) => `'${text.replaceAll("'", "''")}'`).join(', ')}]`;

const awkwardWriter: BatchWriter = async (client, split) => {
  const keyed = Math.ceil(split.inserts / 2);
  const inserts = await client.query(
    `INSERT INTO everything (id, label, body, flag, ratio, seen, seen_tz, docb, payload, tags, feeling)
     SELECT (SELECT coalesce(max(id), 0) FROM everything) + g,
            (${texts})[1 + g % ${AWKWARD_TEXTS.length}], repeat('live ✓ ', g), g % 2 = 0,
            round((random() * 1000)::numeric, 6), localtimestamp, now(),
            jsonb_build_object('live', true, 'g', g), decode(md5(g::text), 'hex'), ARRAY['live', NULL],
            (enum_range(NULL::mood))[1 + g % 4]
     FROM generate_series(1, $1) AS g`,
    [keyed],
  );
  const loose = await client.query(
    `INSERT INTO no_primary_key SELECT 'live', round((random() * 100)::numeric, 3), localtimestamp
     FROM generate_series(1, $1)`,
    [split.inserts - keyed],
  );
  const updates = await client.query(
    `UPDATE everything SET ratio = (random() * 1000)::numeric / 7, seen = localtimestamp,
            docb = coalesce(docb, '{}'::jsonb) || jsonb_build_object('touched', now()::text), flag = NOT coalesce(flag, false)
     WHERE id IN (${randomIds('everything', split.updates)})`,
  );
  const deletes = await client.query(
    `DELETE FROM everything WHERE id IN (${randomIds('everything', split.deletes)})`,
  );
  return {
    inserts: affected(inserts) + affected(loose),
    updates: affected(updates),
    deletes: affected(deletes),
  };
};

const settingsWriter: BatchWriter = async (client, split) => {
  const inserts = await client.query(
    `INSERT INTO audit_log (actor, action, at) SELECT 'load', 'toggle', now() FROM generate_series(1, $1)`,
    [split.inserts],
  );
  const updates = await client.query(
    `UPDATE feature_flags SET enabled = NOT enabled, updated_at = now()
     WHERE name IN (SELECT 'flag_' || (1 + floor(random() * 40))::int FROM generate_series(1, $1))`,
    [split.updates],
  );
  const deletes = await client.query(
    `DELETE FROM audit_log WHERE id IN (${randomIds('audit_log', split.deletes)})`,
  );
  return { inserts: affected(inserts), updates: affected(updates), deletes: affected(deletes) };
};

const WRITERS: Readonly<Record<string, BatchWriter>> = {
  orders: ordersWriter,
  awkward: awkwardWriter,
  settings: settingsWriter,
};

/** A batch holds at least this many writes (10 splits into 6 inserts, 3 updates, 1 delete)... */
const MIN_BATCH_OPERATIONS = 10;
/** ...unless that would leave more than this between batches. */
const MAX_BATCH_INTERVAL_MS = 5_000;

export class WriteLoadError extends Error {
  override readonly name = 'WriteLoadError';
}

/** Runs one batch of about `operations` writes in one transaction on a demo database; returns what it changed. */
export const writeBatch = async (
  client: pg.Client,
  databaseId: string,
  operations: number,
): Promise<WriteCounts> => {
  const writer = WRITERS[databaseId];
  if (writer === undefined) {
    throw new WriteLoadError(
      `database: no write load for ${databaseId} (known: ${Object.keys(WRITERS).join(', ')})`,
    );
  }
  await client.query('BEGIN');
  try {
    const counts = await writer(client, splitOperations(operations));
    await client.query('COMMIT');
    return counts;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
};

export interface WriteLoad {
  /** Changes the rate (writes per wall-clock second). */
  setRate(ratePerSecond: number): void;
  /** The rate times `factor` for `durationMs` of wall-clock time, then back. */
  spike(factor: number, durationMs: number): void;
  counts(): WriteCounts;
  /** Stops after the batch in flight and closes the connection; resolves with the totals. */
  stop(): Promise<WriteCounts>;
}

export interface WriteLoadOptions {
  readonly url: string;
  readonly databaseId: string;
  readonly ratePerSecond: number;
  /** Wall-clock time between batches; default 250 ms. */
  readonly batchIntervalMs?: number;
  /** Called when a batch fails (the load keeps going); default: ignored. */
  readonly onError?: (error: unknown) => void;
}

export const startWriteLoad = async (options: WriteLoadOptions): Promise<WriteLoad> => {
  if (!(options.ratePerSecond >= 0))
    throw new WriteLoadError(`ratePerSecond: must be >= 0, got ${options.ratePerSecond}`);
  if (WRITERS[options.databaseId] === undefined) {
    throw new WriteLoadError(`databaseId: no write load for ${options.databaseId}`);
  }
  const client = new pg.Client({ connectionString: options.url });
  client.on('error', () => undefined);
  await client.connect();
  const interval = options.batchIntervalMs ?? 250;
  const stopper = new AbortController();
  let rate = options.ratePerSecond;
  let spikeFactor = 1;
  let spikeUntil = 0;
  let totals = ZERO;
  let owed = 0;

  const loop = (async () => {
    while (!stopper.signal.aborted) {
      const factor = Date.now() < spikeUntil ? spikeFactor : 1;
      // Low rates write less often, so that each batch still holds inserts, updates and deletes.
      const wait = Math.min(
        MAX_BATCH_INTERVAL_MS,
        Math.max(interval, (MIN_BATCH_OPERATIONS * 1000) / Math.max(rate * factor, 1e-9)),
      );
      // Carry fractions over so that low rates still write.
      owed += (rate * factor * wait) / 1000;
      const operations = Math.floor(owed);
      owed -= operations;
      if (operations > 0) {
        try {
          totals = add(totals, await writeBatch(client, options.databaseId, operations));
        } catch (error) {
          options.onError?.(error);
        }
      }
      await sleep(wait, undefined, { signal: stopper.signal }).catch(() => undefined);
    }
  })();

  return {
    setRate: (ratePerSecond) => {
      rate = Math.max(0, ratePerSecond);
    },
    spike: (factor, durationMs) => {
      spikeFactor = factor;
      spikeUntil = Date.now() + durationMs;
    },
    counts: () => totals,
    stop: async () => {
      stopper.abort();
      await loop;
      await client.end().catch(() => undefined);
      return totals;
    },
  };
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      database: { type: 'string' },
      rate: { type: 'string', default: '100' },
      spike: { type: 'string' },
      'spike-after': { type: 'string', default: '30' },
      'spike-for': { type: 'string', default: '60' },
      duration: { type: 'string', default: '120' },
    },
  });
  if (values.url === undefined || values.database === undefined) {
    throw new WriteLoadError('--url and --database are required');
  }
  const load = await startWriteLoad({
    url: values.url,
    databaseId: values.database,
    ratePerSecond: Number(values.rate),
    onError: (error) => console.error(error instanceof Error ? error.message : error),
  });
  if (values.spike !== undefined) {
    const factor = Number(values.spike);
    setTimeout(
      () => load.spike(factor, Number(values['spike-for']) * 1000),
      Number(values['spike-after']) * 1000,
    ).unref();
  }
  await sleep(Number(values.duration) * 1000);
  console.log(JSON.stringify(await load.stop()));
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
