/**
 * Names in the lake's Glue catalog (docs/lake.md, "Names"). Athena accepts lower-case letters, digits and
 * underscores in database and table names, so a source name is lower-cased and every other character becomes
 * `_`. Column names are only lower-cased (Glue stores them so, and Athena matches Parquet columns by name without
 * regard to case), so the name still finds the column DMS wrote. Two source names that end up equal are refused,
 * naming both, before anything is created.
 */
import { InvalidInputError } from '#contracts/errors';
import { CHANGES_TABLE_SUFFIX, GLUE_DATABASE_PREFIX } from '#contracts/lake';

/** Athena's longest database, table or column name. */
const MAX_NAME_LENGTH = 255;

export const athenaName = (source: string): string => {
  const name = source.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError(
      `"${source}" cannot become an Athena name of 1 to ${MAX_NAME_LENGTH} characters`,
    );
  }
  return name;
};

/**
 * One Glue database per (migration, source database): ids are lower-case letters, digits and hyphens, so the
 * hyphens become `_` and a double underscore separates the two ids.
 */
export const glueDatabaseName = (migrationId: string, databaseId: string): string =>
  `${GLUE_DATABASE_PREFIX}${athenaName(migrationId)}__${athenaName(databaseId)}`;

/** The view keeps the table's name; its change log gets the suffix. Schema `public` is left out of the name. */
export const catalogTableNames = (schema: string, table: string): { view: string; changes: string } => {
  const base = schema === 'public' ? athenaName(table) : `${athenaName(schema)}_${athenaName(table)}`;
  return { view: base, changes: `${base}${CHANGES_TABLE_SUFFIX}` };
};

/** Fails, naming both sources, when two sources get one name. */
export const refuseCollisions = (
  entries: ReadonlyArray<{ source: string; name: string }>,
  what: string,
): void => {
  const seen = new Map<string, string>();
  for (const { source, name } of entries) {
    const other = seen.get(name);
    if (other !== undefined) {
      throw new InvalidInputError(`${what} "${other}" and "${source}" both become "${name}" in the catalog`);
    }
    seen.set(name, source);
  }
};
