/**
 * Reads, for every user table of a source database, what decides whether an UPDATE can leave an out-of-line
 * (TOASTed) value out of the change stream: the replica identity, whether the table's TOAST storage holds values,
 * and the columns that can be stored out of line. One read-only catalogue query; the decision is in
 * #domain/planner/toast-warnings.
 */
import type { TableToastExposure } from '#domain/planner/toast-warnings';
import type { PostgresSslMode } from './postgres-tls.ts';
import type { PostgresCredentials } from './secrets.ts';
import { sourceClient } from './source-client.ts';

export interface InspectSourceRequest {
  readonly credentials: PostgresCredentials;
  /** Database to inspect; defaults to the secret's `dbname`. */
  readonly database?: string;
  readonly sslMode: PostgresSslMode;
  /** PEM CA certificates that `verify-ca`/`verify-full` trust instead of the system's. */
  readonly trustedCa?: string;
  readonly connectTimeoutMs?: number;
}

interface ExposureRow {
  schema: string;
  table: string;
  replica_identity: string;
  out_of_line: boolean;
  columns: { name: string; type: string }[] | null;
}

// attstorage 'x' (extended) and 'e' (external) are the storages whose values may live in the TOAST table.
const EXPOSURE_SQL = `
  SELECT n.nspname AS schema, c.relname AS table, c.relreplident AS replica_identity,
         c.reltoastrelid <> 0 AND pg_relation_size(c.reltoastrelid) > 0 AS out_of_line,
         (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                          ORDER BY a.attnum)
          FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attlen = -1
            AND a.attstorage IN ('x', 'e')) AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY n.nspname, c.relname`;

export const readToastExposure = async (request: InspectSourceRequest): Promise<TableToastExposure[]> => {
  const client = sourceClient({ ...request, database: request.database ?? request.credentials.dbname });
  try {
    await client.connect();
    const result = await client.query<ExposureRow>(EXPOSURE_SQL);
    return result.rows.map((row) => ({
      schema: row.schema,
      table: row.table,
      replicaIdentity: row.replica_identity,
      storesValuesOutOfLine: row.out_of_line,
      outOfLineColumns: row.columns ?? [],
    }));
  } finally {
    await client.end().catch(() => undefined);
  }
};
