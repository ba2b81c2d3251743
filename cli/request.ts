/**
 * `lakeshift request <file>`: the request is parsed and planned here first, with the same domain code the
 * validate-request and plan-database handlers run, so a bad request fails on the operator's machine naming every
 * bad field. `--dry-run` prints the plan and sends nothing.
 */
import { readFile } from 'node:fs/promises';
import { type DatabasePlan, planFleet } from '#domain/planner/index';
import type { PlannerEnvironment } from '#domain/planner/plan';
import { parseMigrationRequest } from '#domain/request/index';
import type { MigrationRequest } from '#domain/request/schema';
import { referenceScenario } from '#local/report/cost';
import type { PriceTable } from '#local/report/prices';
import { RequestFileError } from './errors.ts';

export const readRequestFile = async (path: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RequestFileError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestFileError(
      `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

/** Network names the request selects: the deployment defines them, so the dry run stands in for each. */
const networkNames = (request: MigrationRequest): string[] => {
  const names = [
    request.defaults?.network?.name,
    ...request.databases.map((database) => database.network?.name),
  ];
  return [...new Set(names.filter((name): name is string => name !== undefined))];
};

/**
 * The planner's deployment settings are the stack's (its DMS roles and named networks); the dry run plans with
 * stand-ins in the stack's naming so that everything the request decides is shown as it will be.
 */
const dryRunEnvironment = (request: MigrationRequest, stackName: string): PlannerEnvironment => ({
  dmsS3AccessRoleArn: `arn:aws:iam::000000000000:role/${stackName}-dms-s3-access`,
  dmsSecretsAccessRoleArn: `arn:aws:iam::000000000000:role/${stackName}-dms-secrets-access`,
  networks: Object.fromEntries(
    networkNames(request).map((name) => [
      name,
      { replicationSubnetGroupId: `${stackName}-${name}`, vpcSecurityGroupIds: ['sg-00000000000000000'] },
    ]),
  ),
});

export interface PlannedRequest {
  readonly request: MigrationRequest;
  readonly plans: readonly DatabasePlan[];
}

export const planRequest = (raw: unknown, stackName: string): PlannedRequest => {
  const request = parseMigrationRequest(raw);
  return { request, plans: planFleet(request, dryRunEnvironment(request, stackName)) };
};

const settingsSummary = (plan: DatabasePlan): string => {
  const settings = JSON.parse(plan.task.ReplicationTaskSettings) as {
    TargetMetadata?: { LobMaxSize?: number; SupportLobs?: boolean };
    FullLoadSettings?: { MaxFullLoadSubTasks?: number; CommitRate?: number };
  };
  const lob = settings.TargetMetadata?.SupportLobs
    ? `LOBs up to ${settings.TargetMetadata.LobMaxSize ?? '?'} KB`
    : 'no LOBs';
  return `full-load subtasks ${settings.FullLoadSettings?.MaxFullLoadSubTasks ?? '-'}, ${lob}`;
};

/** The plan as the dry run prints it: identifiers, classes, settings and an estimated cost per database. */
export const renderPlan = ({ request, plans }: PlannedRequest, prices: PriceTable): string => {
  const lines = [
    `migration ${request.migrationId}: ${plans.length} database${plans.length === 1 ? '' : 's'}, at most ${request.maxConcurrency} at once, lake s3://${request.target.bucket}/${request.target.folder}`,
  ];
  let total = 0;
  for (const plan of plans) {
    const steady = plan.resize.steadyClass;
    const estimate = referenceScenario(prices, steady === 'auto' ? plan.resize.floor : steady);
    total += estimate.lakeshiftUsd;
    lines.push(
      `  ${plan.databaseId} (database ${plan.source.databaseName})`,
      `    instance ${plan.identifiers.instance}: ${plan.instance.ReplicationInstanceClass} for the full load, then ${steady} (floor ${plan.resize.floor}, ceiling ${plan.resize.ceiling})`,
      `    endpoints ${plan.identifiers.sourceEndpoint}, ${plan.identifiers.targetEndpoint}; task ${plan.identifiers.task}`,
      `    task settings: ${settingsSummary(plan)}`,
      `    execution ${plan.identifiers.executionName}; alarms ${plan.identifiers.alarmPrefix}-*`,
      `    estimated $${estimate.lakeshiftUsd.toFixed(2)} for 24 h of full load and 30 days of CDC (fixed ${plan.instance.ReplicationInstanceClass}: $${estimate.fixedClassUsd.toFixed(2)})`,
    );
  }
  lines.push(
    `estimated total $${total.toFixed(2)} at on-demand prices of ${prices.date} (${prices.region}); nothing sent (dry run)`,
  );
  return `${lines.join('\n')}\n`;
};
