/**
 * The shared DMS API budget's next free time, kept in one item of the registry table
 * (REGISTRY_TABLE.dmsApiBudgetKey). Both writes are single conditional UpdateItems: a failed condition is the
 * answer ("not idle", "too far ahead"), not a fault.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import { documentClient, documentSdk } from './clients.ts';
import { isFault } from './faults.ts';
import type { BucketSlotStore } from './shared-token-bucket.ts';

const NEXT_FREE_AT = 'nextFreeAt';

export const registrySlotStore = (options: {
  readonly tableName: string;
  /**
   * The retry policy of the DynamoDB calls (retry.ts passes its policy for every AWS call other than DMS; taken as a
   * parameter because retry.ts builds the budget from this store).
   */
  readonly call: <T>(operation: string, attempt: () => Promise<T>) => Promise<T>;
  readonly client?: DynamoDBDocumentClient;
}): BucketSlotStore => {
  const { tableName, call, client } = options;
  const key = {
    [REGISTRY_TABLE.partitionKey]: REGISTRY_TABLE.dmsApiBudgetKey.pk,
    [REGISTRY_TABLE.sortKey]: REGISTRY_TABLE.dmsApiBudgetKey.sk,
  };
  /** The item's attributes after (or before) a write that held; undefined when its condition failed. */
  const update = (input: {
    readonly set: string;
    readonly condition: string;
    readonly values: Record<string, number>;
    readonly returnOld: boolean;
  }): Promise<Record<string, unknown> | undefined> =>
    call('UpdateItem', async () => {
      try {
        const output = await (client ?? (await documentClient())).send(
          new (await documentSdk()).UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: input.set,
            ConditionExpression: input.condition,
            ExpressionAttributeNames: { '#next': NEXT_FREE_AT },
            ExpressionAttributeValues: input.values,
            ReturnValues: input.returnOld ? 'UPDATED_OLD' : 'NONE',
          }),
        );
        return output.Attributes ?? {};
      } catch (error) {
        if (isFault(error, 'ConditionalCheckFailedException')) return undefined;
        throw error;
      }
    });
  return {
    claimIdle: async (now, next) =>
      (await update({
        set: 'SET #next = :next',
        condition: 'attribute_not_exists(#next) OR #next <= :now',
        values: { ':next': next, ':now': now },
        returnOld: false,
      })) !== undefined,
    reserve: async (intervalMs, latest) => {
      const old = await update({
        set: 'SET #next = #next + :interval',
        condition: '#next <= :latest',
        values: { ':interval': intervalMs, ':latest': latest },
        returnOld: true,
      });
      const held = old?.[NEXT_FREE_AT];
      return typeof held === 'number' ? held : undefined;
    },
  };
};
