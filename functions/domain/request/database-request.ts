/**
 * The request a database was planned from, kept in the registry so that a retry (which names only the migration
 * and its databases) runs each database again from the same request. Each database keeps the request reduced to
 * its own entry; a retry of several databases puts their entries back into one request.
 */
import { InvalidInputError } from '#contracts/errors';

type JsonRecord = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const databasesOf = (request: JsonRecord): readonly unknown[] => {
  const databases = request['databases'];
  if (!Array.isArray(databases)) throw new InvalidInputError('request.databases: must be an array');
  return databases;
};

/** The request as the user wrote it, with `databases` reduced to the one entry with this id. */
export const requestForDatabase = (request: unknown, databaseId: string): JsonRecord => {
  if (!isRecord(request)) throw new InvalidInputError('request: must be an object');
  const entry = databasesOf(request).find((database) => isRecord(database) && database['id'] === databaseId);
  if (entry === undefined) throw new InvalidInputError(`request.databases: has no database ${databaseId}`);
  return { ...request, databases: [entry] };
};

/** JSON with object keys sorted: DynamoDB keeps no key order, so stored requests compare by this. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/**
 * One request holding the entries of every stored per-database request, in the order given. They must agree on
 * everything but `databases` (they came from one migration request); otherwise the retry is refused, naming the
 * databases that differ, so that nothing is planned from a request the database was not planned from.
 */
export const requestForRetry = (
  stored: readonly { readonly databaseId: string; readonly request: unknown }[],
): JsonRecord => {
  const [first] = stored;
  if (first === undefined) throw new InvalidInputError('databaseIds: must name at least one database');
  const rest = (request: unknown): string => {
    if (!isRecord(request)) return canonical(request);
    const { databases: _databases, ...others } = request;
    return canonical(others);
  };
  const expected = rest(first.request);
  const differing = stored
    .filter((entry) => rest(entry.request) !== expected)
    .map((entry) => entry.databaseId);
  if (differing.length > 0) {
    throw new InvalidInputError(
      `databaseIds: ${differing.join(', ')} were planned from a different request than ${first.databaseId}; retry them separately`,
    );
  }
  const entries = stored.flatMap((entry) => {
    const one = requestForDatabase(entry.request, entry.databaseId);
    return databasesOf(one);
  });
  return { ...requestForDatabase(first.request, first.databaseId), databases: entries };
};
