/**
 * The demo's last step: wait for CDC to write the sources' last changes (their replication slots drained), then
 * verify every table through the Glue catalog. A mismatch is retried only while CDC is visibly catching up (a slot
 * still holds pending changes: the data plane advances a slot only once its changes are in the lake) or the catalog
 * does not describe the table yet; otherwise a mismatch is real and the verification ends at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { TABLE_PARAMETERS } from '#contracts/lake';
import type { LossyMapping } from '#domain/fidelity/type-mapping';
import { withClient } from '../../examples/demo/seed.ts';
import { createCatalogLakeReader } from '../verify/catalog-reader.ts';
import type { TableRef } from '../verify/digest.ts';
import { allEqual, isEqual, type TableVerification, verifyDatabase } from '../verify/verify.ts';
import { pendingChanges, slotsDrained, waitForSlotsDrained } from './catch-up.ts';
import type { DatabaseCatalogView } from './lake-catalog.ts';
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
  /** A database's Glue catalog, which says where each table is and what its view is (see readDatabaseCatalog). */
  readonly catalogOf: (databaseId: string) => Promise<DatabaseCatalogView>;
  /** Wall-clock epoch ms to stop waiting at. */
  readonly deadline: number;
  readonly log: (text: string) => void;
  /** databaseId → (`schema.table.column` → the lossy mapping the request chose). */
  readonly chosenMappings?: ReadonlyMap<string, ReadonlyMap<string, LossyMapping>>;
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
        const catalog = await options.catalogOf(source.databaseId);
        catalogs.push(catalog);
        const lake = createCatalogLakeReader(catalog, lakeDir, connection);
        const verified = await verifyDatabase({
          database: source.databaseId,
          sourceUrl: source.url,
          lake,
          ...(tables ? { tables } : {}),
          chosenMappings: options.chosenMappings?.get(source.databaseId) ?? new Map(),
        });
        results.push(...verified.map((result) => withCatalogView(result, catalog)));
      }
      if (allEqual(results) || Date.now() > deadline) return { verification: results, catalogs };
      const behind = results.filter((result) => !isEqual(result));
      // A table the catalog does not describe yet waits for the catalog step, which runs after the full load.
      const uncatalogued = [
        ...new Set(behind.filter((r) => r.catalogView === undefined).map((r) => r.database)),
      ];
      const catchingUp = await sourcesCatchingUp(sources);
      if (catchingUp.length === 0 && uncatalogued.length === 0) return { verification: results, catalogs };
      const waitingFor = [
        ...(catchingUp.length > 0 ? [`CDC is still catching up in ${catchingUp.join(', ')}`] : []),
        ...(uncatalogued.length > 0 ? [`the catalog is not yet written for ${uncatalogued.join(', ')}`] : []),
      ];
      log(
        `verification attempt ${attempt}: not equal yet (${behind.map((r) => `${r.database}.${r.table}: ${r.status}`).join(', ')}); ${waitingFor.join('; ')}`,
      );
      await sleep(RETRY_MS);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
};
