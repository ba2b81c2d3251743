import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** Services reached through a gateway endpoint, whose AWS-managed prefix list names them in security groups. */
export type GatewayService = 's3' | 'dynamodb';

export interface ManagedPrefixListsProps {
  readonly region: string;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Ids known in advance (from the config); these are not looked up. */
  readonly known: Partial<Record<GatewayService, string>>;
}

/** The lookup makes one small SDK call: the smallest memory Lambda offers is plenty. */
const LOOKUP_MEMORY_MB = 128;

/** Where AwsCustomResource puts the one provider function every lookup in the stack shares. */
const PROVIDER_FUNCTION_ID = `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replaceAll('-', '')}`;

/**
 * The ids of the region's AWS-managed prefix lists (`com.amazonaws.<region>.<service>`). Security group egress to
 * a gateway endpoint names that list; unless the config gives an id, it is looked up at deploy time, because
 * synthesis must not need AWS credentials.
 */
export class ManagedPrefixLists extends Construct {
  private readonly ids = new Map<GatewayService, string>();
  private role?: iam.Role;
  private logGroup?: logs.LogGroup;
  private providerTraced = false;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ManagedPrefixListsProps,
  ) {
    super(scope, id);
  }

  idOf(service: GatewayService): string {
    const known = this.props.known[service] ?? this.ids.get(service);
    if (known) return known;
    const lookup = new cr.AwsCustomResource(this, `Lookup-${service}`, {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: {
          Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${this.props.region}.${service}`] }],
        },
        physicalResourceId: cr.PhysicalResourceId.of(`${service}-prefix-list-${this.props.region}`),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      ...this.provider(),
      memorySize: LOOKUP_MEMORY_MB,
      installLatestAwsSdk: false,
    });
    this.traceProviderFunction();
    const found = lookup.getResponseField('PrefixLists.0.PrefixListId');
    this.ids.set(service, found);
    return found;
  }

  /**
   * AwsCustomResource has no tracing option: X-Ray is switched on on the provider function it creates, like on
   * every other function of the stack.
   */
  private traceProviderFunction(): void {
    if (this.providerTraced) return;
    this.providerTraced = true;
    const provider = Stack.of(this).node.tryFindChild(PROVIDER_FUNCTION_ID);
    if (!(provider instanceof lambda.Function)) {
      throw new Error(`the AwsCustomResource provider function ${PROVIDER_FUNCTION_ID} was not found`);
    }
    (provider.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    Validations.of(provider).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'CloudFormation invokes this deploy-time lookup and waits for its answer: a failed invocation fails the deployment, which reports it, so a dead-letter queue would keep nothing anyone acts on.',
    });
  }

  /** One role and log group for the provider function that every lookup shares. */
  private provider(): { role: iam.Role; logGroup: logs.LogGroup } {
    if (this.role && this.logGroup) return { role: this.role, logGroup: this.logGroup };
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: this.props.logRetention,
      encryptionKey: this.props.logKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the provider's default, which carries AWSLambdaBasicExecutionRole.
    const role = new iam.Role(this, 'Role', {
      description: 'lakeshift: looks up AWS-managed prefix lists at deploy time',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SubmitTraces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeManagedPrefixLists (the lookup only reads) and X-Ray trace submission have no resource-level permissions.',
    });
    this.role = role;
    this.logGroup = logGroup;
    return { role, logGroup };
  }
}
