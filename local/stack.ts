/**
 * The local "stack": what the CDK stack deploys, derived from the same contracts and applied to the local AWS by
 * one call — the registry table, lakeshift's event bus, the four state machines from `statemachines/*.asl.json`
 * with the substitutions CDK makes, the rules and schedule of `RULES`, the DMS network the planner points at, and
 * every handler as a function with its environment. It goes through the AWS APIs where AWS has them (so a rerun
 * after a restart adopts what exists); Lambda functions are registered in process.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateReplicationSubnetGroupCommand,
  DatabaseMigrationServiceClient,
  ResourceAlreadyExistsFault,
} from '@aws-sdk/client-database-migration-service';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  SFNClient,
  StateMachineAlreadyExists,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { registryTableInput } from '#adapters/registry-table';
import { DMS_API_BUDGET } from '#adapters/retry';
import { formatTokenBucketRate } from '#adapters/token-bucket';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import {
  APP_NAME,
  DEFAULT_EVENT_BUS_NAME,
  EVENT_BUS_PLACEHOLDER,
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  REGISTRY_TABLE_PLACEHOLDER,
  replicationSubnetGroupIdentifier,
  STATE_MACHINE_NAMES,
  type StateMachineName,
  stateMachineArnPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { STACK_OUTPUTS, stateMachineArnOutput } from '#contracts/stack-outputs';
import { AWS_DEFAULT_EVENT_BUS, listensOnDefaultBus, RULES, type RuleWiring } from '#contracts/wiring';
import { DEFAULT_NETWORK_NAME } from '#domain/planner/network';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_LAKE_BUCKET,
  LOCAL_REGION,
  localArn,
  sdkEnvironment,
} from './aws/shared/account.ts';

const REPOSITORY_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');

export interface LocalStackNames {
  readonly registryTableName: string;
  readonly eventBusName: string;
  readonly functionNames: Readonly<Record<HandlerName, string>>;
  readonly functionArns: Readonly<Record<HandlerName, string>>;
  readonly stateMachineNames: Readonly<Record<StateMachineName, string>>;
  readonly stateMachineArns: Readonly<Record<StateMachineName, string>>;
  readonly dmsS3AccessRoleArn: string;
  readonly dmsSecretsAccessRoleArn: string;
  readonly stateMachineRoleArn: string;
  readonly replicationSubnetGroupId: string;
  readonly securityGroupId: string;
}

const byName = <K extends string>(
  keys: readonly K[],
  value: (key: K) => string,
): Readonly<Record<K, string>> =>
  Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, string>;

/** Resource names, as the CDK stack names them (`lakeshift-<name>`) in the local account. */
export const localStackNames = (): LocalStackNames => {
  const functionNames = byName(HANDLER_NAMES, (name) => `${APP_NAME}-${name}`);
  const stateMachineNames = byName(STATE_MACHINE_NAMES, (name) => `${APP_NAME}-${name}`);
  return {
    registryTableName: `${APP_NAME}-registry`,
    eventBusName: DEFAULT_EVENT_BUS_NAME,
    functionNames,
    functionArns: byName(HANDLER_NAMES, (name) => localArn('lambda', `function:${functionNames[name]}`)),
    stateMachineNames,
    stateMachineArns: byName(STATE_MACHINE_NAMES, (name) =>
      localArn('states', `stateMachine:${stateMachineNames[name]}`),
    ),
    dmsS3AccessRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${APP_NAME}-dms-s3-access`,
    dmsSecretsAccessRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${APP_NAME}-dms-secrets-access`,
    stateMachineRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${APP_NAME}-state-machines`,
    replicationSubnetGroupId: replicationSubnetGroupIdentifier(APP_NAME, DEFAULT_NETWORK_NAME),
    securityGroupId: 'sg-0000000000000a001',
  };
};

/** The outputs the CDK stack declares, with the local stack's values (the lake is the local AWS's folder). */
export const localStackOutputs = (names: LocalStackNames): Readonly<Record<string, string>> => ({
  [STACK_OUTPUTS.eventBusName]: names.eventBusName,
  [STACK_OUTPUTS.registryTableName]: names.registryTableName,
  [STACK_OUTPUTS.lakeBucketName]: LOCAL_LAKE_BUCKET,
  [STACK_OUTPUTS.dashboardName]: APP_NAME,
  ...Object.fromEntries(
    STATE_MACHINE_NAMES.map((name) => [stateMachineArnOutput(name), names.stateMachineArns[name]]),
  ),
});

/** What CDK's `definitionSubstitutions` provide: every placeholder a definition may use. */
export const definitionSubstitutions = (names: LocalStackNames): Readonly<Record<string, string>> => ({
  ...Object.fromEntries(HANDLER_NAMES.map((name) => [handlerArnPlaceholder(name), names.functionArns[name]])),
  ...Object.fromEntries(
    STATE_MACHINE_NAMES.map((name) => [stateMachineArnPlaceholder(name), names.stateMachineArns[name]]),
  ),
  [REGISTRY_TABLE_PLACEHOLDER]: names.registryTableName,
  [EVENT_BUS_PLACEHOLDER]: names.eventBusName,
});

export class UnresolvedPlaceholderError extends Error {
  override readonly name = 'UnresolvedPlaceholderError';
}

/** Replaces `${Key}` placeholders; a placeholder without a substitution is an error naming it. */
export const substitute = (
  definition: string,
  substitutions: Readonly<Record<string, string>>,
  file: string,
): string => {
  const unknown = new Set<string>();
  const result = definition.replace(/\$\{(\w+)\}/g, (placeholder, key: string) => {
    const value = substitutions[key];
    if (value === undefined) unknown.add(placeholder);
    return value ?? placeholder;
  });
  if (unknown.size > 0) {
    throw new UnresolvedPlaceholderError(`${file}: no substitution for ${[...unknown].join(', ')}`);
  }
  return result;
};

export const readStateMachineDefinition = async (
  name: StateMachineName,
  names: LocalStackNames,
): Promise<string> => {
  const file = stateMachineDefinitionPath(name);
  return substitute(
    await readFile(join(REPOSITORY_ROOT, file), 'utf8'),
    definitionSubstitutions(names),
    file,
  );
};

/**
 * lakeshift's DMS API budget in wall time for handlers on a clock `clockSpeed` times faster: DMS refills its bucket
 * per emulated second, so the refill scales with the speed and the burst stays as it is. Without a speed (a clock
 * moved by hand) the budget is the default as written.
 */
export const localDmsApiBudget = (clockSpeed: number | undefined): string =>
  formatTokenBucketRate({
    capacity: DMS_API_BUDGET.capacity,
    refillPerSecond: DMS_API_BUDGET.refillPerSecond * (clockSpeed ?? 1),
  });

/** The environment every handler gets: ENV's variables, the DMS API budget, and the SDK pointed at the local endpoint. */
export const handlerEnvironment = (
  names: LocalStackNames,
  endpoint: string,
  clockSpeed?: number,
): Readonly<Record<string, string>> => ({
  [ENV.registryTableName]: names.registryTableName,
  [ENV.eventBusName]: names.eventBusName,
  [ENV.dmsS3AccessRoleArn]: names.dmsS3AccessRoleArn,
  [ENV.dmsSecretsAccessRoleArn]: names.dmsSecretsAccessRoleArn,
  [ENV.networks]: JSON.stringify({
    default: {
      replicationSubnetGroupId: names.replicationSubnetGroupId,
      vpcSecurityGroupIds: [names.securityGroupId],
    },
  }),
  [ENV.lakeBucketOwner]: LOCAL_ACCOUNT_ID,
  [OPTIONAL_ENV.dmsApiBudget]: localDmsApiBudget(clockSpeed),
  ...sdkEnvironment(endpoint),
});

/** The in-process Lambda the stack registers its functions with. */
export interface FunctionRegistry {
  setEnvironment(variables: Readonly<Record<string, string>>): void;
  register(functionName: string, handlerKey: string): string;
}

export interface ApplyLocalStackOptions {
  readonly endpoint: string;
  readonly functions: FunctionRegistry;
  /** Emulated seconds per wall second of the local clock; absent when time moves only by hand. */
  readonly clockSpeed?: number;
  /** Extra environment for every function (e.g. `POWERTOOLS_LOG_LEVEL`). */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** The DMS roles as the synthesized template names them (IAM enforcement evaluates that template). */
  readonly roleArns?: Pick<LocalStackNames, 'dmsS3AccessRoleArn' | 'dmsSecretsAccessRoleArn'>;
}

/** Applies the stack; safe to call again (existing resources are adopted or updated). */
export const applyLocalStack = async (options: ApplyLocalStackOptions): Promise<LocalStackNames> => {
  const names = { ...localStackNames(), ...options.roleArns };
  const config = {
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  };
  const dynamodb = new DynamoDBClient(config);
  const events = new EventBridgeClient(config);
  const sfn = new SFNClient(config);
  const dms = new DatabaseMigrationServiceClient(config);
  try {
    options.functions.setEnvironment({
      ...handlerEnvironment(names, options.endpoint, options.clockSpeed),
      ...options.extraEnvironment,
    });
    for (const name of HANDLER_NAMES) options.functions.register(names.functionNames[name], name);

    await ignoring(
      ResourceInUseException,
      dynamodb.send(new CreateTableCommand(registryTableInput(names.registryTableName))),
    );
    await ignoring(
      ResourceAlreadyExistsException,
      events.send(new CreateEventBusCommand({ Name: names.eventBusName })),
    );
    await ignoring(
      ResourceAlreadyExistsFault,
      dms.send(
        new CreateReplicationSubnetGroupCommand({
          ReplicationSubnetGroupIdentifier: names.replicationSubnetGroupId,
          ReplicationSubnetGroupDescription: 'lakeshift local network',
          SubnetIds: ['subnet-0000000000000a001', 'subnet-0000000000000b001'],
        }),
      ),
    );

    for (const name of STATE_MACHINE_NAMES) {
      const definition = await readStateMachineDefinition(name, names);
      try {
        await sfn.send(
          new CreateStateMachineCommand({
            name: names.stateMachineNames[name],
            definition,
            roleArn: names.stateMachineRoleArn,
          }),
        );
      } catch (error) {
        if (!(error instanceof StateMachineAlreadyExists)) throw error;
        await sfn.send(
          new UpdateStateMachineCommand({ stateMachineArn: names.stateMachineArns[name], definition }),
        );
      }
    }

    for (const rule of RULES) {
      const eventBusName = listensOnDefaultBus(rule) ? AWS_DEFAULT_EVENT_BUS : names.eventBusName;
      await events.send(
        new PutRuleCommand({
          Name: `${APP_NAME}-${rule.id}`,
          EventBusName: eventBusName,
          Description: rule.description,
          EventPattern: rule.pattern ? JSON.stringify(rule.pattern) : undefined,
          ScheduleExpression: rule.schedule,
          State: 'ENABLED',
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: `${APP_NAME}-${rule.id}`,
          EventBusName: eventBusName,
          Targets: [{ Id: 'target', Arn: targetArn(rule, names), InputPath: rule.inputPath }],
        }),
      );
    }
    return names;
  } finally {
    for (const client of [dynamodb, events, sfn, dms]) client.destroy();
  }
};

const targetArn = (rule: RuleWiring, names: LocalStackNames): string =>
  rule.target.kind === 'stateMachine'
    ? names.stateMachineArns[rule.target.name]
    : names.functionArns[rule.target.name];

/** Awaits a create, treating "already exists" as done. */
const ignoring = async (
  exists: abstract new (...args: never[]) => Error,
  create: Promise<unknown>,
): Promise<void> => {
  try {
    await create;
  } catch (error) {
    if (!(error instanceof exists)) throw error;
  }
};
