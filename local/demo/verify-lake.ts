/**
 * The demo's last step: wait for CDC to write the sources' last changes (their replication slots drained), then
 * verify every table, retrying a mismatch until the catch-up deadline (a first mismatch is never trusted: the last
 * changes reach the lake within a CDC batch interval).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TableRef } from '../verify/digest.ts';
import { createLakeReader } from '../verify/lake-replay.ts';
import { allEqual, type TableVerification, verifyDatabase } from '../verify/verify.ts';
import { pendingChanges, waitForSlotsDrained } from './catch-up.ts';
import type { DemoSource } from './sources.ts';

const RETRY_MS = 2_000;

const tableRefs = (source: DemoSource): TableRef[] | undefined =>
  source.tables?.map((name) => {
    const [schema = 'public', table = name] = name.split('.');
    return { schema, table };
  });

export const catchUpAndVerify = async (options: {
  readonly sources: readonly DemoSource[];
  readonly lakeDir: string;
  /** The request's target: each database's files are under `<bucket>/<folder>/<database id>/`. */
  readonly target: { readonly bucket: string; readonly folder: string };
  /** Wall-clock epoch ms to stop waiting at. */
  readonly deadline: number;
  readonly log: (text: string) => void;
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
          })),
        );
      }
      if (allEqual(results) || Date.now() > deadline) return results;
      const behind = results.filter((result) => result.status !== 'equal');
      log(
        `verification attempt ${attempt}: not equal yet (${behind.map((r) => `${r.database}.${r.table}: ${r.status}`).join(', ')}); waiting for CDC to catch up`,
      );
      await sleep(RETRY_MS);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
