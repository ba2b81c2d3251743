/**
 * A fleet of synthetic source databases on a running local AWS: each declared to the synthetic workload, its
 * credentials stored in the local Secrets Manager (host `<id>.synthetic`, which routes it to the simulation), and a
 * migration request over all of them, sent as a `Migration Requested` event through PutEvents like a user sends it.
 * The end-to-end tests and the fleet benchmark share it.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LAKESHIFT_DETAIL_TYPES, LAKESHIFT_EVENT_SOURCE } from '#contracts/events';
import type { SyntheticDatabase } from '../dms/index.ts';
import type { LocalAws } from './index.ts';
import { LOCAL_LAKE_BUCKET } from './shared/account.ts';

/** Two small tables: the full load takes a few emulated minutes. */
export const SMALL_SYNTHETIC_DATABASE: SyntheticDatabase = {
  tables: [
    { schema: 'public', name: 'orders', rows: 5_000, changesPerSecond: 1 },
    { schema: 'public', name: 'customers', rows: 1_000, changesPerSecond: 0.5 },
  ],
};

export interface SyntheticFleetOptions {
  readonly migrationId: string;
  readonly databaseIds: readonly string[];
  readonly database?: SyntheticDatabase;
  /** `defaults.resize` of the request. */
  readonly resize?: Record<string, unknown>;
  /** The request's `maxConcurrency` (the request's default when absent). */
  readonly maxConcurrency?: number;
  /**
   * Real PostgreSQL databases to migrate instead of synthetic ones, by database id (RDS secret keys): their secrets
   * point at them, so the local DMS moves their data and creates their replication slots.
   */
  readonly sources?: Readonly<Record<string, SourceLogin>>;
  /** The deployment network a database's request names (`network.name`), by database id; `default` otherwise. */
  readonly networks?: Readonly<Record<string, string>>;
}

/** A source's login in the layout of an RDS secret. */
export interface SourceLogin {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

export interface SyntheticFleet {
  /** The migration request (the `detail` of Migration Requested). */
  readonly request: Record<string, unknown>;
  /** Sends Migration Requested through PutEvents on lakeshift's bus. */
  requestMigration(): Promise<void>;
  /** Sends Teardown Requested for these databases of the migration. */
  requestTeardown(databaseIds: readonly string[]): Promise<void>;
  /** Sends Retry Requested for these databases, naming the attempt of each that is retried. */
  requestRetry(attempts: Readonly<Record<string, number>>): Promise<void>;
  close(): void;
}

export class PutEventsFailedError extends Error {
  override readonly name = 'PutEventsFailedError';
}

/** A local AWS with lakeshift's stack applied: the fleet's request goes to the stack's bus. */
type LocalAwsWithBus = LocalAws & { readonly stack: { readonly eventBusName: string } };

export const prepareSyntheticFleet = (
  aws: LocalAwsWithBus,
  options: SyntheticFleetOptions,
): SyntheticFleet => {
  const secretArns = new Map(
    options.databaseIds.map((id) => {
      const real = options.sources?.[id];
      if (!real) aws.synthetic.define(id, options.database ?? SMALL_SYNTHETIC_DATABASE);
      const credentials: SourceLogin = real ?? {
        host: `${id}.synthetic`,
        port: 5432,
        username: 'dms',
        password: 'local',
        dbname: id,
      };
      return [id, aws.secretsManager.createSecretDirect(`lakeshift/${id}`, JSON.stringify(credentials))];
    }),
  );
  const request = {
    migrationId: options.migrationId,
    target: {
      bucket: LOCAL_LAKE_BUCKET,
      folder: 'raw',
      kmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/6f1c2a8e-4b7d-4c1e-9a3f-2d5e8b9c0a17',
    },
    ...(options.resize ? { defaults: { resize: options.resize } } : {}),
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    databases: options.databaseIds.map((id) => ({
      id,
      secretArn: secretArns.get(id),
      databaseName: options.sources?.[id]?.dbname ?? id,
      ...(options.networks?.[id] === undefined ? {} : { network: { name: options.networks[id] } }),
    })),
  };
  const eventBridge = new EventBridgeClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: aws.credentials,
  });
  const put = async (detailType: string, detail: unknown): Promise<void> => {
    const result = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: LAKESHIFT_EVENT_SOURCE,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
            EventBusName: aws.stack.eventBusName,
          },
        ],
      }),
    );
    if (result.FailedEntryCount)
      throw new PutEventsFailedError(`PutEvents failed: ${JSON.stringify(result.Entries)}`);
  };
  return {
    request,
    requestMigration: () => put(LAKESHIFT_DETAIL_TYPES.migrationRequested, request),
    requestTeardown: (databaseIds) =>
      put(LAKESHIFT_DETAIL_TYPES.teardownRequested, { migrationId: options.migrationId, databaseIds }),
    requestRetry: (attempts) =>
      put(LAKESHIFT_DETAIL_TYPES.retryRequested, {
        migrationId: options.migrationId,
        databaseIds: Object.keys(attempts),
        attempts,
      }),
    close: () => eventBridge.destroy(),
  };
};
