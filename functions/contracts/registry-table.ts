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
  /**
   * The one item that is not a database: the account's shared DMS API budget (docs/design.md §1.7). Its partition
   * key holds a character no migration id may contain, so no migration's query meets it.
   */
  dmsApiBudgetKey: { pk: '#dms-api-budget', sk: '#bucket' },
} as const;
