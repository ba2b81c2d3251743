/**
 * The CreateTable input of the registry, built from the key schema contract. The local stack and the tests create
 * their table from it; the CDK stack builds the same schema with its own constructs.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { REGISTRY_TABLE } from '#contracts/registry-table';

export const registryTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: REGISTRY_TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.sortKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.byTaskArnIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.byInstanceIndex.partitionKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
    { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
  ],
  // The registry reads the item by key after an index lookup, so the indexes carry keys only.
  GlobalSecondaryIndexes: [REGISTRY_TABLE.byTaskArnIndex, REGISTRY_TABLE.byInstanceIndex].map((index) => ({
    IndexName: index.name,
    KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  })),
});
