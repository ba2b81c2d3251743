/**
 * CSV in the dialect the Parquet writer reads (and PostgreSQL's COPY writes with `NULL '\N'`): NULL is a bare
 * `\N`; every other value is quoted, so an empty string or a literal `\N` text stays a value.
 */

const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;

export const csvLine = (values: readonly (string | null)[]): string =>
  `${values.map((value) => (value === null ? '\\N' : quote(value))).join(',')}\n`;
