/**
 * DMS's DDL capture on a PostgreSQL source (docs/lake.md, "Schema changes"): with `CaptureDdls` (default true)
 * the task creates, in the schema `DdlArtifactsSchema` names (default `public`), an audit table
 * `awsdms_ddl_audit` and a function and event trigger `awsdms_intercept_ddl` that writes a row to it at the end
 * of every DDL command. The row travels through the replication slot with the changes, in the DDL's own
 * transaction, so the task learns where in the change stream a table's columns changed.
 *
 * The artifact names are DMS's; the audit table's columns here are this emulator's choice (DMS does not document
 * how it reads them). Only ordinary tables are recorded, never DMS's own (`awsdms_*`).
 */
import type pg from 'pg';
import { qualifiedName, quoteIdent } from './source.ts';
import type { DecodedChange } from './test-decoding.ts';

export const DDL_AUDIT_TABLE = 'awsdms_ddl_audit';
export const DDL_INTERCEPT = 'awsdms_intercept_ddl';

/** Serialises concurrent installs by tasks on one database (any fixed key would do). */
const INSTALL_LOCK_KEY = 7_402_611;

/** True when the audit table and the event trigger are in place (a task that ran before created them). */
const installed = async (client: pg.Client, schema: string): Promise<boolean> => {
  const found = await client.query(
    `SELECT 1 FROM pg_event_trigger e
     WHERE e.evtname = $2 AND to_regclass(format('%I.%I', $1::text, $3::text)) IS NOT NULL`,
    [schema, DDL_INTERCEPT, DDL_AUDIT_TABLE],
  );
  return (found.rowCount ?? 0) > 0;
};

/**
 * Creates the audit table, the function and the event trigger unless they exist (needs the right to create event
 * triggers). When they exist nothing is written: a transaction with no row change would sit in the slot unread.
 */
export const installDdlCapture = async (client: pg.Client, schema: string): Promise<void> => {
  if (await installed(client, schema)) return;
  const table = qualifiedName(schema, DDL_AUDIT_TABLE);
  const fn = qualifiedName(schema, DDL_INTERCEPT);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${table} (
        c_key bigserial PRIMARY KEY,
        c_time timestamp,
        c_user varchar(64),
        c_txn varchar(16),
        c_tag varchar(24),
        c_oid bigint,
        c_name varchar(64),
        c_schema varchar(64),
        c_ddlqry text
      )`);
    await client.query(`
      CREATE OR REPLACE FUNCTION ${fn}() RETURNS event_trigger LANGUAGE plpgsql AS $body$
      DECLARE r record;
      BEGIN
        FOR r IN
          SELECT DISTINCT c.command_tag, c.objid, n.nspname, cl.relname
          FROM pg_event_trigger_ddl_commands() c
          JOIN pg_class cl ON c.classid = 'pg_class'::regclass AND cl.oid = c.objid
          JOIN pg_namespace n ON n.oid = cl.relnamespace
          WHERE cl.relkind IN ('r', 'p') AND cl.relname NOT LIKE 'awsdms\\_%'
        LOOP
          INSERT INTO ${table} (c_time, c_user, c_txn, c_tag, c_oid, c_name, c_schema, c_ddlqry)
          VALUES (now(), current_user, txid_current()::text, r.command_tag, r.objid, r.relname, r.nspname,
                  current_query());
        END LOOP;
      END
      $body$`);
    const exists = await client.query('SELECT 1 FROM pg_event_trigger WHERE evtname = $1', [DDL_INTERCEPT]);
    if (exists.rowCount === 0) {
      await client.query(
        `CREATE EVENT TRIGGER ${quoteIdent(DDL_INTERCEPT)} ON ddl_command_end EXECUTE PROCEDURE ${fn}()`,
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
};

/** A DDL command the audit table recorded: which table, and the command's tag (`ALTER TABLE`, …). */
export interface CapturedDdl {
  readonly schema: string;
  readonly table: string;
  readonly tag: string;
}

/** The DDL an audit-table insert in the change stream records, or undefined for any other change. */
export const capturedDdlOf = (change: DecodedChange, artifactsSchema: string): CapturedDdl | undefined => {
  if (change.kind !== 'INSERT' || change.schema !== artifactsSchema || change.table !== DDL_AUDIT_TABLE) {
    return undefined;
  }
  const text = (name: string): string | undefined => {
    const value = change.values.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const schema = text('c_schema');
  const table = text('c_name');
  const tag = text('c_tag');
  return schema && table && tag ? { schema, table, tag } : undefined;
};
