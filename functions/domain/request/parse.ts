import { type FieldIssue, InvalidRequestError } from '#contracts/errors';
import { DEFAULT_FULL_LOAD_CLASS, DEFAULT_LADDER, type InstanceClass } from '#domain/instance-classes';
import { formatPath, toFieldIssues } from './issues.ts';
import {
  instanceClassSchema,
  mergeResizeLayers,
  type ResizeSettingsLayer,
  resizeDefaultsLayerSchema,
  resizeSettingsIssues,
  resizeSettingsLayerSchema,
} from './resize-settings.ts';
import {
  S3_SETTINGS_SEED,
  s3SettingsConflicts,
  s3SettingsOverridesSchema,
  type TunableS3Settings,
} from './s3-settings.ts';
import { type MigrationRequest, migrationRequestSchema } from './schema.ts';
import { sourceTlsIssues } from './source-tls.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const issueKey = (issue: FieldIssue) => `${issue.path}\u0000${issue.rule}`;

const duplicateIdIssues = (databases: readonly unknown[]): FieldIssue[] => {
  const firstIndexById = new Map<string, number>();
  const issues: FieldIssue[] = [];
  databases.forEach((database, index) => {
    const id = isRecord(database) ? database['id'] : undefined;
    if (typeof id !== 'string') return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else
      issues.push({
        path: `databases[${index}].id`,
        rule: `must be unique (databases[${first}] has the same id)`,
      });
  });
  return issues;
};

const section = (value: unknown, key: string): unknown => (isRecord(value) ? value[key] : undefined);

/** The items not in `reported` yet, which it then records. */
const notYetReported = <T>(items: readonly T[], keyOf: (item: T) => string, reported: Set<string>): T[] =>
  items.filter((item) => {
    const key = keyOf(item);
    if (reported.has(key)) return false;
    reported.add(key);
    return true;
  });

const resizeIssues = (
  layers: readonly ResizeSettingsLayer[],
  fullLoadClass: InstanceClass,
  basePath: readonly (string | number)[],
  reported: Set<string>,
): FieldIssue[] =>
  notYetReported(
    resizeSettingsIssues(mergeResizeLayers(layers, DEFAULT_LADDER, fullLoadClass)),
    (issue) => `${issue.path.join('.')}:${issue.message}`,
    reported,
  ).map((issue) => ({ path: formatPath([...basePath, ...issue.path]), rule: issue.message }));

const s3Issues = (
  settings: TunableS3Settings,
  basePath: readonly (string | number)[],
  reported: Set<string>,
): FieldIssue[] =>
  notYetReported(
    s3SettingsConflicts(settings),
    (conflict) => `${conflict.key}:${conflict.message}`,
    reported,
  ).map((conflict) => ({ path: formatPath([...basePath, conflict.key]), rule: conflict.message }));

/**
 * Cross-field rules (resize ladder membership and order, S3 setting combinations), checked on every sub-object
 * that is valid on its own, so they are reported together with field-level problems elsewhere in the document.
 * A database repeats a problem of the defaults only when its overrides change it.
 */
const crossFieldIssues = (raw: Record<string, unknown>, rawDatabases: readonly unknown[]): FieldIssue[] => {
  const rawDefaults = raw['defaults'];
  const defaultClass = instanceClassSchema
    .default(DEFAULT_FULL_LOAD_CLASS)
    .safeParse(section(rawDefaults, 'fullLoadClass'));
  const defaultResize = resizeDefaultsLayerSchema.prefault({}).safeParse(section(rawDefaults, 'resize'));
  const targetS3 = s3SettingsOverridesSchema.prefault({}).safeParse(section(raw['target'], 's3Settings'));
  const reportedResize = new Set<string>();
  const reportedS3 = new Set<string>();
  const issues: FieldIssue[] = [];
  const fullLoadClass = defaultClass.data ?? DEFAULT_FULL_LOAD_CLASS;
  if (defaultResize.data !== undefined) {
    issues.push(...resizeIssues([defaultResize.data], fullLoadClass, ['defaults', 'resize'], reportedResize));
  }
  const baseS3 = targetS3.data === undefined ? undefined : { ...S3_SETTINGS_SEED, ...targetS3.data };
  if (baseS3 !== undefined) issues.push(...s3Issues(baseS3, ['target', 's3Settings'], reportedS3));

  rawDatabases.forEach((database, index) => {
    const overrides = section(database, 'overrides');
    const path = ['databases', index, 'overrides'];
    const resize = resizeSettingsLayerSchema.optional().safeParse(section(overrides, 'resize'));
    const ownClass = instanceClassSchema.optional().safeParse(section(overrides, 'fullLoadClass'));
    if (defaultResize.data !== undefined && resize.data !== undefined) {
      const layers = [defaultResize.data, resize.data];
      issues.push(
        ...resizeIssues(layers, ownClass.data ?? fullLoadClass, [...path, 'resize'], new Set(reportedResize)),
      );
    }
    const s3 = s3SettingsOverridesSchema.optional().safeParse(section(overrides, 's3Settings'));
    if (baseS3 !== undefined && s3.data !== undefined) {
      issues.push(...s3Issues({ ...baseS3, ...s3.data }, [...path, 's3Settings'], new Set(reportedS3)));
    }
  });
  return issues;
};

/**
 * Validates a migration request and applies its defaults. Throws `InvalidRequestError` listing every invalid
 * field with its path and rule, so a bad request fails fast and nothing is created.
 */
export const parseMigrationRequest = (input: unknown): MigrationRequest => {
  const whole = migrationRequestSchema.safeParse(input, { reportInput: true });
  const raw = isRecord(input) ? input : {};
  const rawDatabases = Array.isArray(raw['databases']) ? raw['databases'] : [];
  const issues: FieldIssue[] = [
    ...(whole.error?.issues.flatMap((issue) => toFieldIssues(issue)) ?? []),
    ...duplicateIdIssues(rawDatabases),
    ...crossFieldIssues(raw, rawDatabases),
    ...sourceTlsIssues(raw, rawDatabases),
  ];
  const seen = new Set<string>();
  const distinct = issues.filter((issue) => !seen.has(issueKey(issue)) && seen.add(issueKey(issue)));
  if (distinct.length > 0 || !whole.success) throw new InvalidRequestError(distinct);

  return whole.data;
};
