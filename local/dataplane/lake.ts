/**
 * The lake on disk, laid out as DMS lays out S3 objects (docs/dms-behaviour.md §5):
 * `<lakeDir>/<BucketName>/[BucketFolder/] <schema>/<table>/LOAD00000001.parquet` for the full load
 * (upper-case hexadecimal counter) and timestamp-named CDC files, under a date folder when
 * DatePartitionEnabled. Reading (documented choice): only CDC files are date partitioned, by the transaction
 * commit date; LOAD files stay in the table folder.
 *
 * Files become visible atomically: they are written under a dot-prefixed temporary name, flushed to disk, then
 * renamed. A crash leaves at most a temporary file, which readers ignore and the next run removes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReloadTableFolder } from './choices.ts';
import type { DatePartitioning, S3TargetSettings, TargetTablePrepMode } from './settings.ts';
import type { TableName } from './table-mappings.ts';

export const PARQUET_EXTENSION = '.parquet';
const TEMP_PREFIX = '.tmp-';

/** S3 keys may hold any character; on disk a `/` or a lone `.`/`..` would change the path, so they are escaped. */
export const pathSegment = (name: string): string => {
  if (name === '.' || name === '..') return name.replaceAll('.', '%2E');
  return name.replaceAll('%', '%25').replaceAll('/', '%2F').replaceAll('\\', '%5C').replaceAll('\0', '%00');
};

/** The name a key's segment has on disk: escaped as above; an empty segment (`a//b`, `a/`) as a lone `%`. */
const EMPTY_SEGMENT = '%';
const keySegmentName = (segment: string): string => (segment === '' ? EMPTY_SEGMENT : pathSegment(segment));

/** The inverse of `pathSegment` (which escapes every `%`, so a `%XX` on disk is always one of its escapes). */
const segmentOfName = (name: string): string =>
  name === EMPTY_SEGMENT
    ? ''
    : name.replace(/%(2E|2F|5C|00|25)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * Where the object `key` of `bucket` lies: `<lakeDir>/<bucket>/<segment>/…/<segment>`, one folder per `/` of the key,
 * each segment escaped as `pathSegment` escapes it. The data plane's table folders are this mapping of their keys.
 */
export const objectPath = (lakeDir: string, bucket: string, key: string): string =>
  join(lakeDir, bucket, ...key.split('/').map(keySegmentName));

/** The key of a file given by its names on disk below the bucket folder (the inverse of `objectPath`). */
export const keyOfNames = (names: readonly string[]): string => names.map(segmentOfName).join('/');

/** Temporary files of a write in progress: never an object. */
export const isTemporaryName = (name: string): boolean => name.startsWith(TEMP_PREFIX);

export const bucketDirectory = (lakeDir: string, target: Pick<S3TargetSettings, 'bucketName'>): string =>
  join(lakeDir, target.bucketName);

export const tableDirectory = (
  lakeDir: string,
  target: Pick<S3TargetSettings, 'bucketName' | 'bucketFolder'>,
  table: TableName,
): string =>
  join(
    bucketDirectory(lakeDir, target),
    ...target.bucketFolder,
    pathSegment(table.schema),
    pathSegment(table.table),
  );

/** `LOAD00000001.parquet`, `LOAD0000000A.parquet`, … */
export const loadFileName = (counter: number): string =>
  `LOAD${counter.toString(16).toUpperCase().padStart(8, '0')}${PARQUET_EXTENSION}`;

const LOAD_FILE = /^LOAD([0-9A-F]{8})\.parquet$/;

export const isLoadFile = (name: string): boolean => LOAD_FILE.test(name);

/** Highest LOAD counter in a table folder, 0 when there is none. */
export const highestLoadCounter = async (directory: string): Promise<number> => {
  const names = await readdir(directory).catch(() => [] as string[]);
  let highest = 0;
  for (const name of names) {
    const match = LOAD_FILE.exec(name);
    if (match?.[1]) highest = Math.max(highest, Number.parseInt(match[1], 16));
  }
  return highest;
};

interface ZonedParts {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
  readonly millisecond: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar fields of an instant in a time zone. */
export const zonedParts = (epochMs: number, timeZone: string): ZonedParts => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]),
  );
  const millisecond = String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0');
  return {
    year: (parts['year'] ?? '').padStart(4, '0'),
    month: parts['month'] ?? '',
    day: parts['day'] ?? '',
    hour: parts['hour'] ?? '',
    minute: parts['minute'] ?? '',
    second: parts['second'] ?? '',
    millisecond,
  };
};

const DELIMITERS: Record<DatePartitioning['delimiter'], string> = {
  SLASH: '/',
  UNDERSCORE: '_',
  DASH: '-',
  NONE: '',
};

/** The date folder of a commit time, e.g. `2026/01/31` for YYYYMMDD with SLASH. */
export const datePartitionPath = (epochMs: number, partitioning: DatePartitioning): string => {
  const p = zonedParts(epochMs, partitioning.timezone);
  const fields: Record<DatePartitioning['sequence'], string[]> = {
    YYYYMMDD: [p.year, p.month, p.day],
    YYYYMMDDHH: [p.year, p.month, p.day, p.hour],
    YYYYMM: [p.year, p.month],
    MMYYYYDD: [p.month, p.year, p.day],
    DDMMYYYY: [p.day, p.month, p.year],
  };
  return fields[partitioning.sequence].join(DELIMITERS[partitioning.delimiter]);
};

/** A CDC file name from the write time, `YYYYMMDD-HHMMSSmmm.parquet`, in the partition time zone. */
export const cdcFileName = (epochMs: number, timeZone: string): string => {
  const p = zonedParts(epochMs, timeZone);
  return `${p.year}${p.month}${p.day}-${p.hour}${p.minute}${p.second}${p.millisecond}${PARQUET_EXTENSION}`;
};

/** A unique temporary path in `directory` that readers of `*.parquet` never pick up. */
export const temporaryPath = (directory: string, finalName: string): string =>
  join(directory, `${TEMP_PREFIX}${randomBytes(4).toString('hex')}-${finalName}.partial`);

/** Flushes a written file to disk, then gives it its final name, then flushes the folder entry. */
export const publishFile = async (temporary: string, final: string): Promise<void> => {
  await syncPath(temporary);
  await rename(temporary, final);
  await syncPath(join(final, '..'));
};

const syncPath = async (path: string): Promise<void> => {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * What a load does to its table's folder first, and where its LOAD numbering starts: emptied (every file under it,
 * CDC files and date folders included) or kept, and numbered from 1 or after the highest LOAD file there.
 */
export interface TableFolderTreatment {
  readonly empty: boolean;
  readonly numbering: 'from-one' | 'after-existing';
}

/** A first load: TargetTablePrepMode empties the folder, or DO_NOTHING keeps it and numbers on after its files. */
export const firstLoadTreatment = (mode: TargetTablePrepMode): TableFolderTreatment =>
  mode === 'DO_NOTHING'
    ? { empty: false, numbering: 'after-existing' }
    : { empty: true, numbering: 'from-one' };

/**
 * A reload (ReloadTables) under the reading of what DMS does (choices.ts `reloadTableFolder`). DO_NOTHING never
 * empties: DMS asks the user to truncate the table first.
 */
export const reloadTreatment = (
  mode: TargetTablePrepMode,
  reading: ReloadTableFolder,
): TableFolderTreatment => {
  if (reading === 'emptied' && mode !== 'DO_NOTHING') return { empty: true, numbering: 'from-one' };
  return { empty: false, numbering: reading === 'kept, numbered again' ? 'from-one' : 'after-existing' };
};

/** Prepares a table folder before its load, as `treatment` says. */
export const prepareTableDirectory = async (
  directory: string,
  treatment: TableFolderTreatment,
): Promise<void> => {
  if (treatment.empty) await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
};

/** Removes temporary files a crashed run left in a folder tree. */
export const removeTemporaryFiles = async (directory: string): Promise<void> => {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true }).catch(() => []);
  await Promise.all(
    entries
      .filter((entry) => isTemporaryName(entry.name))
      .map((entry) => rm(join(entry.parentPath, entry.name), { recursive: true, force: true })),
  );
};
