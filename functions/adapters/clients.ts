/**
 * One AWS SDK client per service, created once per Lambda container, on first use. Endpoints come only from the
 * SDK's standard configuration (`AWS_ENDPOINT_URL`, `AWS_REGION`), so local runs change environment, never code.
 *
 * - The SDK's own retries are off (`maxAttempts: 1`): every call goes through the adapters' single retry policy,
 *   so throttling is retried by one policy and the DMS API budget is counted in one place.
 * - Each client's package is imported when the client is first asked for, so a handler's cold start loads only
 *   the services it calls (the SDK stays outside the bundles, and loading all seven packages costs hundreds of ms).
 *
 * Tests replace the clients with aws-sdk-client-mock (`mockClient(DatabaseMigrationServiceClient)` and so on).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const SINGLE_ATTEMPT = { maxAttempts: 1 } as const;

/** Options of every document client over the registry: plain JSON in and out, absent fields dropped. */
export const DOCUMENT_CLIENT_OPTIONS = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
} as const;

/** The value `create` makes on the first call, shared by every later call (a failed creation is retried). */
const once = <T>(create: () => Promise<T>): (() => Promise<T>) => {
  let created: Promise<T> | undefined;
  return () => {
    created ??= create().catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    return created;
  };
};

/**
 * Each SDK package, imported on first use. Adapters build their commands from these too, so importing a handler
 * loads no SDK package at all, and an invocation loads only the packages its path calls.
 */
export const dmsSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-database-migration-service'));
export const sfnSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-sfn'));
export const cloudWatchSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-cloudwatch'));
export const eventBridgeSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-eventbridge'));
export const secretsManagerSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-secrets-manager'));
export const glueSdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-glue'));
export const documentSdk = /* @__PURE__ */ once(() => import('@aws-sdk/lib-dynamodb'));
export const s3Sdk = /* @__PURE__ */ once(() => import('@aws-sdk/client-s3'));

export const dmsClient = /* @__PURE__ */ once(
  async (): Promise<DatabaseMigrationServiceClient> =>
    new (await dmsSdk()).DatabaseMigrationServiceClient(SINGLE_ATTEMPT),
);

export const sfnClient = /* @__PURE__ */ once(
  async (): Promise<SFNClient> => new (await sfnSdk()).SFNClient(SINGLE_ATTEMPT),
);

export const cloudWatchClient = /* @__PURE__ */ once(
  async (): Promise<CloudWatchClient> => new (await cloudWatchSdk()).CloudWatchClient(SINGLE_ATTEMPT),
);

export const eventBridgeClient = /* @__PURE__ */ once(
  async (): Promise<EventBridgeClient> => new (await eventBridgeSdk()).EventBridgeClient(SINGLE_ATTEMPT),
);

export const secretsManagerClient = /* @__PURE__ */ once(
  async (): Promise<SecretsManagerClient> =>
    new (await secretsManagerSdk()).SecretsManagerClient(SINGLE_ATTEMPT),
);

export const glueClient = /* @__PURE__ */ once(
  async (): Promise<GlueClient> => new (await glueSdk()).GlueClient(SINGLE_ATTEMPT),
);

/**
 * The lake's S3 client. An endpoint set by configuration (the local AWS) serves buckets by path, not by host name;
 * AWS itself takes either, so path style is chosen only there.
 */
export const s3Client = /* @__PURE__ */ once(
  async (): Promise<S3Client> =>
    new (await s3Sdk()).S3Client({
      ...SINGLE_ATTEMPT,
      forcePathStyle: [process.env['AWS_ENDPOINT_URL'], process.env['AWS_ENDPOINT_URL_S3']].some(Boolean),
    }),
);

/** The registry's document client (over one DynamoDB client). */
export const documentClient = /* @__PURE__ */ once(async (): Promise<DynamoDBDocumentClient> => {
  const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    documentSdk(),
  ]);
  return DynamoDBDocumentClient.from(new DynamoDBClient(SINGLE_ATTEMPT), DOCUMENT_CLIENT_OPTIONS);
});
