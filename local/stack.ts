/**
 * The local "stack": what the CDK stack deploys, derived from the same contracts and applied to the local AWS by
 * one call — the registry table, lakeshift's event bus, the four state machines from `statemachines/*.asl.json`
 * with the substitutions CDK makes, the rules and schedule of `RULES`, the DMS network the planner points at, and
 * every handler as a function with its environment. It goes through the AWS APIs where AWS has them (so a rerun
 * after a restart adopts what exists); Lambda functions are registered in process.
 */
import { readFileSync } from 'node:fs';
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
import { DMS_API_BUDGET, dmsApiBudget } from '#adapters/retry';
import { systemTime, type TimeSource } from '#adapters/time';
import { formatTokenBucketRate } from '#adapters/token-bucket';
import { ENV, OPTIONAL_ENV } from '#contracts/env';
import {
  APP_NAME,
  DEFAULT_EVENT_BUS_NAME,
  DEFAULT_NETWORK_NAME,
  EVENT_BUS_PLACEHOLDER,
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  isSourceHandler,
  NETWORK_SLOT,
  REGISTRY_TABLE_PLACEHOLDER,
  replicationSubnetGroupIdentifier,
  SOURCE_HANDLER_NAMES,
  STATE_MACHINE_NAMES,
  type StateMachineName,
  sourceFunctionArnPatternPlaceholder,
  sourceFunctionName,
  stateMachineArnPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { STACK_OUTPUTS, stateMachineArnOutput } from '#contracts/stack-outputs';
import {
  AWS_DEFAULT_EVENT_BUS,
  listensOnDefaultBus,
  RULES,
  type RuleWiring,
  ruleIdInNetwork,
} from '#contracts/wiring';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_LAKE_BUCKET,
  LOCAL_REGION,
  localArn,
  sdkEnvironment,
} from './aws/shared/account.ts';

const REPOSITORY_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/**
 * The networks of the local stack's config (`aws/iam/local-stack-config.json`), the config the template that IAM
 * enforcement evaluates is synthesized from: the local stack deploys the same copies of the source handlers.
 */
export const localNetworkNames = (): readonly string[] =>
  Object.keys(
    (
      JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'local/aws/iam/local-stack-config.json'), 'utf8')) as {
        networks: Record<string, unknown>;
      }
    ).networks,
  );

/** One Lambda function of the stack: a handler, or a source handler's copy in one network. */
export interface LocalFunction {
  readonly functionName: string;
  readonly functionArn: string;
  readonly handler: HandlerName;
  readonly network?: string;
}

/** One network of the local stack, as its entry in the handlers' networks variable. */
export interface LocalNetwork {
  readonly replicationSubnetGroupId: string;
  readonly vpcSecurityGroupIds: readonly string[];
}

export interface LocalStackNames {
  readonly registryTableName: string;
  readonly eventBusName: string;
  /** Each handler's function; a source handler's copy in `default`. */
  readonly functionNames: Readonly<Record<HandlerName, string>>;
  readonly functionArns: Readonly<Record<HandlerName, string>>;
  /** Every function, the copies of the source handlers in each network included. */
  readonly functions: readonly LocalFunction[];
  readonly networks: Readonly<Record<string, LocalNetwork>>;
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

const functionArnOf = (functionName: string): string => localArn('lambda', `function:${functionName}`);

/**
 * Resource names, as the CDK stack names them (`lakeshift-<name>`; a source handler's copy by
 * `sourceFunctionName`) in the local account, for the given networks (the local stack config's by default).
 */
export const localStackNames = (networkNames: readonly string[] = localNetworkNames()): LocalStackNames => {
  const functionNames = byName(HANDLER_NAMES, (name) =>
    isSourceHandler(name) ? sourceFunctionName(APP_NAME, name, DEFAULT_NETWORK_NAME) : `${APP_NAME}-${name}`,
  );
  const functions = HANDLER_NAMES.flatMap((handler): LocalFunction[] =>
    isSourceHandler(handler)
      ? networkNames.map((network) => {
          const functionName = sourceFunctionName(APP_NAME, handler, network);
          return { functionName, functionArn: functionArnOf(functionName), handler, network };
        })
      : [
          {
            functionName: functionNames[handler],
            functionArn: functionArnOf(functionNames[handler]),
            handler,
          },
        ],
  );
  const stateMachineNames = byName(STATE_MACHINE_NAMES, (name) => `${APP_NAME}-${name}`);
  return {
    registryTableName: `${APP_NAME}-registry`,
    eventBusName: DEFAULT_EVENT_BUS_NAME,
    functionNames,
    functionArns: byName(HANDLER_NAMES, (name) => functionArnOf(functionNames[name])),
    functions,
    networks: Object.fromEntries(
      networkNames.map((network, index) => [
        network,
        {
          replicationSubnetGroupId: replicationSubnetGroupIdentifier(APP_NAME, network),
          vpcSecurityGroupIds: [`sg-0000000000000a${String(index + 1).padStart(3, '0')}`],
        },
      ]),
    ),
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
    SOURCE_HANDLER_NAMES.map((name) => [
      sourceFunctionArnPatternPlaceholder(name),
      functionArnOf(sourceFunctionName(APP_NAME, name, NETWORK_SLOT)),
    ]),
  ),
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
 * The environment every handler gets: ENV's variables, lakeshift's default DMS API budget (written out, so that a
 * budget an earlier stack set in this process does not carry over), and the SDK pointed at the local endpoint.
 */
export const handlerEnvironment = (
  names: LocalStackNames,
  endpoint: string,
): Readonly<Record<string, string>> => ({
  [ENV.registryTableName]: names.registryTableName,
  [ENV.eventBusName]: names.eventBusName,
  [ENV.dmsS3AccessRoleArn]: names.dmsS3AccessRoleArn,
  [ENV.dmsSecretsAccessRoleArn]: names.dmsSecretsAccessRoleArn,
  [ENV.networks]: JSON.stringify(names.networks),
  [ENV.lakeBucketOwner]: LOCAL_ACCOUNT_ID,
  [OPTIONAL_ENV.dmsApiBudget]: formatTokenBucketRate(DMS_API_BUDGET),
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
  /**
   * The clock the handlers' DMS API budget refills by: the local clock when it runs by itself, so that the budget
   * spends 3.2 calls per emulated second as DMS refills 4 (docs/design.md §1.7) however fast the clock runs or however
   * much it slows under load. Absent when time moves only by hand (a test's clock would hold every call past the
   * burst until the test moves it), and then the budget runs on the system clock.
   */
  readonly budgetClock?: TimeSource;
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
      ...handlerEnvironment(names, options.endpoint),
      ...options.extraEnvironment,
    });
    dmsApiBudget.useTime(options.budgetClock ?? systemTime);
    for (const fn of names.functions) options.functions.register(fn.functionName, fn.handler);

    await ignoring(
      ResourceInUseException,
      dynamodb.send(new CreateTableCommand(registryTableInput(names.registryTableName))),
    );
    await ignoring(
      ResourceAlreadyExistsException,
      events.send(new CreateEventBusCommand({ Name: names.eventBusName })),
    );
    for (const [index, network] of Object.keys(names.networks).entries()) {
      const zoneSubnet = (zone: string) => `subnet-0000000000000${zone}${String(index + 1).padStart(3, '0')}`;
      await ignoring(
        ResourceAlreadyExistsFault,
        dms.send(
          new CreateReplicationSubnetGroupCommand({
            ReplicationSubnetGroupIdentifier: names.networks[network]?.replicationSubnetGroupId,
            ReplicationSubnetGroupDescription: `lakeshift local network ${network}`,
            SubnetIds: [zoneSubnet('a'), zoneSubnet('b')],
          }),
        ),
      );
    }

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
      for (const [ruleId, arn] of ruleTargets(rule, names)) {
        await events.send(
          new PutRuleCommand({
            Name: `${APP_NAME}-${ruleId}`,
            EventBusName: eventBusName,
            Description: rule.description,
            EventPattern: rule.pattern ? JSON.stringify(rule.pattern) : undefined,
            ScheduleExpression: rule.schedule,
            State: 'ENABLED',
          }),
        );
        await events.send(
          new PutTargetsCommand({
            Rule: `${APP_NAME}-${ruleId}`,
            EventBusName: eventBusName,
            Targets: [{ Id: 'target', Arn: arn, InputPath: rule.inputPath }],
          }),
        );
      }
    }
    return names;
  } finally {
    for (const client of [dynamodb, events, sfn, dms]) client.destroy();
  }
};

/** A rule's id and target per copy: a rule for a source handler is repeated per network, as the CDK stack does. */
const ruleTargets = (rule: RuleWiring, names: LocalStackNames): [string, string][] => {
  const target = rule.target;
  if (target.kind === 'stateMachine') return [[rule.id, names.stateMachineArns[target.name]]];
  return names.functions
    .filter((fn) => fn.handler === target.name)
    .map((fn) => [ruleIdInNetwork(rule, fn.network), fn.functionArn]);
};

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
