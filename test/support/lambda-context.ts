/**
 * What a test needs to call a handler the way Lambda does: a fake `Context`, the environment every handler
 * validates at cold start, and a fresh import of the handler module (so module-scope env validation runs again).
 */
import type { Context } from 'aws-lambda';
import { ENV, type EnvName } from '#contracts/env';
import {
  APP_NAME,
  DEFAULT_NETWORK_NAME,
  type HandlerName,
  handlerSourcePath,
  isSourceHandler,
  sourceFunctionName,
} from '#contracts/names';

export const TEST_REGION = 'us-east-1';
export const TEST_ACCOUNT = '123456789012';

/** Values for every variable in ENV; dummy but well-formed (ARNs, JSON), as a deployed stack would set them. */
export const HANDLER_TEST_ENV: Readonly<Record<EnvName, string>> = {
  [ENV.registryTableName]: `${APP_NAME}-registry`,
  [ENV.eventBusName]: APP_NAME,
  [ENV.dmsS3AccessRoleArn]: `arn:aws:iam::${TEST_ACCOUNT}:role/${APP_NAME}-dms-s3`,
  [ENV.dmsSecretsAccessRoleArn]: `arn:aws:iam::${TEST_ACCOUNT}:role/${APP_NAME}-dms-secrets`,
  [ENV.networks]: JSON.stringify({
    default: {
      replicationSubnetGroupId: `${APP_NAME}-subnets`,
      vpcSecurityGroupIds: ['sg-0123456789abcdef0'],
    },
    partner: {
      replicationSubnetGroupId: `${APP_NAME}-partner-subnets`,
      vpcSecurityGroupIds: ['sg-0123456789abcdef1'],
    },
  }),
  [ENV.lakeBucketOwner]: TEST_ACCOUNT,
};

/** Sets every handler variable (tests may override some afterwards), plus a region and a quiet logger. */
export const setHandlerEnv = (overrides: Partial<Record<EnvName, string>> = {}): void => {
  Object.assign(process.env, HANDLER_TEST_ENV, overrides);
  process.env.AWS_REGION ??= TEST_REGION;
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
};

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: '5f3c1c52-0000-4000-8000-000000000001',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/01/01/[$LATEST]00000000000000000000000000000000',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A Lambda entry point as the runtime sees it. */
export type LambdaEntry = (event: unknown, context: Context) => Promise<unknown>;

const repositoryRoot = new URL('../../', import.meta.url);

/** Imports a handler module by name (after `setHandlerEnv`); `vi.resetModules()` first for a cold start. */
export const importHandler = async (name: HandlerName): Promise<LambdaEntry> => {
  const module = (await import(new URL(handlerSourcePath(name), repositoryRoot).href)) as {
    handler: LambdaEntry;
  };
  return module.handler;
};

/** The function name a handler runs as: a source handler as its copy in `network` (default `default`). */
export const functionNameOf = (name: HandlerName, network = DEFAULT_NETWORK_NAME): string =>
  isSourceHandler(name) ? sourceFunctionName(APP_NAME, name, network) : `${APP_NAME}-${name}`;

/** Calls a handler as Lambda does: JSON in, JSON out; a source handler as its copy in `network`. */
export const invokeHandler = async (
  name: HandlerName,
  event: unknown,
  network?: string,
): Promise<unknown> => {
  const handler = await importHandler(name);
  const result = await handler(
    JSON.parse(JSON.stringify(event)),
    lambdaContext(functionNameOf(name, network)),
  );
  return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
};
