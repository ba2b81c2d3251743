/**
 * The lake side as a DuckDB view: a table's LOAD files, then its CDC files in write order, replayed by the data
 * plane's replay rule (`currentStateSql`: per key the newest change wins and a `D` removes the row; rows without
 * `Op` are inserts). It stays a view, rather than rows in memory, so that a million-row table is hashed
 * inside DuckDB.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  countNonInserts,
  createChangesView,
  currentStateSql,
  lakeTableDirectory,
  listLakeTableFiles,
} from '#local/dataplane/replay';
import type { TableRef } from './digest.ts';
import type { LakeReader, LakeTable } from './lake.ts';

/** Where a database's tables are: `<lakeDir>/<bucket>/<folder>/<schema>/<table>/`. */
export interface LakeLocation {
  readonly lakeDir: string;
  readonly bucket: string;
  readonly folder: string;
}

export class LakeReplayConflict extends Error {
  override readonly name = 'LakeReplayConflict';
}

let views = 0;

export const createLakeReader = (location: LakeLocation, connection: DuckDBConnection): LakeReader => ({
  open: async (ref: TableRef, key: readonly string[]): Promise<LakeTable | undefined> => {
    const directory = lakeTableDirectory(
      location.lakeDir,
      location.bucket,
      location.folder,
      ref.schema,
      ref.table,
    );
    const files = await listLakeTableFiles(directory);
    if (files.load.length + files.cdc.length === 0) return undefined;
    const name = `ls_lake_${++views}`;
    const changes = await createChangesView(connection, files, `${name}_changes`);
    if (key.length === 0) {
      // Without a key DMS writes only inserts; anything else could not be replayed.
      const count = await countNonInserts(connection, changes);
      if (count > 0) {
        throw new LakeReplayConflict(
          `${count} updates or deletes in the lake for a table without a primary key`,
        );
      }
      await connection.run(`CREATE OR REPLACE TEMP VIEW ${name} AS SELECT * FROM ${changes.name}`);
      return { connection, relation: name };
    }
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${name} AS ${currentStateSql(changes, key)}`);
    return { connection, relation: name };
  },
});
