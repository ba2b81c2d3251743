/**
 * The registry's DynamoDB key schema: one item per database, `pk` = migration id, `sk` = database id.
 * The CDK table, the local table and the registry adapter all build from this.
 */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Look a database up by its DMS task ARN (task state-change events carry only the ARN). */
  byTaskArnIndex: { name: 'byTaskArn', partitionKey: 'taskArn' },
  /** Look a database up by its replication instance identifier (alarm dimensions carry only the identifier). */
  byInstanceIndex: { name: 'byInstanceIdentifier', partitionKey: 'instanceIdentifier' },
  /** Attribute used for optimistic concurrency. */
  versionAttribute: 'version',
} as const;
