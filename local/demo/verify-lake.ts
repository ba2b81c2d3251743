/**
 * The demo's last step: wait for CDC to write the sources' last changes (their replication slots drained), then
 * verify every table, retrying a mismatch until the catch-up deadline (a first mismatch is never trusted: the last
 * changes reach the lake within a CDC batch interval).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { TABLE_PARAMETERS } from '#contracts/lake';
import { createCatalogLakeReader } from '../verify/catalog-reader.ts';
import type { TableRef } from '../verify/digest.ts';
import { allEqual, type TableVerification, verifyDatabase } from '../verify/verify.ts';
import { pendingChanges, waitForSlotsDrained } from './catch-up.ts';
import { type DatabaseCatalogView, readDatabaseCatalog } from './lake-catalog.ts';
import type { AwsConnection } from './observe.ts';
import type { DemoSource } from './sources.ts';

const RETRY_MS = 2_000;

/** Names the catalog view a table was read through (absent when the catalog has none for it). */
const withCatalogView = (result: TableVerification, catalog: DatabaseCatalogView): TableVerification => {
  const view = catalog.tables.find(
    (table) =>
      table.TableType === 'VIRTUAL_VIEW' &&
      table.Parameters?.[TABLE_PARAMETERS.sourceTable] === `${result.schema}.${result.table}`,
  );
  return view?.Name ? { ...result, catalogView: `${catalog.databaseName}.${view.Name}` } : result;
};

const tableRefs = (source: DemoSource): TableRef[] | undefined =>
  source.tables?.map((name) => {
    const [schema = 'public', table = name] = name.split('.');
    return { schema, table };
  });

export const catchUpAndVerify = async (options: {
  readonly sources: readonly DemoSource[];
  readonly lakeDir: string;
  /** The local AWS, whose Glue catalog says where each table is and what its view is. */
  readonly aws: AwsConnection;
  readonly migrationId: string;
  /** Wall-clock epoch ms to stop waiting at. */
  readonly deadline: number;
  readonly log: (text: string) => void;
}): Promise<{ verification: TableVerification[]; catalogs: DatabaseCatalogView[] }> => {
  const { sources, lakeDir, deadline, log } = options;
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
      const catalogs: DatabaseCatalogView[] = [];
      for (const source of sources) {
        const tables = tableRefs(source);
        // The lake as Athena sees it: each table from the catalog's location and columns, through its view.
        const catalog = await readDatabaseCatalog(options.aws, options.migrationId, source.databaseId);
        catalogs.push(catalog);
        const lake = createCatalogLakeReader(catalog, lakeDir, connection);
        const verified = await verifyDatabase({
          database: source.databaseId,
          sourceUrl: source.url,
          lake,
          ...(tables ? { tables } : {}),
        });
        results.push(...verified.map((result) => withCatalogView(result, catalog)));
      }
      if (allEqual(results) || Date.now() > deadline) return { verification: results, catalogs };
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
