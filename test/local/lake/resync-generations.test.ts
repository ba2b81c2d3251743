import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GlueTableInput, planDatabaseCatalog, type TableCatalog } from '#domain/lake/catalog-plan';
import {
  currentTableCatalog,
  freezeCopies,
  generationFolderKey,
  previousGenerationLeftovers,
  reloadingTableCatalog,
  type StoredObject,
  tableFolderKey,
} from '#domain/lake/generations';
import { createCatalogLakeReader } from '#local/verify/catalog-reader';

/**
 * What DMS does to a table's folder when ReloadTables loads it again is not documented in full (docs/lake.md,
 * "Resync"), so the view is checked under each reading: the folder emptied first (TargetTablePrepMode), the old
 * files kept with new LOAD files numbered on, and the old files kept with LOAD numbering starting over.
 */
type FolderBehaviour = 'emptied' | 'kept, numbered on' | 'kept, numbered again';

const LAYOUT = {
  migrationId: 'm1',
  databaseId: 'shop',
  bucket: 'lake',
  bucketFolder: 'raw/shop',
  timestampColumn: 'dms_timestamp',
} as const;
const TABLE = { schema: 'public', table: 'items' } as const;
const INT = { typeName: 'int4', typeCategory: 'N', typeModifier: -1 };
const TEXT = { typeName: 'text', typeCategory: 'S', typeModifier: -1 };

type Row = readonly [op: string | null, id: number, v: string | null, seq: string | null];
type State = ReadonlyMap<number, string>;

let lakeDir: string;
let instance: DuckDBInstance;
let writer: DuckDBConnection;

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'lakeshift-resync-'));
  instance = await DuckDBInstance.create(':memory:');
  writer = await instance.connect();
});

afterAll(async () => {
  writer.closeSync();
  instance.closeSync();
  await rm(lakeDir, { recursive: true, force: true });
});

const literal = (value: string | number | null): string =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

/** Writes one Parquet file as DMS writes it: `Op`, the timestamp column, the table's columns, the sequence. */
const writeFile = async (key: string, rows: readonly Row[]): Promise<void> => {
  const path = join(lakeDir, LAYOUT.bucket, key);
  await mkdir(dirname(path), { recursive: true });
  const values = rows
    .map(
      ([op, id, v, seq]) =>
        `(${literal(op)}::VARCHAR, '2026-01-01 00:00:00.000000', ${id}::INTEGER, ${literal(v)}::VARCHAR, ${literal(seq)}::VARCHAR)`,
    )
    .join(', ');
  await writer.run(
    `COPY (SELECT * FROM (VALUES ${values}) AS t("Op", dms_timestamp, id, v, dms_change_seq)) TO ${literal(path)} (FORMAT parquet)`,
  );
};

/** The folder's objects as S3 lists them: key and ETag (here the MD5 of the content, as S3 gives for one part). */
const listObjects = async (prefix: string): Promise<StoredObject[]> => {
  const root = join(lakeDir, LAYOUT.bucket);
  const entries = await readdir(join(root, prefix), { recursive: true }).catch(() => [] as string[]);
  const objects: StoredObject[] = [];
  for (const entry of entries.filter((name) => name.endsWith('.parquet')).sort()) {
    const key = `${prefix}${entry.split('\\').join('/')}`;
    const etag = createHash('md5')
      .update(await readFile(join(root, key)))
      .digest('hex');
    objects.push({ key, etag });
  }
  return objects;
};

const deleteObject = (key: string) => rm(join(lakeDir, LAYOUT.bucket, key));

/** The Glue database as the catalog holds it at one moment. */
class Catalog {
  readonly databaseName: string;
  readonly tables = new Map<string, GlueTableInput>();
  constructor(catalog: ReturnType<typeof planDatabaseCatalog>) {
    this.databaseName = catalog.databaseName;
    for (const table of catalog.tables) this.put(table.changes, table.view);
  }
  put(...tables: GlueTableInput[]): void {
    for (const table of tables) this.tables.set(table.Name, table);
  }
  delete(name: string): void {
    this.tables.delete(name);
  }
}

/** The view's rows now, read through the catalog as Athena would read it. */
const viewState = async (catalog: Catalog): Promise<State> => {
  const connection = await instance.connect();
  try {
    const reader = createCatalogLakeReader(
      { databaseName: catalog.databaseName, tables: [...catalog.tables.values()] },
      join(lakeDir),
      connection,
    );
    const table = await reader.open(TABLE, ['id']);
    if (!table) return new Map();
    const rows = (
      await connection.runAndReadAll(`SELECT id, v FROM ${table.relation} ORDER BY id`)
    ).getRows();
    return new Map(rows.map(([id, v]) => [Number(id), String(v)]));
  } finally {
    connection.closeSync();
  }
};

const viewRowCount = async (catalog: Catalog): Promise<number> => {
  const connection = await instance.connect();
  try {
    const reader = createCatalogLakeReader(
      { databaseName: catalog.databaseName, tables: [...catalog.tables.values()] },
      lakeDir,
      connection,
    );
    const table = await reader.open(TABLE, []);
    if (!table) return 0;
    return Number(
      (await connection.runAndReadAll(`SELECT count(*) FROM ${table.relation}`)).getRows()[0]?.[0],
    );
  } finally {
    connection.closeSync();
  }
};

const applied = (state: State, changes: ReadonlyArray<[number, string | null]>): State => {
  const next = new Map(state);
  for (const [id, v] of changes) {
    if (v === null) next.delete(id);
    else next.set(id, v);
  }
  return next;
};

/**
 * The change sequence DMS gives LOAD rows is not documented either: none (as the local data plane writes), or one
 * taken at the load's snapshot, which sorts after the changes before it.
 */
type LoadSequence = 'none' | 'stamped';

const resyncUnder = async (behaviour: FolderBehaviour, loadSequence: LoadSequence) => {
  // Prepare: generation 0 holds a bad load (item 3 lost its update), then CDC files.
  const base = `${LAYOUT.bucketFolder}-${behaviour.replaceAll(/[^a-z]/g, '')}-${loadSequence}`;
  const snapshotSequence = loadSequence === 'stamped' ? '000350' : null;
  const layout = { ...LAYOUT, bucketFolder: base };
  const planned = planDatabaseCatalog(layout, [
    {
      ...TABLE,
      columns: [
        { name: 'id', ...INT },
        { name: 'v', ...TEXT },
      ],
      primaryKey: ['id'],
    },
  ]);
  const catalog = new Catalog(planned);
  const tableCatalog = planned.tables[0] as TableCatalog;
  const folder = tableFolderKey(layout, TABLE);
  await writeFile(`${folder}LOAD00000001.parquet`, [
    ['I', 1, 'a', null],
    ['I', 2, 'b', null],
  ]);
  await writeFile(`${folder}LOAD00000002.parquet`, [
    ['I', 3, 'stale', null],
    ['I', 4, 'd', null],
  ]);
  await writeFile(`${folder}2026/01/01/20260101-000100000.parquet`, [
    ['U', 1, 'a1', '000100'],
    ['I', 5, 'e', '000200'],
  ]);
  const source: State = new Map([
    [1, 'a1'],
    [2, 'b'],
    [3, 'c'],
    [4, 'd'],
    [5, 'e'],
  ]);
  const previous: State = new Map([
    [1, 'a1'],
    [2, 'b'],
    [3, 'stale'],
    [4, 'd'],
    [5, 'e'],
  ]);
  expect(await viewState(catalog)).toEqual(previous);
  const samples: Array<{ at: string; view: State; expected: State }> = [];
  const sample = async (at: string, expected: State) =>
    samples.push({ at, view: await viewState(catalog), expected });

  // Act 1: freeze generation 0 and turn the view to it plus the changes written after it.
  const frozen = await listObjects(folder);
  for (const copy of freezeCopies(frozen, folder, generationFolderKey(layout, TABLE, 0))) {
    await cp(join(lakeDir, layout.bucket, copy.from), join(lakeDir, layout.bucket, copy.to), {
      recursive: true,
    });
  }
  const reloading = reloadingTableCatalog(layout, catalog.databaseName, tableCatalog, 1);
  catalog.put(reloading.previous, reloading.view);
  await sample('frozen, before ReloadTables', previous);

  // Act 2: DMS reloads, CDC goes on meanwhile.
  if (behaviour === 'emptied') await rm(join(lakeDir, layout.bucket, folder), { recursive: true });
  await sample('folder prepared for the reload', previous);
  const duringReload: Array<[number, string | null]> = [[5, 'e2']];
  await writeFile(`${folder}2026/01/02/20260102-000100000.parquet`, [['U', 5, 'e2', '000300']]);
  await sample('a change written while the table reloads', applied(previous, duringReload));
  const firstLoad = behaviour === 'kept, numbered on' ? 3 : 1;
  const loadName = (n: number) => `${folder}LOAD${n.toString(16).toUpperCase().padStart(8, '0')}.parquet`;
  await writeFile(loadName(firstLoad), [
    ['I', 1, 'a1', snapshotSequence],
    ['I', 2, 'b', snapshotSequence],
    ['I', 3, 'c', snapshotSequence],
  ]);
  await sample('the first new LOAD file', applied(previous, duringReload));
  const afterSnapshot: Array<[number, string | null]> = [
    [2, null],
    [6, 'f'],
  ];
  await writeFile(`${folder}2026/01/02/20260102-000200000.parquet`, [
    ['D', 2, null, '000400'],
    ['I', 6, 'f', '000500'],
  ]);
  await writeFile(loadName(firstLoad + 1), [
    ['I', 4, 'd', snapshotSequence],
    ['I', 5, 'e2', snapshotSequence],
  ]);
  const reloadedSoFar = applied(applied(previous, duringReload), afterSnapshot);
  await sample('the reload complete, before the switch', reloadedSoFar);

  // Act 3: the previous generation's files leave the folder, then the view switches back to the change log.
  for (const key of previousGenerationLeftovers(frozen, await listObjects(folder))) await deleteObject(key);
  await sample('leftovers of generation 0 removed', reloadedSoFar);
  const switched = currentTableCatalog(tableCatalog, 1);
  catalog.put(switched.changes, switched.view);
  catalog.delete(reloading.previous.Name);
  const sourceNow = applied(applied(source, duringReload), afterSnapshot);
  await sample('switched to generation 1', sourceNow);
  return { samples, sourceNow };
};

describe('a table resync through generations', () => {
  it.each<[FolderBehaviour, LoadSequence]>([
    ['emptied', 'none'],
    ['kept, numbered on', 'none'],
    ['kept, numbered again', 'none'],
    ['emptied', 'stamped'],
    ['kept, numbered again', 'stamped'],
  ])(
    'never shows a mix of the two loads when DMS leaves the folder %s (LOAD sequence: %s), and ends equal to the source',
    async (behaviour, loadSequence) => {
      // Prepare and Act
      const { samples, sourceNow } = await resyncUnder(behaviour, loadSequence);

      // Assess
      for (const { at, view, expected } of samples) expect({ at, view }).toEqual({ at, view: expected });
      expect(samples.at(-1)?.view).toEqual(sourceNow);
      expect(samples.slice(0, -1).every(({ view }) => view.get(3) === 'stale')).toBe(true);
    },
  );

  it('counts no change twice for a table without a primary key while DMS keeps the old files', async () => {
    // Prepare: an inserts-only table (every row not deleted is in the view), frozen, its CDC file still in place.
    const layout = { ...LAYOUT, bucketFolder: `${LAYOUT.bucketFolder}-nokey` };
    const planned = planDatabaseCatalog(layout, [
      {
        ...TABLE,
        columns: [
          { name: 'id', ...INT },
          { name: 'v', ...TEXT },
        ],
        primaryKey: [],
      },
    ]);
    const catalog = new Catalog(planned);
    const folder = tableFolderKey(layout, TABLE);
    await writeFile(`${folder}LOAD00000001.parquet`, [['I', 1, 'a', null]]);
    await writeFile(`${folder}2026/01/01/20260101-000100000.parquet`, [['I', 2, 'b', '000100']]);
    const frozen = await listObjects(folder);
    for (const copy of freezeCopies(frozen, folder, generationFolderKey(layout, TABLE, 0))) {
      await cp(join(lakeDir, layout.bucket, copy.from), join(lakeDir, layout.bucket, copy.to));
    }
    const reloading = reloadingTableCatalog(
      layout,
      catalog.databaseName,
      planned.tables[0] as TableCatalog,
      1,
    );
    catalog.put(reloading.previous, reloading.view);

    // Act: a change arrives while the table reloads.
    await writeFile(`${folder}2026/01/02/20260102-000100000.parquet`, [['I', 3, 'c', '000200']]);
    const rows = await viewRowCount(catalog);

    // Assess: the load's row, the insert before the freeze and the one after, each once.
    expect(rows).toBe(3);
  });

  it('marks the view with its generation and state at each switch', () => {
    // Prepare
    const planned = planDatabaseCatalog(LAYOUT, [
      { ...TABLE, columns: [{ name: 'id', ...INT }], primaryKey: ['id'] },
    ]);
    const table = planned.tables[0] as TableCatalog;

    // Act
    const reloading = reloadingTableCatalog(LAYOUT, planned.databaseName, table, 3);
    const current = currentTableCatalog(table, 3);

    // Assess
    expect(reloading.previous.Name).toBe('items_previous');
    expect(reloading.previous.StorageDescriptor.Location).toBe(
      's3://lake/raw/shop/_lakeshift_generations/public/items/g0002/',
    );
    expect(reloading.view.Parameters).toMatchObject({
      lakeshift_generation: '3',
      lakeshift_view_state: 'reloading',
    });
    expect(current.view.Parameters).toMatchObject({
      lakeshift_generation: '3',
      lakeshift_view_state: 'current',
    });
    expect(current.view.ViewOriginalText).toBe(table.view.ViewOriginalText);
  });
});
