import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { replicationSubnetGroupIdentifier } from '#contracts/names';
import { MANAGED_TAG_VALUE, TAG_KEYS } from '#contracts/tags';
import type { NetworkConfig } from '../config/schema.ts';
import type { ManagedPrefixLists } from './managed-prefix-lists.ts';

const HTTPS = ec2.Port.tcp(443);

export interface DmsNetworkProps {
  /** The network's name in the config and in requests (`network.name`). */
  readonly networkName: string;
  readonly config: NetworkConfig;
  readonly region: string;
  readonly stackName: string;
  /** The region's managed prefix lists: DMS reaches S3 (and the slot dropper DynamoDB) only through them. */
  readonly prefixLists: ManagedPrefixLists;
  readonly flowLogBucket: s3.IBucket;
  /** `dms-vpc-role`, when this stack creates it: DMS needs it before it accepts a subnet group. */
  readonly dmsVpcRole?: iam.Role;
}

/**
 * Where replication instances run for one named network: private subnets (created isolated, or imported), the
 * replication subnet group, a security group with egress only to the sources and to the endpoints, an S3 gateway
 * endpoint and a Secrets Manager interface endpoint.
 */
export class DmsNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: readonly ec2.ISubnet[];
  readonly dmsSecurityGroup: ec2.SecurityGroup;
  readonly subnetGroup: dms.CfnReplicationSubnetGroup;
  private readonly secretsEndpointSecurityGroup: ec2.ISecurityGroup;
  private readonly secretsEndpointCreated: boolean;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DmsNetworkProps,
  ) {
    super(scope, id);
    const { config } = props;
    if (config.vpc.mode === 'create') {
      const zones = availabilityZonesOf(config, props.region);
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(config.vpc.cidr),
        availabilityZones: zones,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'replication', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ],
      });
      vpc.addFlowLog('FlowLogs', {
        destination: ec2.FlowLogDestination.toS3(props.flowLogBucket, `vpc-flow-logs/${props.networkName}/`),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
      this.vpc = vpc;
      this.subnets = vpc.isolatedSubnets;
    } else {
      const imported = config.vpc;
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: imported.vpcId,
        availabilityZones: availabilityZonesOf(config, props.region),
      });
      this.subnets = imported.subnets.map((subnet, index) =>
        ec2.Subnet.fromSubnetAttributes(this, `Subnet${index}`, subnet),
      );
    }
    const createEndpoints = config.vpc.mode === 'create' || config.vpc.s3Endpoint === 'create';
    if (createEndpoints) {
      new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnets: [...this.subnets] }],
      });
    }

    const existingSecretsEndpoint =
      config.vpc.mode === 'import' && config.vpc.secretsManagerEndpoint.mode === 'existing'
        ? config.vpc.secretsManagerEndpoint
        : undefined;
    if (existingSecretsEndpoint) {
      this.secretsEndpointSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'SecretsEndpointSecurityGroup',
        existingSecretsEndpoint.securityGroupId,
        { mutable: false },
      );
      this.secretsEndpointCreated = false;
    } else {
      const endpointSecurityGroup = new ec2.SecurityGroup(this, 'SecretsEndpointSecurityGroup', {
        vpc: this.vpc,
        description: `lakeshift ${props.networkName}: Secrets Manager endpoint, reachable from lakeshift only`,
        allowAllOutbound: false,
      });
      new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
        vpc: this.vpc,
        service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
        subnets: { subnets: [...this.subnets] },
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        open: false,
      });
      this.secretsEndpointSecurityGroup = endpointSecurityGroup;
      this.secretsEndpointCreated = true;
    }

    this.dmsSecurityGroup = this.sourceClientSecurityGroup('DmsSecurityGroup', 'DMS replication instances');
    this.dmsSecurityGroup.addEgressRule(
      ec2.Peer.prefixList(props.prefixLists.idOf('s3')),
      HTTPS,
      'S3 through the gateway endpoint',
    );

    this.subnetGroup = new dms.CfnReplicationSubnetGroup(this, 'SubnetGroup', {
      replicationSubnetGroupIdentifier: replicationSubnetGroupIdentifier(props.stackName, props.networkName),
      replicationSubnetGroupDescription: `lakeshift ${props.networkName} network`,
      subnetIds: this.subnets.map((subnet) => subnet.subnetId),
      tags: [{ key: TAG_KEYS.managed, value: MANAGED_TAG_VALUE }],
    });
    if (props.dmsVpcRole) this.subnetGroup.node.addDependency(props.dmsVpcRole);
  }

  /**
   * A security group for something that talks to the sources on their port and to Secrets Manager, and to nothing
   * else: the DMS instances, and the handler that drops replication slots.
   */
  sourceClientSecurityGroup(id: string, label: string): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, id, {
      vpc: this.vpc,
      description: `lakeshift ${this.props.networkName}: ${label} (egress to the sources and the endpoints only)`,
      allowAllOutbound: false,
    });
    const port = ec2.Port.tcp(this.props.config.sources.port);
    for (const sourceGroup of this.props.config.sources.securityGroupIds) {
      group.addEgressRule(ec2.Peer.securityGroupId(sourceGroup), port, `source databases (${sourceGroup})`);
    }
    for (const cidr of this.props.config.sources.cidrs) {
      group.addEgressRule(ec2.Peer.ipv4(cidr), port, `source databases (${cidr})`);
    }
    group.addEgressRule(this.secretsEndpointSecurityGroup, HTTPS, 'Secrets Manager endpoint');
    if (this.secretsEndpointCreated) {
      this.secretsEndpointSecurityGroup.addIngressRule(group, HTTPS, `from ${label}`);
    }
    return group;
  }

  /**
   * Lets a group reach DynamoDB through a gateway endpoint: the slot dropper reads the registry from inside the
   * network. The endpoint is created unless the config says the imported VPC already has one.
   */
  allowDynamoDb(group: ec2.SecurityGroup): void {
    const { vpc } = this.props.config;
    if (
      !this.node.tryFindChild('DynamoDbEndpoint') &&
      (vpc.mode === 'create' || vpc.dynamoDbEndpoint === 'create')
    ) {
      new ec2.GatewayVpcEndpoint(this, 'DynamoDbEndpoint', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [{ subnets: [...this.subnets] }],
      });
    }
    group.addEgressRule(
      ec2.Peer.prefixList(this.props.prefixLists.idOf('dynamodb')),
      HTTPS,
      'DynamoDB through the gateway endpoint',
    );
  }

  /** This network's entry in the handlers' LAKESHIFT_NETWORKS variable. */
  get runtimeEntry(): { replicationSubnetGroupId: string; vpcSecurityGroupIds: string[] } {
    return {
      replicationSubnetGroupId: this.subnetGroup.ref,
      vpcSecurityGroupIds: [this.dmsSecurityGroup.securityGroupId],
    };
  }
}

/** The zones a network uses: configured, or `<region>a` and `<region>b` for a created VPC without a list. */
export const availabilityZonesOf = (config: NetworkConfig, region: string): string[] =>
  config.vpc.mode === 'create'
    ? (config.vpc.availabilityZones ?? [`${region}a`, `${region}b`])
    : [...new Set(config.vpc.subnets.map((subnet) => subnet.availabilityZone))];
