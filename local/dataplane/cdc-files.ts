/**
 * Writes one table's buffered changes as CDC files: one timestamp-named Parquet file per date folder, with the
 * `Op` and TimestampColumnName columns in front, made durable and then renamed into place.
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { csvLine } from './csv.ts';
import { cdcFileName, publishFile, tableDirectory, temporaryPath } from './lake.ts';
import { type LeadingColumn, OP_COLUMN, outputColumns } from './output-columns.ts';
import type { RunContext } from './run-context.ts';
import type { TablePlan } from './table-plan.ts';
import type { ChangeOp } from './table-stats.ts';
import { type DecodedValue, UNCHANGED_TOAST } from './test-decoding.ts';

export interface CdcRow {
  readonly op: ChangeOp;
  readonly commitMs: number;
  /** Commit time as the timestamp column shows it. */
  readonly commitText: string;
  /** Values in plan column order, in PostgreSQL's text form. */
  readonly values: DecodedValue[];
  /** `$AR_H_CHANGE_SEQ` of the change (docs/lake.md, "Change order"). */
  readonly changeSequence: string;
}

export class CdcFileWriter {
  private readonly lastFileNames = new Map<string, string>();

  constructor(
    private readonly context: Pick<
      RunContext,
      'settings' | 'lakeDir' | 'workDir' | 'writer' | 'clock' | 'authorizeLakeWrite'
    >,
  ) {}

  /** Writes the rows into one file under the table folder (`folder`: a date folder, or '' for none). */
  async write(
    plan: TablePlan,
    folder: string,
    rows: readonly CdcRow[],
  ): Promise<{ file: string; bytes: number }> {
    const { settings, workDir, writer } = this.context;
    const tableDir = tableDirectory(this.context.lakeDir, settings.target, plan.target);
    const directory = folder ? join(tableDir, folder) : tableDir;
    const leading = this.leadingColumns();
    const hasOp = leading.some((column) => column.name === OP_COLUMN);
    const csv = rows
      .map((row) =>
        csvLine([
          ...(hasOp ? [row.op] : []),
          ...(settings.target.timestampColumnName ? [row.commitText] : []),
          ...row.values.map((value) => (value === UNCHANGED_TOAST ? null : value)),
          ...plan.headerColumns.map(() => row.changeSequence),
        ]),
      )
      .join('');
    await mkdir(workDir, { recursive: true });
    await mkdir(directory, { recursive: true });
    const csvFile = join(
      workDir,
      `cdc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.csv`,
    );
    const name = await this.uniqueFileName(tableDir, directory);
    const temporary = temporaryPath(directory, name);
    try {
      await writeFile(csvFile, csv);
      // Not interrupted by the stop signal: a half-written file would only be re-done on resume.
      await writer.convert({
        csvFiles: [csvFile],
        csvColumnCount: leading.length + plan.columns.length + plan.headerColumns.length,
        columns: outputColumns(plan, leading, leading.length, 'csv'),
        output: temporary,
        format: settings.target,
      });
      const bytes = (await stat(temporary)).size;
      const file = join(directory, name);
      this.context.authorizeLakeWrite(file);
      await publishFile(temporary, file);
      return { file, bytes };
    } finally {
      await rm(csvFile, { force: true });
      await rm(temporary, { force: true });
    }
  }

  private leadingColumns(): LeadingColumn[] {
    const target = this.context.settings.target;
    const hasOp = !(target.cdcInsertsOnly && !target.includeOpForFullLoad);
    const leading: LeadingColumn[] = [];
    if (hasOp) leading.push({ name: OP_COLUMN, value: { csvIndex: leading.length } });
    if (target.timestampColumnName) {
      leading.push({ name: target.timestampColumnName, value: { csvIndex: leading.length } });
    }
    return leading;
  }

  /**
   * A timestamp file name later than every earlier one of the table, in any date folder (two writes in one
   * millisecond move the second on), so that name order is write order.
   */
  private async uniqueFileName(tableDir: string, directory: string): Promise<string> {
    const timeZone = this.context.settings.target.datePartitioning?.timezone ?? 'UTC';
    let at = this.context.clock.now();
    for (;;) {
      const name = cdcFileName(at, timeZone);
      const previous = this.lastFileNames.get(tableDir) ?? (await latestCdcFileName(tableDir));
      const taken = (previous !== undefined && name <= previous) || (await exists(join(directory, name)));
      if (!taken) {
        this.lastFileNames.set(tableDir, name);
        return name;
      }
      at += 1;
    }
  }
}

const CDC_FILE = /^\d{8}-\d{9}\.parquet$/;

/** The latest CDC file name already in a table's folders (an earlier run's), or '' when there is none. */
const latestCdcFileName = async (tableDir: string): Promise<string> => {
  const entries = await readdir(tableDir, { recursive: true }).catch(() => [] as string[]);
  let latest = '';
  for (const entry of entries) {
    const name = basename(entry);
    if (CDC_FILE.test(name) && name > latest) latest = name;
  }
  return latest;
};

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );
