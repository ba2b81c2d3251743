/**
 * One typed way to call DMS: `dms('CreateReplicationInstance', input)`. The operation names, their inputs and
 * their outputs come from the SDK's command classes, so a misspelt operation or a wrong field fails to compile.
 * The SDK package is imported on first call (clients.ts), never when a handler is imported.
 */
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { dmsClient, dmsSdk } from './clients.ts';
import { dmsCall } from './retry.ts';

type DmsModule = typeof import('@aws-sdk/client-database-migration-service');

/** `CreateReplicationInstance` for the SDK's `CreateReplicationInstanceCommand`, and so on for every command. */
export type DmsOperation = {
  [Key in keyof DmsModule]: Key extends `$${string}`
    ? never
    : Key extends `${infer Operation}Command`
      ? DmsModule[Key] extends new (
          input: never,
        ) => { resolveMiddleware: unknown }
        ? Operation
        : never
      : never;
}[keyof DmsModule];

type CommandClass<Operation extends DmsOperation> = DmsModule[`${Operation}Command`];

export type DmsInput<Operation extends DmsOperation> = ConstructorParameters<CommandClass<Operation>>[0];

/** What the command's handler resolves to: the SDK's `<Operation>CommandOutput`. */
export type DmsOutput<Operation extends DmsOperation> = Awaited<
  ReturnType<ReturnType<InstanceType<CommandClass<Operation>>['resolveMiddleware']>>
>['output'];

type AnyDmsCommand = Parameters<DatabaseMigrationServiceClient['send']>[0];

/** One attempt, outside the retry policy: for a caller that must see the fault itself (idempotent creates). */
export const sendDms = async <Operation extends DmsOperation>(
  operation: Operation,
  input: DmsInput<Operation>,
): Promise<DmsOutput<Operation>> => {
  const [client, sdk] = await Promise.all([dmsClient(), dmsSdk()]);
  // The key is built from the operation, so TypeScript cannot pair the class with its input and output; the types
  // above state that pairing once.
  const Command = sdk[`${operation}Command`] as unknown as new (input: DmsInput<Operation>) => AnyDmsCommand;
  return (await client.send(new Command(input))) as DmsOutput<Operation>;
};

/** One DMS call under the retry policy and the DMS API budget, named by its operation. */
export const dms = <Operation extends DmsOperation>(
  operation: Operation,
  input: DmsInput<Operation>,
): Promise<DmsOutput<Operation>> => dmsCall(operation, () => sendDms(operation, input));
