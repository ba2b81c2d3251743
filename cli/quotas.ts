/**
 * The DMS quota check `lakeshift request` runs before it sends a request: the same reckoning validate-request makes
 * (docs/failure-semantics.md, "DMS quotas"), so the operator reads the warning where they typed the command.
 */
import {
  DatabaseMigrationServiceClient,
  DescribeAccountAttributesCommand,
} from '@aws-sdk/client-database-migration-service';
import { decideDatabaseRun } from '#domain/attempts';
import type { DatabasePlan } from '#domain/planner/plan';
import type { RegistryItem } from '#domain/registry-item';
import { quotasToCheck, quotaWarnings, startedDatabase } from '#domain/request/dms-quotas';
import type { StackConnection } from './connection.ts';

export const quotaWarningsFor = async (
  connection: StackConnection,
  plans: readonly DatabasePlan[],
  items: readonly RegistryItem[],
): Promise<string[]> => {
  const started = plans.flatMap((plan) => {
    const item = items.find((candidate) => candidate.databaseId === plan.databaseId);
    return decideDatabaseRun(plan, item).action === 'start' ? [startedDatabase(plan, item)] : [];
  });
  if (!quotasToCheck(started)) return [];
  const dms = new DatabaseMigrationServiceClient(connection.config);
  try {
    const answer = await dms.send(new DescribeAccountAttributesCommand({})).then(
      (output) => ({ quotas: output.AccountQuotas ?? [] }),
      (error: unknown) => ({ error }),
    );
    return quotaWarnings(started, answer);
  } finally {
    dms.destroy();
  }
};
