/**
 * After every run lakeshift tears its resources down the way a user would: a `Teardown Requested` event, then the
 * teardown state machine (task, endpoints, instance, certificate, alarms, and the replication slot recorded at the
 * task's first start, which would otherwise keep WAL on the source forever). What is left is reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';
import { withClient } from '../../examples/demo/seed.ts';
import { putLakeshiftEvent } from './events.ts';
import type { AwsConnection, MigrationObserver } from './observe.ts';
import type { DatabaseObservation } from './recorder.ts';

export interface TeardownOutcome {
  readonly deleted: readonly string[];
  /** Databases not DELETED, with their phase and failure. */
  readonly notDeleted: readonly string[];
  /** Replication slots still on the sources after the teardown. */
  readonly slotsLeft: readonly { readonly databaseId: string; readonly slot: string }[];
}

interface SourceDatabase {
  readonly databaseId: string;
  readonly url: string;
}

const slotsOf = (url: string): Promise<string[]> =>
  withClient(url, async (client) => {
    const result = await client.query<{ slot_name: string }>(
      'SELECT slot_name FROM pg_replication_slots WHERE database = current_database()',
    );
    return result.rows.map((row) => row.slot_name);
  });

export const tearDown = async (options: {
  readonly aws: AwsConnection;
  readonly eventBusName: string;
  readonly migrationId: string;
  readonly sources: readonly SourceDatabase[];
  readonly observer: MigrationObserver;
  /** Emulated now. */
  readonly now: () => number;
  /** Wall-clock epoch ms to give up at. */
  readonly deadline: number;
}): Promise<TeardownOutcome> => {
  // A resize in flight keeps the instance `modifying`, which DeleteReplicationInstance refuses: let it finish first.
  for (;;) {
    const busy = (await options.observer.observe(options.now())).filter(
      (o) => o.phase === 'RESIZING' || o.phase === 'STEPPING_DOWN',
    );
    if (busy.length === 0 || Date.now() > options.deadline) break;
    await sleep(250);
  }
  const requestedAt = options.now();
  await putLakeshiftEvent(options.aws, options.eventBusName, LAKESHIFT_DETAIL_TYPES.teardownRequested, {
    migrationId: options.migrationId,
    databaseIds: options.sources.map((source) => source.databaseId),
  });
  let observations: DatabaseObservation[] = [];
  for (;;) {
    observations = await options.observer.observe(options.now());
    // A database that FAILED before the request is not settled: the teardown starts from FAILED too.
    const settled = observations.every(
      (o) => o.phase === 'DELETED' || (o.phase === 'FAILED' && (o.failure?.at ?? 0) > requestedAt),
    );
    if (settled || Date.now() > options.deadline) break;
    await sleep(250);
  }
  const slotsLeft: { databaseId: string; slot: string }[] = [];
  for (const source of options.sources) {
    for (const slot of await slotsOf(source.url)) slotsLeft.push({ databaseId: source.databaseId, slot });
  }
  return {
    deleted: observations.filter((o) => o.phase === 'DELETED').map((o) => o.databaseId),
    notDeleted: observations
      .filter((o) => o.phase !== 'DELETED')
      .map(
        (o) => `${o.databaseId} (${o.phase}${o.failure ? `: ${o.failure.error} ${o.failure.cause}` : ''})`,
      ),
    slotsLeft,
  };
};

/**
 * Tears down and says what is left. lakeshift's teardown drops the slots it recorded, over the TLS the request asks
 * for; one still there is reported with the statement that drops it, never dropped behind its back.
 */
export const tearDownExisting = async (
  options: Parameters<typeof tearDown>[0] & { readonly log: (text: string) => void },
): Promise<TeardownOutcome> => {
  const { log } = options;
  log('tearing down: Teardown Requested (the lake is kept; the replication slots are dropped)');
  const outcome = await tearDown(options);
  if (outcome.notDeleted.length > 0) log(`not torn down: ${outcome.notDeleted.join(', ')}`);
  for (const { databaseId, slot } of outcome.slotsLeft) {
    log(
      `replication slot ${slot} is left on ${databaseId}: drop it with SELECT pg_drop_replication_slot('${slot}')`,
    );
  }
  if (outcome.notDeleted.length === 0 && outcome.slotsLeft.length === 0)
    log('torn down; no replication slot left');
  return outcome;
};
