import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cdcFileName,
  datePartitionPath,
  keyOfNames,
  loadFileName,
  objectPath,
  pathSegment,
  tableDirectory,
} from '#local/dataplane/lake';
import { listLakeTableFiles } from '#local/dataplane/replay';
import { parseCommitTime, timestampColumnText } from '#local/dataplane/timestamps';

const AT = Date.UTC(2026, 0, 31, 23, 30, 15, 42);

describe('lake layout', () => {
  it('numbers LOAD files with an upper-case hexadecimal counter', () => {
    // Prepare
    const counters = [1, 9, 10, 15, 16, 255];

    // Act
    const names = counters.map(loadFileName);

    // Assess
    expect(names).toEqual([
      'LOAD00000001.parquet',
      'LOAD00000009.parquet',
      'LOAD0000000A.parquet',
      'LOAD0000000F.parquet',
      'LOAD00000010.parquet',
      'LOAD000000FF.parquet',
    ]);
  });

  it('builds date folders from the sequence, delimiter and time zone', () => {
    // Prepare
    const cases = [
      { sequence: 'YYYYMMDD', delimiter: 'SLASH', timezone: 'UTC' },
      { sequence: 'YYYYMMDDHH', delimiter: 'UNDERSCORE', timezone: 'UTC' },
      { sequence: 'YYYYMM', delimiter: 'NONE', timezone: 'UTC' },
      { sequence: 'MMYYYYDD', delimiter: 'DASH', timezone: 'Asia/Tokyo' },
      { sequence: 'DDMMYYYY', delimiter: 'SLASH', timezone: 'America/New_York' },
    ] as const;

    // Act
    const paths = cases.map((partitioning) => datePartitionPath(AT, partitioning));

    // Assess
    expect(paths).toEqual(['2026/01/31', '2026_01_31_23', '202601', '02-2026-01', '31/01/2026']);
  });

  it('names CDC files by write time in the partition time zone, to the millisecond', () => {
    // Prepare
    const zones = ['UTC', 'Asia/Tokyo'];

    // Act
    const names = zones.map((zone) => cdcFileName(AT, zone));

    // Assess
    expect(names).toEqual(['20260131-233015042.parquet', '20260201-083015042.parquet']);
  });

  it('keeps table names that hold path characters inside their folder', () => {
    // Prepare
    const target = { bucketName: 'lake', bucketFolder: ['raw'] };

    // Act
    const directory = tableDirectory('/data', target, { schema: '..', table: 'a/b' });

    // Assess
    expect(directory).toBe('/data/lake/raw/%2E%2E/a%2Fb');
    expect(pathSegment('50%')).toBe('50%25');
  });

  it('maps an S3 key to a file and back, table folders included, whatever the key holds', () => {
    // Prepare
    const keys = ['raw/%2E/../a\\b/', 'raw//x.parquet', 'raw/public/items/LOAD00000001.parquet'];

    // Act
    const paths = keys.map((key) => objectPath('/data', 'lake', key));
    const back = paths.map((path) => keyOfNames(relative('/data/lake', path).split(sep)));

    // Assess
    expect(back).toEqual(keys);
    expect(paths[2]).toBe(
      join(
        tableDirectory(
          '/data',
          { bucketName: 'lake', bucketFolder: ['raw'] },
          { schema: 'public', table: 'items' },
        ),
        'LOAD00000001.parquet',
      ),
    );
  });

  it('reads no file of a write in progress as a table file', async () => {
    // Prepare
    const directory = await mkdtemp(join(tmpdir(), 'lakeshift-files-'));
    await mkdir(join(directory, '.tmp-0a1b2c3d-load.partial'), { recursive: true });
    await writeFile(join(directory, '.tmp-0a1b2c3d-load.partial', 'part0.parquet'), 'x');
    await writeFile(join(directory, 'LOAD00000001.parquet'), 'x');

    // Act
    const files = await listLakeTableFiles(directory);
    await rm(directory, { recursive: true, force: true });

    // Assess
    expect(files).toEqual({ load: [join(directory, 'LOAD00000001.parquet')], cdc: [] });
  });

  it('formats the timestamp column and commit times with microseconds', () => {
    // Prepare
    const printed = '2026-01-31 23:30:15.04+00';

    // Act
    const column = timestampColumnText(AT);
    const commit = parseCommitTime(printed);

    // Assess
    expect(column).toBe('2026-01-31 23:30:15.042000');
    expect(commit).toEqual({
      epochMs: Date.UTC(2026, 0, 31, 23, 30, 15, 40),
      text: '2026-01-31 23:30:15.040000',
    });
  });
});
