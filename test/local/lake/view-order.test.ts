import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANGE_SEQUENCE_COLUMN } from '#contracts/lake';
import { planDatabaseCatalog, viewSqlOf } from '#domain/lake/catalog-plan';
import { currentStateSql } from '#domain/lake/view-sql';
import { ChangeSequence } from '#local/dataplane/change-sequence';
import { queryDuckDb } from '../dataplane/lake-queries.ts';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** The same commit time for every change: the timestamp column cannot tell them apart. */
const COMMIT_MICROS = 1_767_268_800_000_000n;
const COMMIT_TEXT = '2026-01-01 12:00:00.000000';

interface Change {
  readonly op: string;
  readonly id: number;
  readonly v: string;
  readonly seq: string | null;
}

const sequenceOf = (order: number): string => new ChangeSequence().next(COMMIT_MICROS, '0/1000', order);

const literal = (value: string | null): string => (value === null ? 'NULL' : `'${value}'`);

/** Writes one Parquet file of changes with DMS's columns. */
const writeFile = async (path: string, changes: readonly Change[]): Promise<void> => {
  const rows = changes
    .map(
      (change) =>
        `(${literal(change.op)}, '${COMMIT_TEXT}', ${change.id}, ${literal(change.v)}, ${literal(change.seq)})`,
    )
    .join(', ');
  await queryDuckDb(
    `COPY (SELECT * FROM (VALUES ${rows}) AS t(op, dms_timestamp, id, v, ${CHANGE_SEQUENCE_COLUMN})) TO '${path}' (FORMAT parquet)`,
  );
};

describe('the current-state view', () => {
  it('keeps the last change per key in commit order, within one transaction and across files whose names run the other way', async () => {
    // Prepare: transactions committed in one microsecond, numbered by their commit LSN.
    const folder = await mkdtemp(join(tmpdir(), 'lakeshift-view-order-'));
    folders.push(folder);
    const sequence = new ChangeSequence();
    const first = ['0/1000', '0/1000', '0/1000'].map((lsn, index) =>
      sequence.next(COMMIT_MICROS, lsn, index),
    );
    const second = sequence.next(COMMIT_MICROS, '0/2000', 0);
    const third = sequence.next(COMMIT_MICROS, '0/3000', 0);
    // The load, then one transaction updating key 1 three times (and key 2 once) in the later-named file; the
    // two transactions committed after it went to the earlier-named file.
    await writeFile(join(folder, 'LOAD00000001.parquet'), [
      { op: 'I', id: 1, v: 'loaded', seq: null },
      { op: 'I', id: 2, v: 'loaded', seq: null },
      { op: 'I', id: 3, v: 'loaded', seq: null },
    ]);
    await writeFile(join(folder, '20260101-120000002.parquet'), [
      { op: 'U', id: 1, v: 'first', seq: first[0] ?? '' },
      { op: 'U', id: 1, v: 'second', seq: first[1] ?? '' },
      { op: 'U', id: 1, v: 'third', seq: first[2] ?? '' },
    ]);
    await writeFile(join(folder, '20260101-120000001.parquet'), [
      { op: 'U', id: 2, v: 'after the first', seq: second },
      { op: 'D', id: 3, v: 'loaded', seq: third },
    ]);

    // Act
    const view = currentStateSql({
      changes: `(SELECT * FROM read_parquet('${folder}/*.parquet', union_by_name = true))`,
      columns: ['id', 'v'],
      primaryKey: ['id'],
    });
    const rows = await queryDuckDb(`${view} ORDER BY id`);

    // Assess
    expect([...first, second, third]).toEqual([...first, second, third].sort());
    expect(rows).toEqual([
      [1, 'third'],
      [2, 'after the first'],
    ]);
  });

  it('numbers changes in commit order when the commit time goes back', () => {
    // Prepare
    const sequence = new ChangeSequence();

    // Act
    const later = sequence.next(COMMIT_MICROS, '0/1000', 0);
    const earlierClock = sequence.next(COMMIT_MICROS - 5n, '0/2000', 0);

    // Assess
    expect(earlierClock > later).toBe(true);
    expect(later).toMatch(/^\d{35}$/);
  });

  it('shows every inserted row of a table without a primary key, duplicates included, and flags it inserts-only', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'lakeshift-view-order-'));
    folders.push(folder);
    const catalog = planDatabaseCatalog(
      { migrationId: 'm1', databaseId: 'shop', bucket: 'lake', bucketFolder: 'raw' },
      [
        {
          schema: 'public',
          table: 'events',
          columns: [
            { name: 'id', typeName: 'int4', typeCategory: 'N', typeModifier: -1 },
            { name: 'v', typeName: 'text', typeCategory: 'S', typeModifier: -1 },
          ],
          primaryKey: [],
        },
      ],
    );
    const view = catalog.tables[0]?.view;
    await writeFile(join(folder, 'LOAD00000001.parquet'), [{ op: 'I', id: 1, v: 'a', seq: null }]);
    await writeFile(join(folder, '20260101-120000001.parquet'), [
      { op: 'I', id: 1, v: 'a', seq: sequenceOf(1) },
      { op: 'I', id: 2, v: 'b', seq: sequenceOf(2) },
    ]);

    // Act
    const sql = viewSqlOf(view?.ViewOriginalText ?? '') ?? '';
    const rows = await queryDuckDb(
      `${sql.replace('"lakeshift_m1__shop"."events_changes"', `read_parquet('${folder}/*.parquet', union_by_name = true)`)} ORDER BY id, v`,
    );

    // Assess
    expect(view?.Parameters).toMatchObject({
      lakeshift_current_state: 'inserts-only',
      lakeshift_primary_key: '',
    });
    expect(rows).toEqual([
      [1, 'a'],
      [1, 'a'],
      [2, 'b'],
    ]);
  });
});
