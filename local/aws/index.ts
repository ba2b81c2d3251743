/**
 * The local AWS: one HTTP endpoint on 127.0.0.1 serving DMS (the emulator), Step Functions, EventBridge, CloudWatch, Glue Data Catalog,
 * S3 (over the lake folder), Secrets Manager and DynamoDB (dynalite behind a proxy), all on one shared clock. It knows nothing of lakeshift's
 * stack: `local/local-lakeshift.ts` applies the stack to it.
 * Events flow as on AWS: DMS and CloudWatch publish to the default bus, rules start executions or invoke handlers,
 * the DMS metric sink feeds CloudWatch, and alarms publish their state changes.
 *
 * Clock speed: 120× by default. A database through CDC spends about 30–35 emulated minutes in DMS lifecycles
 * (instance creation 12 min, a class change 10 min, task create/start, the full load of small tables, the
 * cached-changes stop), i.e. about 15–20 s of wall time at 120×, leaving headroom under the 60 s target on a busy
 * 2-core machine while keeping handler latency (real milliseconds) small next to emulated waits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, ScaledClock } from '../clock.ts';
import type { UndocumentedBehaviour } from '../dataplane/choices.ts';
import { createPostgresToS3Workload } from '../dataplane/workload.ts';
import {
  createDmsEmulator,
  createSyntheticWorkload,
  type DmsEmulator,
  type DmsEmulatorOptions,
  type DmsFaultConfig,
  type EndpointDescription,
  isSyntheticEndpoint,
  type MetricBatch,
  routeWorkloads,
  type SyntheticWorkload,
  type Workload,
} from '../dms/index.ts';
import { createAwsServer, type FallbackHandler, listen } from '../http/server.ts';
import { LocalCloudFormation } from './cloudformation/service.ts';
import { LocalCloudWatch } from './cloudwatch/service.ts';
import { LocalCounters } from './counters.ts';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb/dynalite.ts';
import { LocalEventBridge } from './events/service.ts';
import { faultyService } from './faults/faulty-service.ts';
import { type LocalAwsFaultConfig, LocalAwsFaults } from './faults/injector.ts';
import { LocalGlue } from './glue/service.ts';
import { IamAuthority } from './iam/authority.ts';
import { type IamSettings, stateMachineOfExecution } from './iam/request-context.ts';
import type { StackModel } from './iam/stack-model.ts';
import { type InvocationOrigin, LocalLambda } from './lambda/functions.ts';
import { LocalS3 } from './s3/service.ts';
import { LocalSecretsManager } from './secrets/service.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, sdkEnvironment } from './shared/account.ts';
import { fileStore } from './shared/json-store.ts';
import { observedService } from './shared/observed-service.ts';
import { queryProtocolFallback } from './shared/query-protocol.ts';
import type { OversizedFailureDetails } from './stepfunctions/failure-details.ts';
import { LocalStepFunctions } from './stepfunctions/service.ts';

export const DEFAULT_CLOCK_SPEED = 120;

/** Longest wall time `stop()` waits for in-flight handler invocations. */
const STOP_DRAIN_MS = 10_000;

export interface LocalWorkloads {
  /** The simulation behind synthetic sources; a fresh one when absent. */
  readonly synthetic?: SyntheticWorkload;
  /** The workload behind every other source; the PostgreSQL → Parquet data plane over `lakeDir` when absent. */
  readonly dataPlane?: Workload;
  /** The readings of undocumented DMS behaviour the default data plane takes (docs/data-plane-fidelity.md). */
  readonly dataPlaneChoices?: Partial<UndocumentedBehaviour>;
  /**
   * Which sources are synthetic; default: ServerName ending `.synthetic`, or a source secret whose `host` ends with
   * `.synthetic` (lakeshift's endpoints name only the secret).
   */
  readonly isSynthetic?: (endpoint: EndpointDescription) => boolean | Promise<boolean>;
}

export interface StartLocalAwsOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Emulated seconds per wall second when no `clock` is given. */
  readonly clockSpeed?: number;
  /** The shared clock (a ManualClock in tests); a ScaledClock at `clockSpeed` when absent. */
  readonly clock?: Clock;
  /** Where DMS state, secrets and DynamoDB tables persist; in memory when absent. */
  readonly stateDir?: string;
  /** The folder standing for S3; `<stateDir>/lake`, or a temporary folder, when absent. */
  readonly lakeDir?: string;
  readonly dmsFaults?: DmsFaultConfig;
  /** Faults of the other services and of handler invocations (change them later with `faults.configure`). */
  readonly awsFaults?: LocalAwsFaultConfig;
  /** More DMS emulator options (durations, quotas, seed, metric period). */
  readonly dms?: Omit<
    DmsEmulatorOptions,
    'clock' | 'eventSink' | 'metricSink' | 'workloadFor' | 'faults' | 'stateDir'
  >;
  readonly workloads?: LocalWorkloads;
  /**
   * IAM enforcement (docs/iam.md): every request is authorized against this stack model's roles and policies.
   * Absent, nothing is enforced.
   */
  readonly iam?: { readonly model: StackModel; readonly settings?: IamSettings };
  /** Readings of undocumented Step Functions behaviour (local/aws/README.md). */
  readonly stepFunctions?: { readonly oversizedFailureDetails?: OversizedFailureDetails };
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly clock: Clock;
  readonly region: string;
  readonly credentials: typeof LOCAL_CREDENTIALS;
  /** Environment variables pointing an AWS SDK or CLI at the endpoint. */
  readonly environment: Readonly<Record<string, string>>;
  readonly lakeDir: string;
  readonly counters: LocalCounters;
  readonly dms: DmsEmulator;
  readonly stepFunctions: LocalStepFunctions;
  readonly events: LocalEventBridge;
  readonly cloudWatch: LocalCloudWatch;
  readonly secretsManager: LocalSecretsManager;
  /** Answers DescribeStacks for the stacks applied to this local AWS. */
  readonly cloudFormation: LocalCloudFormation;
  /** The Glue Data Catalog (databases, tables and views). */
  readonly glue: LocalGlue;
  /** S3 over `lakeDir` (one first-level folder per bucket), where the DMS data plane writes. */
  readonly s3: LocalS3;
  /** dynalite behind the endpoint (observe its traffic with `observe`). */
  readonly dynamoDb: LocalDynamoDb;
  readonly lambda: LocalLambda;
  /** The injected faults outside DMS. */
  readonly faults: LocalAwsFaults;
  readonly synthetic: SyntheticWorkload;
  /** IAM enforcement and its access record (undefined when IAM is off). */
  readonly iam: IamAuthority | undefined;
  stop(): Promise<void>;
}

/** DMS writes the lake as the role its S3 endpoint names; without IAM enforcement every write is allowed. */
export const lakeWriteAuthorizer =
  (iam: IamAuthority | undefined) =>
  (write: { readonly roleArn: string | undefined; readonly bucket: string; readonly key: string }): void => {
    if (iam && write.roleArn) iam.authorizeLakeWrite(write.roleArn, write.bucket, write.key);
  };

export const startLocalAws = async (options: StartLocalAwsOptions = {}): Promise<LocalAws> => {
  const clock = options.clock ?? new ScaledClock(options.clockSpeed ?? DEFAULT_CLOCK_SPEED);
  const stateDir = options.stateDir;
  const temporaryLake =
    options.lakeDir || stateDir ? undefined : await mkdtemp(join(tmpdir(), 'lakeshift-lake-'));
  const lakeDir = options.lakeDir ?? (stateDir ? join(stateDir, 'lake') : (temporaryLake ?? ''));

  const iam: IamAuthority | undefined =
    options.iam === undefined
      ? undefined
      : new IamAuthority({
          model: options.iam.model,
          operatorAccessKeyId: LOCAL_CREDENTIALS.accessKeyId,
          settings: options.iam?.settings,
          lookups: {
            dmsTags: (arn: string) => dms.tagsOf(arn),
            secretArn: (secretId: string): string | undefined => secretsManager.arnOf(secretId),
            tokenExecution: (token: string): string | undefined => stepFunctions.tokens.executionOf(token),
          },
        });
  const counters = new LocalCounters(() => stepFunctions);
  const secretsManager = new LocalSecretsManager({
    clock,
    store: stateDir ? fileStore(join(stateDir, 'secrets.json')) : undefined,
  });
  const faults = new LocalAwsFaults(options.awsFaults);
  const lambda = new LocalLambda({
    onInvoke: (name, origin) => counters.recordInvocation(name, origin),
    faultFor: (handler) => faults.handlerFault(handler),
    ...(iam
      ? {
          sessionAccessKey: (functionName: string) => iam.functionSession(functionName)?.accessKeyId,
          authorizeInvoke: (functionArn: string, origin: InvocationOrigin) =>
            authorizeInvoke(iam, functionArn, origin),
        }
      : {}),
  });
  const stepFunctions = new LocalStepFunctions({
    clock,
    lambda,
    oversizedFailureDetails: options.stepFunctions?.oversizedFailureDetails,
    ...(iam
      ? {
          authorizeNestedStart: (parentExecutionArn: string, stateMachineArn: string) => {
            const role = iam.model.stateMachineRoles.get(stateMachineOfExecution(parentExecutionArn));
            if (role)
              iam.authorizeAs(iam.roleSession(role, 'states'), 'states', 'StartExecution', {
                stateMachineArn,
              });
          },
        }
      : {}),
  });
  const events = new LocalEventBridge({
    clock,
    onDelivery: (delivery) => counters.recordDelivery(delivery),
    targets: {
      startExecution: (stateMachineArn, input) => {
        const role = iam?.model.targetRoles.get(stateMachineArn);
        if (iam && role) {
          iam.authorizeAs(iam.roleSession(role, 'events'), 'states', 'StartExecution', { stateMachineArn });
        }
        stepFunctions.startExecution({ stateMachineArn, input });
      },
      invokeFunction: async (functionArn, event, rule) => {
        const result = await lambda.invoke(functionArn, event, { rule });
        return result.FunctionError
          ? ((result.Payload as { errorType?: string }).errorType ?? 'Error')
          : undefined;
      },
    },
  });
  const cloudWatch = new LocalCloudWatch({ clock, publish: (event) => events.publish(event) });
  const glue = new LocalGlue({ clock, store: stateDir ? fileStore(join(stateDir, 'glue.json')) : undefined });
  const synthetic = options.workloads?.synthetic ?? createSyntheticWorkload();
  // DMS reads a source secret as the role its endpoint names (SecretsManagerAccessRoleArn).
  const resolveSecret = async (secretId: string, accessRoleArn?: string) => {
    if (iam && accessRoleArn) {
      iam.authorizeAs(iam.roleSession(accessRoleArn, 'dms'), 'secretsmanager', 'GetSecretValue', {
        SecretId: secretId,
      });
    }
    return secretsManager.resolveSecretString(secretId);
  };
  const dms = createDmsEmulator({
    ...options.dms,
    clock,
    eventSink: (event) => events.publish(event),
    metricSink: (batch) => recordMetrics(cloudWatch, batch),
    faults: options.dmsFaults,
    stateDir: stateDir ? join(stateDir, 'dms') : undefined,
    workloadFor: routeWorkloads({
      synthetic,
      other:
        options.workloads?.dataPlane ??
        createPostgresToS3Workload({
          lakeDir,
          resolveSecret,
          authorizeLakeWrite: lakeWriteAuthorizer(iam),
          ...(options.workloads?.dataPlaneChoices
            ? { undocumented: options.workloads.dataPlaneChoices }
            : {}),
        }),
      isSynthetic:
        options.workloads?.isSynthetic ?? ((endpoint) => isSyntheticSource(endpoint, secretsManager)),
    }),
  });
  const cloudFormation = new LocalCloudFormation();
  const s3 = new LocalS3({
    lakeDir,
    clock,
    onRequest: (operation, statusCode) => counters.recordRequest('s3', operation, statusCode),
    ...(iam
      ? {
          authorize: (operation: string, input: Record<string, unknown>, authorization?: string) =>
            iam.authorizeSigned('s3', operation, input, authorization),
        }
      : {}),
  });
  const dynamodb = await startLocalDynamoDb({ path: stateDir ? join(stateDir, 'dynamodb') : undefined });
  const server = createAwsServer({
    services: [
      observedService(dms, clock, (call) => counters.recordDmsCall(call)),
      faultyService(stepFunctions, faults),
      faultyService(events, faults),
      faultyService(cloudWatch, faults),
      faultyService(secretsManager, faults),
      faultyService(glue, faults),
    ],
    fallback: firstHandling([
      dynamodb.fallback,
      s3.fallback,
      queryProtocolFallback(cloudWatch),
      queryProtocolFallback(cloudFormation),
    ]),
    onRequest: (service, operation, statusCode) => counters.recordRequest(service, operation, statusCode),
    ...(iam
      ? {
          authorize: (
            prefix: string,
            operation: string,
            input: Record<string, unknown>,
            authorization?: string,
          ) => iam.authorizeRequest(prefix, operation, input, authorization),
        }
      : {}),
  });
  const endpoint = await listen(server, options.port ?? 0);
  cloudWatch.start();

  let stopped = false;
  return {
    endpoint,
    clock,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    environment: sdkEnvironment(endpoint),
    lakeDir,
    counters,
    dms,
    stepFunctions,
    events,
    cloudWatch,
    secretsManager,
    cloudFormation,
    glue,
    s3,
    dynamoDb: dynamodb,
    lambda,
    faults,
    synthetic,
    iam,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      events.stop();
      cloudWatch.stop();
      for (const execution of stepFunctions.listAll()) execution.stop('States.Aborted', 'Local AWS stopped');
      dms.close();
      // Handlers still running finish against a live endpoint rather than retrying into a closed port.
      await lambda.drain(STOP_DRAIN_MS);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamodb.stop();
      if (temporaryLake) await rm(temporaryLake, { recursive: true, force: true });
    },
  };
};

/** The DMS emulator's metric batches, recorded as AWS/DMS publishes them (no reserved-namespace check). */
const recordMetrics = (cloudWatch: LocalCloudWatch, batch: MetricBatch): void => {
  for (const datum of batch.MetricData) {
    cloudWatch.record(
      { namespace: batch.Namespace, metricName: datum.MetricName, dimensions: datum.Dimensions },
      { timestamp: datum.Timestamp.getTime(), value: datum.Value, unit: datum.Unit },
    );
  }
};

/** A source is synthetic when its ServerName says so, or when the secret it names points at a `.synthetic` host. */
const isSyntheticSource = (endpoint: EndpointDescription, secrets: LocalSecretsManager): boolean => {
  if (isSyntheticEndpoint(endpoint)) return true;
  const secretId = endpoint.postgreSqlSettings?.SecretsManagerSecretId;
  if (typeof secretId !== 'string') return false;
  try {
    const host = (JSON.parse(secrets.resolveSecretString(secretId)) as { host?: unknown }).host;
    return typeof host === 'string' && host.toLowerCase().endsWith('.synthetic');
  } catch {
    return false;
  }
};

/**
 * A state machine invokes a function as its role; an EventBridge rule as `events.amazonaws.com`, admitted by the
 * function's resource policy for the rule that targets it.
 */
const authorizeInvoke = (iam: IamAuthority, functionArn: string, origin: InvocationOrigin): void => {
  if (origin.executionArn) {
    const role = iam.model.stateMachineRoles.get(stateMachineOfExecution(origin.executionArn));
    if (!role) return;
    iam.authorize(iam.roleSession(role, 'states'), 'lambda', [
      { action: 'lambda:InvokeFunction', resource: functionArn, context: {} },
    ]);
  } else if (origin.rule) {
    iam.authorizeServiceInvoke(
      'events.amazonaws.com',
      functionArn,
      iam.model.ruleByTarget.get(functionArn) ?? origin.rule,
    );
  }
};

const firstHandling =
  (handlers: readonly FallbackHandler[]): FallbackHandler =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    for (const handler of handlers) if (await handler(req, res, body)) return true;
    return false;
  };
