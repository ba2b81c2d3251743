import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { REGISTRY_TABLE } from '#contracts/registry-table';

/** The registry: one item per database, keyed and indexed exactly as #contracts/registry-table says. */
export class RegistryTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REGISTRY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REGISTRY_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed: handlers then need no KMS grant, and no key policy has to name them.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The registry is the record of what runs where; it outlives a stack deletion like the lake does.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [REGISTRY_TABLE.byTaskArnIndex, REGISTRY_TABLE.byInstanceIndex]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
