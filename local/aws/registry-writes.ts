/**
 * The registry as it is written: every successful write of a registry item (PutItem's item, or UpdateItem's ALL_NEW
 * attributes), flattened to strings, with its database id and phase. Tests, benches and fault triggers watch
 * databases move through their phases with it.
 */
import { PHASES, type Phase } from '#contracts/phases';
import type { DynamoDbExchange } from './dynamodb/dynalite.ts';

export interface RegistryWrite {
  readonly databaseId: string;
  readonly phase: Phase;
  /** The item's attributes: strings and numbers as strings, maps as their DynamoDB JSON, the rest empty. */
  readonly item: Record<string, string>;
}

type DynamoAttributes = Record<string, { S?: string; N?: string; M?: unknown } | undefined>;

const PHASE_VALUES = new Set<string>(PHASES);

/** The item a registry write leaves: PutItem's Item, or UpdateItem's ALL_NEW attributes. */
const writtenItem = (exchange: DynamoDbExchange): DynamoAttributes | undefined => {
  const request = exchange.request as { Item?: DynamoAttributes; ReturnValues?: string } | undefined;
  if (exchange.operation === 'PutItem') return request?.Item;
  if (exchange.operation === 'UpdateItem' && request?.ReturnValues === 'ALL_NEW') {
    return (exchange.response as { Attributes?: DynamoAttributes } | undefined)?.Attributes;
  }
  return undefined;
};

/** The registry write this exchange made on `tableName`, if it was one. */
export const registryWriteOf = (exchange: DynamoDbExchange, tableName: string): RegistryWrite | undefined => {
  if (exchange.statusCode !== 200) return undefined;
  if ((exchange.request as { TableName?: string } | undefined)?.TableName !== tableName) return undefined;
  const item = writtenItem(exchange);
  const databaseId = item?.sk?.S;
  const phase = item?.phase?.S;
  if (!item || !databaseId || !phase || !PHASE_VALUES.has(phase)) return undefined;
  return {
    databaseId,
    phase: phase as Phase,
    item: Object.fromEntries(
      Object.entries(item).map(([key, value]) => [
        key,
        value?.S ?? value?.N ?? (value?.M === undefined ? '' : JSON.stringify(value.M)),
      ]),
    ),
  };
};
