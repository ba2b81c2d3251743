import { InvalidInputError } from '#contracts/errors';
import { secretsManagerClient, secretsManagerSdk } from './clients.ts';
import { awsCall } from './retry.ts';

export interface PostgresCredentials {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Absent in some RDS secrets; callers fall back to the plan's database name. */
  readonly dbname?: string;
}

const DEFAULT_POSTGRES_PORT = 5432;

const problem = (secretId: string, rule: string): InvalidInputError =>
  // Never echo the secret's content: only which field broke which rule.
  new InvalidInputError(`secret ${secretId}: ${rule}`);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Validates an RDS-style secret document; every problem is named, no value is ever repeated. */
export const parsePostgresSecret = (
  secretId: string,
  secretString: string | undefined,
): PostgresCredentials => {
  if (secretString === undefined)
    throw problem(secretId, 'has no SecretString (binary secrets are not supported)');
  let document: unknown;
  try {
    document = JSON.parse(secretString);
  } catch {
    throw problem(secretId, 'SecretString must be a JSON object');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw problem(secretId, 'SecretString must be a JSON object');
  }
  const fields = document as Record<string, unknown>;
  const issues: string[] = [];
  for (const key of ['host', 'username', 'password'] as const) {
    if (!nonEmptyString(fields[key])) issues.push(`${key} must be a non-empty string`);
  }
  const rawPort = fields['port'] ?? DEFAULT_POSTGRES_PORT;
  const port = typeof rawPort === 'string' && /^\d+$/.test(rawPort) ? Number(rawPort) : rawPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    issues.push('port must be an integer between 1 and 65535');
  }
  const dbname = fields['dbname'];
  if (dbname !== undefined && !nonEmptyString(dbname)) issues.push('dbname must be a non-empty string');
  if (issues.length > 0) throw problem(secretId, issues.join('; '));
  return {
    host: String(fields['host']),
    port: Number(port),
    username: String(fields['username']),
    password: String(fields['password']),
    ...(nonEmptyString(dbname) ? { dbname } : {}),
  };
};

export const getPostgresCredentials = async (secretId: string): Promise<PostgresCredentials> => {
  const output = await awsCall('GetSecretValue', async () =>
    (await secretsManagerClient()).send(
      new (await secretsManagerSdk()).GetSecretValueCommand({ SecretId: secretId }),
    ),
  );
  return parsePostgresSecret(secretId, output.SecretString);
};

/** A secret's SecretString as is (e.g. a PEM CA certificate). */
export const getSecretString = async (secretId: string): Promise<string> => {
  const output = await awsCall('GetSecretValue', async () =>
    (await secretsManagerClient()).send(
      new (await secretsManagerSdk()).GetSecretValueCommand({ SecretId: secretId }),
    ),
  );
  if (output.SecretString === undefined)
    throw problem(secretId, 'has no SecretString (binary secrets are not supported)');
  return output.SecretString;
};
