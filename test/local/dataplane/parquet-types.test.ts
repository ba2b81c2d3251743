import { readFile } from 'node:fs/promises';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { UndocumentedBehaviour } from '#local/dataplane/choices';
import { reencodeFooter } from '#local/dataplane/parquet-footer';
import { createPostgresToS3Workload } from '#local/dataplane/workload';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { newLake, queryDuckDb, tableFiles } from './lake-queries.ts';
import { fakeTask, secretFor } from './task-context.ts';

const pg = usePostgres();

const TYPED_DDL = `
  CREATE TABLE typed (id int PRIMARY KEY, price money, at time, at_tz timetz, flag boolean);
  INSERT INTO typed VALUES
    (1, '1234.56', '12:34:56.789999', '23:59:59.999999+05', true),
    (2, '-0.01', '00:00:00.000999', '00:00:00+00', false),
    (3, NULL, NULL, NULL, NULL),
    (4, '92233720368547758.07', '01:02:03', '01:02:03.004-08', true)`;

const loadTyped = async (db: TestDatabase, undocumented: Partial<UndocumentedBehaviour> = {}) => {
  const lakeDir = await newLake();
  const fake = fakeTask({
    db,
    migrationType: 'full-load',
    postgreSqlSettings: { MapBooleanAsBoolean: true },
  });
  await createPostgresToS3Workload({ lakeDir, resolveSecret: secretFor(db), undocumented }).run(fake.ctx);
  const [file = ''] = (await tableFiles(lakeDir, 'typed')).load;
  return file;
};

/** Physical type, converted type and logical type of each column, as hyparquet reads the footer. */
const schemaOf = async (file: string) => {
  const buffer = await readFile(file);
  const metadata = parquetMetadata(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
  return Object.fromEntries(
    metadata.schema
      .slice(1)
      .map((element) => [
        element.name,
        { type: element.type, converted: element.converted_type, logical: element.logical_type },
      ]),
  );
};

describe('Parquet types of the DMS mapping', () => {
  it('writes money as DECIMAL(38,4), time and timetz as millisecond TIME on INT32, and booleans as strings', async () => {
    // Prepare
    const db = await pg.createDatabase();
    await (await db.connect()).query(TYPED_DDL);

    // Act
    const file = await loadTyped(db);

    // Assess
    const schema = await schemaOf(file);
    expect(schema['price']).toMatchObject({
      type: 'FIXED_LEN_BYTE_ARRAY',
      converted: 'DECIMAL',
      logical: { type: 'DECIMAL', precision: 38, scale: 4 },
    });
    for (const column of ['at', 'at_tz']) {
      expect(schema[column]).toEqual({
        type: 'INT32',
        converted: 'TIME_MILLIS',
        logical: { type: 'TIME', isAdjustedToUTC: false, unit: 'MILLIS' },
      });
    }
    expect(schema['flag']).toMatchObject({ type: 'BYTE_ARRAY', converted: 'UTF8' });
    const rows = await queryDuckDb(
      `SELECT id, CAST(price AS VARCHAR), CAST("at" AS VARCHAR), CAST(at_tz AS VARCHAR), flag
       FROM read_parquet('${file}') ORDER BY id`,
    );
    expect(rows).toEqual([
      [1, '1234.5600', '12:34:56.789', '23:59:59.999', 'true'],
      [2, '-0.0100', '00:00:00', '00:00:00', 'false'],
      [3, null, null, null, null],
      [4, '92233720368547758.0700', '01:02:03', '01:02:03.004', 'true'],
    ]);
  });

  it('writes booleans as BOOLEAN when MapBooleanAsBoolean on the source alone is read as enough', async () => {
    // Prepare
    const db = await pg.createDatabase();
    await (await db.connect()).query(TYPED_DDL);

    // Act
    const file = await loadTyped(db, { sourceOnlyMapBooleanAsBoolean: true });

    // Assess
    expect((await schemaOf(file))['flag']).toMatchObject({ type: 'BOOLEAN' });
    expect(await queryDuckDb(`SELECT flag FROM read_parquet('${file}') ORDER BY id`)).toEqual([
      [true],
      [false],
      [null],
      [true],
    ]);
  });

  it('re-encodes a Parquet footer byte for byte, so an annotation changes nothing else', async () => {
    // Prepare
    const db = await pg.createDatabase();
    await (await db.connect()).query(TYPED_DDL);
    const file = await loadTyped(db);
    const bytes = await readFile(file);
    const length = bytes.readUInt32LE(bytes.length - 8);
    const footer = bytes.subarray(bytes.length - 8 - length, bytes.length - 8);

    // Act
    const again = reencodeFooter(footer);

    // Assess
    expect(Buffer.from(again).equals(footer)).toBe(true);
  });
});
