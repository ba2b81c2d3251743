/**
 * The per-table resync lock (docs/lake.md, "Resync"). A resync holds it from its check to its end; a lock left by
 * an execution that never ended (stopped by hand) lapses after this long, longer than the resync's bounded wait for
 * the reload (infra/asl/limits.ts, POLL_LIMITS.tableReload), so a live resync never loses it.
 */
export const TABLE_RESYNC_LOCK_TTL_SECONDS = 12 * 60 * 60;

/** The lock holder a resync execution writes: teardown stops the execution it names. */
export const resyncLockHolder = (executionArn: string): string => `resync:${executionArn}`;

/** How a table is named in the registry's resync locks and generations. */
export const resyncTableName = (source: {
  readonly schemaName: string;
  readonly tableName: string;
}): string => `${source.schemaName}.${source.tableName}`;
