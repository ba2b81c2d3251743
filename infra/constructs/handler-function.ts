import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from '#contracts/names';
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
  /** Only for handlers that must reach a source database. */
  readonly vpcPlacement?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroup: ec2.ISecurityGroup;
  };
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
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.handlerName = props.handlerName;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      description: `lakeshift ${props.handlerName} handler`,
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
