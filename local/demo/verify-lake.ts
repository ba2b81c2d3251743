/**
 * The demo's last step: wait for CDC to write the sources' last changes (their replication slots drained), then
 * verify every table. A mismatch is retried only while CDC is visibly catching up (a slot still holds pending
 * changes: the data plane advances a slot only once its changes are in the lake); with every slot drained a
 * mismatch is real and the verification ends at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LossyMapping } from '#domain/fidelity/type-mapping';
import { withClient } from '../../examples/demo/seed.ts';
import type { TableRef } from '../verify/digest.ts';
import { createLakeReader } from '../verify/lake-replay.ts';
import { allEqual, isEqual, type TableVerification, verifyDatabase } from '../verify/verify.ts';
import { pendingChanges, slotsDrained, waitForSlotsDrained } from './catch-up.ts';
import type { DemoSource } from './sources.ts';

const RETRY_MS = 2_000;

const tableRefs = (source: DemoSource): TableRef[] | undefined =>
  source.tables?.map((name) => {
    const [schema = 'public', table = name] = name.split('.');
    return { schema, table };
  });

/** The databases whose slots still hold changes not yet in the lake. */
const sourcesCatchingUp = async (sources: readonly DemoSource[]): Promise<string[]> => {
  const behind: string[] = [];
  for (const source of sources) {
    if (!(await withClient(source.url, slotsDrained))) behind.push(source.databaseId);
  }
  return behind;
};

export const catchUpAndVerify = async (options: {
  readonly sources: readonly DemoSource[];
  readonly lakeDir: string;
  /** The request's target: each database's files are under `<bucket>/<folder>/<database id>/`. */
  readonly target: { readonly bucket: string; readonly folder: string };
  /** Wall-clock epoch ms to stop waiting at. */
  readonly deadline: number;
  readonly log: (text: string) => void;
  /** databaseId → (`schema.table.column` → the lossy mapping the request chose). */
  readonly chosenMappings?: ReadonlyMap<string, ReadonlyMap<string, LossyMapping>>;
}): Promise<TableVerification[]> => {
  const { sources, lakeDir, target, deadline, log } = options;
  for (const source of sources) {
    if (!(await waitForSlotsDrained(source.url, deadline))) {
      log(`${source.databaseId}: CDC has not caught up: ${await pendingChanges(source.url)}`);
    }
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      const results: TableVerification[] = [];
      for (const source of sources) {
        const tables = tableRefs(source);
        const lake = createLakeReader(
          { lakeDir, bucket: target.bucket, folder: `${target.folder}/${source.databaseId}` },
          connection,
        );
        results.push(
          ...(await verifyDatabase({
            database: source.databaseId,
            sourceUrl: source.url,
            lake,
            ...(tables ? { tables } : {}),
            chosenMappings: options.chosenMappings?.get(source.databaseId) ?? new Map(),
          })),
        );
      }
      if (allEqual(results) || Date.now() > deadline) return results;
      const catchingUp = await sourcesCatchingUp(sources);
      if (catchingUp.length === 0) return results;
      const behind = results.filter((result) => !isEqual(result));
      log(
        `verification attempt ${attempt}: not equal yet (${behind.map((r) => `${r.database}.${r.table}: ${r.status}`).join(', ')}); CDC is still catching up in ${catchingUp.join(', ')}`,
      );
      await sleep(RETRY_MS);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
