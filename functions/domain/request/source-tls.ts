/**
 * The request's rules on TLS to each source, which span fields: `verify-ca`/`verify-full` need a CA certificate
 * (DMS checks the server against the certificate assigned to the endpoint), and plain text needs an explicit
 * acknowledgement. Read from the raw document so they are reported with every other problem at once.
 */
import type { FieldIssue } from '#contracts/errors';
import { databasesWarning } from './warnings.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const VERIFYING = new Set(['verify-ca', 'verify-full']);

export const sourceTlsIssues = (
  raw: Record<string, unknown>,
  rawDatabases: readonly unknown[],
): FieldIssue[] => {
  const defaults = isRecord(raw['defaults']) ? raw['defaults'] : {};
  // Plain text is a per-database choice: a default of 'none' is a field error of its own, not repeated here.
  const defaultMode =
    typeof defaults['sslMode'] === 'string' && defaults['sslMode'] !== 'none'
      ? defaults['sslMode']
      : 'require';
  const defaultCa = defaults['caCertificate'];
  const issues: FieldIssue[] = [];
  rawDatabases.forEach((database, index) => {
    if (!isRecord(database)) return;
    const mode = typeof database['sslMode'] === 'string' ? database['sslMode'] : defaultMode;
    if (VERIFYING.has(mode) && database['caCertificate'] === undefined && defaultCa === undefined) {
      issues.push({
        path: `databases[${index}].caCertificate`,
        rule: `is required with sslMode ${mode} (here or in defaults): DMS verifies the source's certificate against the CA certificate assigned to the endpoint, and fails the connection test without one`,
      });
    }
    if (mode === 'none' && database['acknowledgePlainText'] !== true) {
      issues.push({
        path: `databases[${index}].acknowledgePlainText`,
        rule: "must be true with sslMode 'none': credentials and data would cross the network unencrypted",
      });
    }
  });
  return issues;
};

/** What the plan warns about before anything runs: the databases chosen to be read in plain text, in one warning. */
export const plainTextWarnings = (request: {
  readonly databases: readonly { readonly id: string; readonly sslMode?: string | undefined }[];
}): string[] =>
  databasesWarning(
    request.databases.filter((database) => database.sslMode === 'none').map((database) => database.id),
    "sslMode 'none' (acknowledged): DMS and lakeshift reach the source in plain text; credentials and data cross the network unencrypted",
  );
