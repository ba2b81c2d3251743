/**
 * A warning about many databases is one warning that names a few of them and counts them all, so that
 * validate-request's warnings stay small whatever the fleet's size: migrate-fleet carries them in its state, its
 * result and its failure cause, which Step Functions bounds (docs/failure-semantics.md, "Fleet size").
 */
export const WARNING_DATABASES_NAMED = 10;

/** `database a: <text>` for one database, `databases a, b and 3 more (5): <text>` for several; none for none. */
export const databasesWarning = (databaseIds: readonly string[], text: string): string[] => {
  if (databaseIds.length === 0) return [];
  if (databaseIds.length === 1) return [`database ${databaseIds[0]}: ${text}`];
  const named = databaseIds.slice(0, WARNING_DATABASES_NAMED).join(', ');
  const more = databaseIds.length - WARNING_DATABASES_NAMED;
  return [`databases ${named}${more > 0 ? ` and ${more} more` : ''} (${databaseIds.length}): ${text}`];
};
