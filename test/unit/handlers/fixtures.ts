/**
 * What the handler and state machine tests share: a registry on a real local DynamoDB that the handlers reach
 * through the SDK's standard endpoint variable, real plans from the planner, and DMS descriptions in API shape.
 */
import type {
  Connection,
  ReplicationInstance,
  ReplicationTask,
} from '@aws-sdk/client-database-migration-service';
import { beforeAll } from 'vitest';
import { createRegistry, type Registry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import type { Phase } from '#contracts/phases';
import type { DatabasePlan } from '#domain/planner/plan';
import { planDatabase } from '#domain/planner/plan-database';
import type { RegistryItem } from '#domain/registry-item';
import { parseMigrationRequest } from '#domain/request/parse';
import { plannerEnvironmentFromEnv } from '#shared/planner-environment';
import { useDynalite } from '#test/dynalite';
import { HANDLER_TEST_ENV, setHandlerEnv, TEST_ACCOUNT } from '#test/lambda-context';
import { type JsonObject, KMS_KEY_ARN, secretArnFor } from '../domain/request/fixtures.ts';

export const NOW = '2026-03-01T12:00:00.000Z';
export const LATER = '2026-03-01T12:05:00.000Z';

export const instanceArnOf = (id: string) =>
  `arn:aws:dms:us-east-1:${TEST_ACCOUNT}:rep:INSTANCE${id.toUpperCase()}`;
export const endpointArnOf = (id: string) =>
  `arn:aws:dms:us-east-1:${TEST_ACCOUNT}:endpoint:ENDPOINT${id.toUpperCase()}`;
export const taskArnOf = (id: string) => `arn:aws:dms:us-east-1:${TEST_ACCOUNT}:task:TASK${id.toUpperCase()}`;

/** A valid request for `databaseIds` (the first database is the one the single-database tests use). */
export const requestFor = (migrationId: string, databaseIds: readonly string[] = ['orders']): JsonObject => ({
  migrationId,
  target: { bucket: 'acme-lake', folder: 'raw', kmsKeyArn: KMS_KEY_ARN },
  databases: databaseIds.map((id) => ({ id, secretArn: secretArnFor(id), databaseName: `${id}_db` })),
});

/** The planner's plan for one database of `requestFor`, with the test deployment's settings. */
export const planFor = (
  migrationId: string,
  databaseId = 'orders',
  request = requestFor(migrationId, [databaseId]),
) => planDatabase(parseMigrationRequest(request), databaseId, plannerEnvironmentFromEnv(HANDLER_TEST_ENV));

/** The registry key of a plan's database. */
export const keyOf = (plan: { readonly migrationId: string; readonly databaseId: string }) => ({
  migrationId: plan.migrationId,
  databaseId: plan.databaseId,
});

/** The shortest legal route from REQUESTED to each phase (tests seed the registry along it). */
const ROUTE: Readonly<Record<Phase, readonly Phase[]>> = {
  REQUESTED: [],
  PROVISIONING: ['PROVISIONING'],
  FULL_LOAD: ['PROVISIONING', 'FULL_LOAD'],
  STEPPING_DOWN: ['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN'],
  CDC: ['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC'],
  RESIZING: ['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC', 'RESIZING'],
  STOPPED: ['PROVISIONING', 'STOPPED'],
  FAILED: ['PROVISIONING', 'FAILED'],
  TEARING_DOWN: ['TEARING_DOWN'],
  DELETED: ['TEARING_DOWN', 'DELETED'],
};

export interface HandlerWorld {
  /** The registry the handlers use, over the test's own client. */
  registry(): Registry;
  /** Registers the plan's database, moves it to `phase` and sets the ARNs a database in that phase has. */
  seed(plan: DatabasePlan, phase: Phase, at?: string): Promise<RegistryItem>;
}

/**
 * Starts dynalite for the test file, points the handlers' DynamoDB client at it and creates the registry table
 * they are configured with. Call at the top of a test file, before any handler is imported.
 */
export const useHandlerWorld = (): HandlerWorld => {
  const dynamo = useDynalite();
  let registry: Registry | undefined;
  beforeAll(async () => {
    setHandlerEnv();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.server().endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    const tableName = HANDLER_TEST_ENV[ENV.registryTableName];
    await dynamo.createRegistryTable(tableName);
    registry = createRegistry({ tableName, client: dynamo.documentClient() });
  });
  const current = (): Registry => {
    if (!registry) throw new Error('useHandlerWorld: used outside a test');
    return registry;
  };
  return {
    registry: current,
    seed: async (plan, phase, at = NOW) => {
      const key = { migrationId: plan.migrationId, databaseId: plan.databaseId };
      await current().register(plan, at);
      for (const step of ROUTE[phase]) {
        if (step === 'FAILED')
          await current().recordFailure(key, { error: 'Seeded', cause: 'seeded', now: at });
        else await current().transition(key, step, { now: at });
      }
      if (phase === 'REQUESTED' || phase === 'PROVISIONING') return current().require(key);
      return current().update(
        key,
        {
          instanceArn: instanceArnOf(plan.databaseId),
          sourceEndpointArn: endpointArnOf(`${plan.databaseId}src`),
          targetEndpointArn: endpointArnOf(`${plan.databaseId}tgt`),
          taskArn: taskArnOf(plan.databaseId),
        },
        { now: at },
      );
    },
  };
};

export const instance = (overrides: Partial<ReplicationInstance> = {}): ReplicationInstance => ({
  ReplicationInstanceArn: instanceArnOf('orders'),
  ReplicationInstanceIdentifier: 'orders-ri',
  ReplicationInstanceClass: 'dms.r5.xlarge',
  ReplicationInstanceStatus: 'available',
  PendingModifiedValues: {},
  ...overrides,
});

export const task = (overrides: Partial<ReplicationTask> = {}): ReplicationTask => ({
  ReplicationTaskArn: taskArnOf('orders'),
  ReplicationTaskIdentifier: 'orders-task',
  MigrationType: 'full-load-and-cdc',
  Status: 'ready',
  ...overrides,
});

/** A task that ran: it has start dates, so a restart must resume. */
export const ranTask = (overrides: Partial<ReplicationTask> = {}): ReplicationTask =>
  task({
    ReplicationTaskStartDate: new Date('2026-03-01T10:00:00Z'),
    ReplicationTaskStats: {
      FreshStartDate: new Date('2026-03-01T10:00:00Z'),
      StartDate: new Date('2026-03-01T10:00:00Z'),
    },
    ...overrides,
  });

export const connection = (
  endpointArn: string,
  status: string,
  overrides: Partial<Connection> = {},
): Connection => ({
  ReplicationInstanceArn: instanceArnOf('orders'),
  EndpointArn: endpointArn,
  EndpointIdentifier: endpointArn.split(':').pop(),
  Status: status,
  ...overrides,
});

/**
 * A CloudWatch Alarm State Change event for one of lakeshift's alarms going into ALARM
 * (docs/dms-behaviour.md §13).
 */
export const alarmStateChange = (alarmName: string, instanceIdentifier: string, at = NOW) => ({
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: TEST_ACCOUNT,
  time: at,
  region: 'us-east-1',
  resources: [`arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT}:alarm:${alarmName}`],
  detail: {
    alarmName,
    state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: at },
    previousState: { value: 'OK', reason: '', timestamp: at },
    configuration: {
      metrics: [
        {
          id: 'm1',
          metricStat: {
            metric: {
              namespace: 'AWS/DMS',
              name: 'CPUUtilization',
              dimensions: { ReplicationInstanceIdentifier: instanceIdentifier },
            },
            period: 60,
            stat: 'Average',
          },
          returnData: true,
        },
      ],
    },
  },
});

/** An AWS fault as the SDK surfaces it, for `.rejects(...)`. */
export const fault = (name: string, message = `${name} from the test`) =>
  Object.assign(new Error(message), { name, $fault: 'client' as const, $metadata: { httpStatusCode: 400 } });
