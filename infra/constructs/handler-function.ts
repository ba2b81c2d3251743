import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_NETWORK_NAME, type HandlerName } from '#contracts/names';
import { allowWithWildcard } from '../nag/wildcards.ts';
import type { HandlerCode } from './handler-code.ts';

export interface HandlerFunctionProps {
  readonly handlerName: HandlerName;
  readonly code: HandlerCode;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly logKey: kms.IKey;
  readonly timeout?: Duration;
  /**
   * How the function is invoked, which decides where a failed invocation ends up: Step Functions invokes
   * synchronously and its Retry and Catch take the error; EventBridge invokes asynchronously, and EventRules gives
   * those functions an on-failure destination.
   */
  readonly invocation: 'synchronous' | 'asynchronous';
  /** Only for handlers that must reach a source database: the network this copy runs in, and its name. */
  readonly vpcPlacement?: VpcPlacement;
}

export interface VpcPlacement {
  readonly networkName: string;
  /** The copy's physical name (`sourceFunctionName`): state machines build it from the database's network. */
  readonly functionName: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
}

/** Memory of every handler: they wait on AWS APIs and PostgreSQL, never compute much. */
export const HANDLER_MEMORY_MB = 256;

const NODE_22_REASON =
  'lakeshift targets Node 22 deliberately: the bundles are built for node22 and tested on it.';

/**
 * The organisation's defaults for a lakeshift Lambda function in one place: Node 22 on arm64, X-Ray active, JSON
 * logs to an encrypted log group with retention, source maps, and a role of its own that starts with nothing but
 * its log group (permissions are added per handler).
 */
export class HandlerFunction extends Construct {
  readonly handlerName: HandlerName;
  /** The network of a source handler's copy; undefined for handlers outside the networks. */
  readonly networkName: string | undefined;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  /** The handler's name, with the network for a copy outside `default` (alarm and dashboard labels). */
  get label(): string {
    return this.networkName === undefined || this.networkName === DEFAULT_NETWORK_NAME
      ? this.handlerName
      : `${this.handlerName}-${this.networkName}`;
  }

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.handlerName = props.handlerName;
    this.networkName = props.vpcPlacement?.networkName;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      // A copy outside `default` says its network; the default copy's role keeps the description it always had.
      description:
        props.vpcPlacement === undefined || props.vpcPlacement.networkName === DEFAULT_NETWORK_NAME
          ? `lakeshift ${props.handlerName} handler`
          : `lakeshift ${props.handlerName} handler in network ${props.vpcPlacement.networkName}`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const placement = props.vpcPlacement;
    if (placement) {
      allowWithWildcard(
        this.role,
        new iam.PolicyStatement({
          sid: 'ManageVpcNetworkInterfaces',
          actions: [
            'ec2:AssignPrivateIpAddresses',
            'ec2:CreateNetworkInterface',
            'ec2:DeleteNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
        'Lambda manages its VPC network interfaces itself; these EC2 actions take no resource-level scope here.',
      );
    }
    this.function = new lambda.Function(this, 'Function', {
      ...(placement ? { functionName: placement.functionName } : {}),
      description: `lakeshift ${props.handlerName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code(props.handlerName),
      role: this.role,
      memorySize: HANDLER_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(60),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      ...(placement
        ? { vpc: placement.vpc, vpcSubnets: placement.subnets, securityGroups: [placement.securityGroup] }
        : {}),
    });
    // The role's default policy must exist before the function (Lambda checks the VPC permissions on create).
    this.function.node.addDependency(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray trace submission (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
    });
    for (const id of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion']) {
      Validations.of(this.function).acknowledge({ id, reason: NODE_22_REASON });
    }
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        props.invocation === 'synchronous'
          ? `Only Step Functions invokes ${props.handlerName}, synchronously: its errors return to the state machine's Retry and Catch, and Lambda sends only asynchronous invocations to a dead-letter queue.`
          : `EventBridge invokes ${props.handlerName} asynchronously, and a failed invocation goes to its on-failure destination queue, which keeps the error and the request where a dead-letter queue would keep only the event.`,
    });
  }
}
