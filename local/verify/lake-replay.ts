/**
 * The lake side as a DuckDB view: a table's LOAD files, then its CDC files in write order, replayed with the same
 * rule as the data plane's `rebuildTableFromLake` (per key the newest change wins and a `D` removes the row; rows
 * without `Op` are inserts). It stays a view, rather than rows in memory, so that a million-row table is hashed
 * inside DuckDB.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { OP_COLUMN } from '#local/dataplane/output-columns';
import { sqlIdentifier, sqlString } from '#local/dataplane/parquet-writer';
import { lakeTableDirectory, listLakeTableFiles } from '#local/dataplane/replay';
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
    const ordered = [...files.load, ...files.cdc];
    if (ordered.length === 0) return undefined;
    const name = `ls_lake_${++views}`;
    const changes = `${name}_changes`;
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(
      `CREATE OR REPLACE TEMP VIEW ${changes} AS
       SELECT c.*, f.file_order FROM read_parquet([${ordered.map(sqlString).join(', ')}],
         union_by_name = true, filename = true, file_row_number = true) AS c
       JOIN (VALUES ${ordered.map((file, index) => `(${sqlString(file)}, ${index})`).join(', ')}) AS f(path, file_order)
         ON c.filename = f.path`,
    );
    const described = await connection.runAndReadAll(`DESCRIBE ${changes}`);
    const hasOp = described.getRowObjectsJson().some((row) => row['column_name'] === OP_COLUMN);
    const op = hasOp ? `coalesce(${sqlIdentifier(OP_COLUMN)}, 'I')` : `'I'`;
    if (key.length === 0) {
      // Without a key DMS writes only inserts; anything else could not be replayed.
      const changed = await connection.runAndReadAll(
        `SELECT count(*) AS n FROM ${changes} WHERE ${op} <> 'I'`,
      );
      const count = Number(changed.getRowObjectsJson()[0]?.['n'] ?? 0);
      if (count > 0) {
        throw new LakeReplayConflict(
          `${count} updates or deletes in the lake for a table without a primary key`,
        );
      }
      await connection.run(`CREATE OR REPLACE TEMP VIEW ${name} AS SELECT * FROM ${changes}`);
      return { connection, relation: name };
    }
    await connection.run(
      `CREATE OR REPLACE TEMP VIEW ${name} AS
       SELECT * FROM (
         SELECT *, ${op} AS ls_op, row_number() OVER (
           PARTITION BY ${key.map(sqlIdentifier).join(', ')} ORDER BY file_order DESC, file_row_number DESC) AS ls_newest
         FROM ${changes})
       WHERE ls_newest = 1 AND ls_op <> 'D'`,
    );
    return { connection, relation: name };
  },
});
