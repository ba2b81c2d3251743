/**
 * Teardown wins over every other operation (docs/failure-semantics.md): once a database is TEARING_DOWN or DELETED,
 * nothing may create, start or resize anything for it.
 */
import { TeardownInProgressError } from '#contracts/errors';
import type { Phase } from '#contracts/phases';

const TORN_DOWN_PHASES: readonly Phase[] = ['TEARING_DOWN', 'DELETED'];

export const isTornDown = (phase: Phase): boolean => TORN_DOWN_PHASES.includes(phase);

/** Throws TeardownInProgressError, naming the database and the refused action, when teardown owns it. */
export const refuseDuringTeardown = (
  database: { readonly migrationId: string; readonly databaseId: string; readonly phase: Phase },
  action: string,
): void => {
  if (!isTornDown(database.phase)) return;
  throw new TeardownInProgressError(
    `${database.migrationId}/${database.databaseId} is ${database.phase}: ${action} refused, teardown wins`,
  );
};

/** A running execution as Step Functions lists it. */
export interface ListedExecution {
  readonly executionArn: string;
  readonly name: string;
}

/**
 * The executions that work on one database: those named by its deterministic execution name (exactly, or with a
 * suffix after it, as a later attempt may carry), the one the resize lock recorded and those the table resync locks
 * recorded; never the teardown itself.
 */
export const executionsOfDatabase = (
  running: readonly ListedExecution[],
  database: {
    readonly executionName: string;
    readonly lockExecutionArn?: string | undefined;
    readonly resyncExecutionArns?: readonly string[];
    readonly except: string;
  },
): ListedExecution[] =>
  running.filter(
    (execution) =>
      execution.executionArn !== database.except &&
      (execution.name === database.executionName ||
        execution.name.startsWith(`${database.executionName}-`) ||
        execution.name.startsWith(`${database.executionName}_`) ||
        execution.executionArn === database.lockExecutionArn ||
        (database.resyncExecutionArns ?? []).includes(execution.executionArn)),
  );
