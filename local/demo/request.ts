/**
 * The demo's migration request: the shipped example (`examples/demo/migration-request.json`) with its databases
 * replaced by the ones this run migrates, each pointing at the secret the local Secrets Manager holds for it.
 * Validated with lakeshift's own request parser before anything is sent.
 */
import { readFileSync } from 'node:fs';
import { parseMigrationRequest } from '#domain/request/parse';

export const DEMO_REQUEST_PATH = new URL('../../examples/demo/migration-request.json', import.meta.url);

export interface RequestDatabase {
  readonly databaseId: string;
  readonly databaseName: string;
  readonly secretArn: string;
  /** Plain text, chosen explicitly (sslMode 'none' with acknowledgePlainText). */
  readonly plainText?: boolean;
  /** The secret holding the source server's CA certificate, for a database the template verifies (verify-full). */
  readonly caCertificateSecretArn?: string;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const readDemoRequestTemplate = (): JsonObject => {
  const template: unknown = JSON.parse(readFileSync(DEMO_REQUEST_PATH, 'utf8'));
  if (!isObject(template)) throw new TypeError(`${DEMO_REQUEST_PATH.pathname}: must hold a JSON object`);
  return template;
};

/**
 * The request document for `databases`: a database the template describes keeps its settings (e.g. its table
 * selection); any other gets the defaults (every table). Throws InvalidRequestError naming every bad field.
 */
export const buildDemoRequest = (
  template: JsonObject,
  databases: readonly RequestDatabase[],
  lossy: readonly string[] = [],
): JsonObject => {
  const known = new Map(
    (Array.isArray(template['databases']) ? template['databases'] : [])
      .filter(isObject)
      .map((entry) => [String(entry['id']), entry] as const),
  );
  // The editor hint does not belong in an event.
  const { $schema: _editorHint, ...rest } = template;
  const defaults = isObject(rest['defaults']) ? rest['defaults'] : {};
  const fidelity = isObject(defaults['fidelity']) ? defaults['fidelity'] : {};
  const request: JsonObject = {
    ...rest,
    ...(lossy.length > 0
      ? { defaults: { ...defaults, fidelity: { ...fidelity, lossyTypes: [...lossy] } } }
      : {}),
    databases: databases.map((database) => ({
      ...(known.get(database.databaseId) ?? {}),
      id: database.databaseId,
      databaseName: database.databaseName,
      secretArn: database.secretArn,
      ...(database.plainText ? { sslMode: 'none', acknowledgePlainText: true } : {}),
      ...(database.caCertificateSecretArn !== undefined &&
      isObject(known.get(database.databaseId)?.['caCertificate'])
        ? { caCertificate: { secretArn: database.caCertificateSecretArn } }
        : {}),
    })),
  };
  parseMigrationRequest(request);
  return request;
};

/**
 * A lakeshift database id for a database name: lower-case letters, digits and single hyphens, starting with a
 * letter, unique among `taken`.
 */
export const databaseIdFor = (databaseName: string, taken: ReadonlySet<string>): string => {
  const cleaned = databaseName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const base = cleaned.length > 0 ? cleaned : 'db';
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
};
