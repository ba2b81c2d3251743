/**
 * What DMS checks on a PostgreSQL source and an S3 target before it moves data (docs/dms-behaviour.md §6.2),
 * with messages in DMS's `Application-Status / Application-Message / Application-Detailed-Message` shape.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { messageOf } from './errors.ts';
import { bucketDirectory } from './lake.ts';
import type { S3TargetSettings } from './settings.ts';

const CONNECT_STATUS = 1020912;
const PREREQUISITE_STATUS = 1020101;

/** A failure to reach or log in to the source, worded as DMS words ODBC connection errors. */
export const connectFailureMessage = (error: unknown): string => {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : '08001';
  const sqlState = /^[0-9A-Z]{5}$/.test(code) ? code : '08001';
  return (
    `Application-Status: ${CONNECT_STATUS}, Application-Message: Cannot connect to ODBC provider Network error has ` +
    `occurred, Application-Detailed-Message: RetCode: SQL_ERROR SqlState: ${sqlState} NativeError: 101 Message: ` +
    `[unixODBC]${messageOf(error)}`
  );
};

const prerequisiteMessage = (problem: string): string =>
  `Application-Status: ${PREREQUISITE_STATUS}, Application-Message: PostgreSQL source does not meet the requirements ` +
  `for ongoing replication, Application-Detailed-Message: ${problem}`;

interface SourceFacts {
  wal_level: string;
  max_replication_slots: string;
  slots_used: string;
  wal_sender_timeout_ms: string;
  may_replicate: boolean;
  user_name: string;
}

const FACTS_SQL = `
  SELECT current_setting('wal_level') AS wal_level,
         current_setting('max_replication_slots') AS max_replication_slots,
         (SELECT count(*) FROM pg_replication_slots)::text AS slots_used,
         (SELECT setting FROM pg_settings WHERE name = 'wal_sender_timeout') AS wal_sender_timeout_ms,
         (SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user)
           OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'rds_superuser'
                      AND pg_has_role(current_user, r.oid, 'member')) AS may_replicate,
         current_user AS user_name`;

/**
 * The first unmet CDC prerequisite, as a DMS-like message, or undefined when all are met. `needsNewSlot` also asks
 * for a free replication slot (a resumed task reuses its own).
 */
export const cdcPrerequisiteProblem = async (
  client: pg.Client,
  needsNewSlot: boolean,
): Promise<string | undefined> => {
  const facts = (await client.query<SourceFacts>(FACTS_SQL)).rows[0];
  if (!facts) return prerequisiteMessage('could not read the server settings');
  if (facts.wal_level !== 'logical') {
    return prerequisiteMessage(
      `wal_level is '${facts.wal_level}'; logical replication needs wal_level = logical`,
    );
  }
  if (!facts.may_replicate) {
    return prerequisiteMessage(
      `user '${facts.user_name}' is neither a superuser nor has the REPLICATION attribute (or rds_superuser with rds_replication)`,
    );
  }
  const timeout = Number(facts.wal_sender_timeout_ms);
  if (timeout > 0 && timeout < 10_000) {
    return prerequisiteMessage(`wal_sender_timeout is ${timeout} ms; it must be 0 or at least 10000 ms`);
  }
  if (needsNewSlot && Number(facts.slots_used) >= Number(facts.max_replication_slots)) {
    return prerequisiteMessage(
      `all ${facts.max_replication_slots} replication slots (max_replication_slots) are in use; no free slot for this task`,
    );
  }
  return undefined;
};

/** DMS writes a test object to the bucket; locally the bucket is a folder, created on first use. */
export const s3TargetProblem = async (
  lakeDir: string,
  target: S3TargetSettings,
): Promise<string | undefined> => {
  const directory = join(bucketDirectory(lakeDir, target), ...target.bucketFolder);
  const probe = join(directory, `.lakeshift-connection-test-${process.pid}`);
  try {
    await mkdir(directory, { recursive: true });
    await writeFile(probe, 'test');
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return `Application-Status: 1020414, Application-Message: Failed to upload file to bucket '${target.bucketName}', Application-Detailed-Message: ${messageOf(error)}`;
  }
};
