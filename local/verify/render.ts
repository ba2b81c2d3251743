/** The verification table as plain text, one line per table, with a closing summary line. */
import { shortHash } from './digest.ts';
import { isEqual, type TableVerification } from './verify.ts';

export const VERIFICATION_HEADERS = [
  'database',
  'table',
  'source rows',
  'lake rows',
  'source hash',
  'lake hash',
  'read through',
  'result',
] as const;

const resultText = (result: TableVerification): string => {
  if (result.status === 'equal') return 'EQUAL';
  if (result.status === 'equal-under-chosen-mapping')
    return `EQUAL UNDER THE CHOSEN MAPPING (${result.detail ?? ''})`;
  return `DIFFERS (${result.status}${result.detail ? `: ${result.detail}` : ''})`;
};

export const verificationRows = (results: readonly TableVerification[]): string[][] =>
  results.map((result) => [
    result.database,
    `${result.schema}.${result.table}`,
    result.source ? String(result.source.rowCount) : '-',
    result.lake ? String(result.lake.rowCount) : '-',
    result.source ? shortHash(result.source) : '-',
    result.lake ? shortHash(result.lake) : '-',
    result.catalogView ?? 'files',
    resultText(result),
  ]);

/** Columns padded to their widest cell; numbers right-aligned. */
export const renderTextTable = (headers: readonly string[], rows: readonly string[][]): string => {
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const numeric = headers.map(
    (_, index) => rows.length > 0 && rows.every((row) => /^\d+$/.test(row[index] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? cell.length;
        return numeric[index] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
};

export const renderVerificationTable = (results: readonly TableVerification[]): string => {
  const equal = results.filter(isEqual).length;
  const underMapping = results.filter((result) => result.status === 'equal-under-chosen-mapping').length;
  const throughCatalog = results.every((result) => result.catalogView !== undefined);
  const summary =
    equal === results.length && results.length > 0
      ? `All ${results.length} tables equal${throughCatalog ? ', each read through its Glue catalog view' : ''}${underMapping > 0 ? ` (${underMapping} equal under the chosen mapping)` : ''}.`
      : `${results.length - equal} of ${results.length} tables differ.`;
  return `${renderTextTable(VERIFICATION_HEADERS, verificationRows(results))}\n${summary}`;
};
