import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidInputError } from '#contracts/errors';
import { ALARM_NAME_PREFIX } from '#contracts/names';

/**
 * Naming rules for everything lakeshift creates. Identifiers are derived deterministically from
 * (migrationId, databaseId) so any step can be re-run without creating duplicates (DESIGN principle 4).
 */

export const DMS_IDENTIFIER_MAX_LENGTH = 63;
export const EXECUTION_NAME_MAX_LENGTH = 80;
/** Length of the stable hash appended to every derived name. */
export const NAME_HASH_LENGTH = 8;

/** The rule a DMS identifier breaks (docs/dms-behaviour.md §1.1), or undefined when it is valid. */
export const dmsIdentifierProblem = (value: string): string | undefined => {
  if (value.length < 1 || value.length > DMS_IDENTIFIER_MAX_LENGTH) {
    return `must be 1 to ${DMS_IDENTIFIER_MAX_LENGTH} characters`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(value)) return 'must contain only letters, digits and hyphens';
  if (!/^[A-Za-z]/.test(value)) return 'must start with a letter';
  if (value.endsWith('-')) return 'must not end with a hyphen';
  if (value.includes('--')) return 'must not contain two consecutive hyphens';
  return undefined;
};

export const isDmsIdentifier = (value: string): boolean => dmsIdentifierProblem(value) === undefined;

/** Step Functions execution names: 1–80 of letters, digits, hyphens and underscores (lakeshift's safe subset). */
export const isExecutionName = (value: string): boolean =>
  value.length >= 1 && value.length <= EXECUTION_NAME_MAX_LENGTH && /^[A-Za-z0-9_-]+$/.test(value);

/** First hex digits of SHA-256 over the parts, separated by a byte no identifier contains. */
export const stableHash = (...parts: readonly string[]): string =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, NAME_HASH_LENGTH);

/** Lower-case letters, digits and single hyphens, starting with a letter; may be empty. */
const readablePart = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');

/**
 * `<prefix><readable body>-<kind>-<hash>`, cut to `maxLength`. The hash is always present: ids may contain
 * hyphens, so `a-b` + `c` and `a` + `b-c` would otherwise read the same. The kind keeps names of different
 * resources apart even where they share a namespace.
 */
const composeName = (prefix: string, body: string, kind: string, hash: string, maxLength: number): string => {
  const tail = `${kind}-${hash}`;
  const room = Math.max(maxLength - prefix.length - tail.length - 1, 0);
  const readable = readablePart(body).slice(0, room).replace(/-+$/, '');
  return readable ? `${prefix}${readable}-${tail}` : `${prefix}${tail}`;
};

export const databaseIdentifiersSchema = z.object({
  /** Replication instance identifier (also the `ReplicationInstanceIdentifier` metric dimension). */
  instance: z.string(),
  sourceEndpoint: z.string(),
  targetEndpoint: z.string(),
  task: z.string(),
  /**
   * Name of the database's first `migrate-database` execution: a duplicate trigger is rejected by Step Functions.
   * Later attempts are named by `attemptExecutionName`.
   */
  executionName: z.string(),
  /** Every CloudWatch alarm of this database is named `<alarmPrefix>-<suffix>`. */
  alarmPrefix: z.string(),
});
export type DatabaseIdentifiers = Readonly<z.infer<typeof databaseIdentifiersSchema>>;

/** Kind tokens, one per derived name; they never contain a hyphen. */
const KINDS = {
  instance: 'ri',
  sourceEndpoint: 'src',
  targetEndpoint: 'tgt',
  task: 'task',
  executionName: 'db',
  alarmPrefix: 'alarm',
  fleetExecution: 'fleet',
} as const;

/** Room kept at the end of the first execution name for the attempt suffix of later ones (`-a` and digits). */
const ATTEMPT_SUFFIX_ROOM = 8;

export const deriveIdentifiers = (migrationId: string, databaseId: string): DatabaseIdentifiers => {
  const hash = stableHash(migrationId, databaseId);
  const body = `${migrationId}-${databaseId}`;
  const dms = (kind: string) => composeName('', body, kind, hash, DMS_IDENTIFIER_MAX_LENGTH);
  return {
    instance: dms(KINDS.instance),
    sourceEndpoint: dms(KINDS.sourceEndpoint),
    targetEndpoint: dms(KINDS.targetEndpoint),
    task: dms(KINDS.task),
    executionName: composeName(
      '',
      body,
      KINDS.executionName,
      hash,
      EXECUTION_NAME_MAX_LENGTH - ATTEMPT_SUFFIX_ROOM,
    ),
    alarmPrefix: composeName(ALARM_NAME_PREFIX, body, KINDS.alarmPrefix, hash, DMS_IDENTIFIER_MAX_LENGTH),
  };
};

/**
 * Name of the `migrate-database` execution of one attempt of a database. The first attempt keeps the database's
 * execution name (as before attempts were numbered, so a database registered then is still recognised); attempt
 * n > 1 is that name with `-a<n>`, so every attempt's name starts with the first one's.
 */
export const attemptExecutionName = (migrationId: string, databaseId: string, attempt: number): string => {
  if (!Number.isInteger(attempt) || attempt < 1 || String(attempt).length > ATTEMPT_SUFFIX_ROOM - 2) {
    throw new InvalidInputError(`attempt: must be an integer from 1 to 999999, got ${attempt}`);
  }
  const first = deriveIdentifiers(migrationId, databaseId).executionName;
  return attempt === 1 ? first : `${first}-a${attempt}`;
};

/** Name of the `migrate-fleet` execution for a migration: re-sending the same request does not start a second one. */
export const fleetExecutionName = (migrationId: string): string =>
  composeName('', migrationId, KINDS.fleetExecution, stableHash(migrationId), EXECUTION_NAME_MAX_LENGTH);
