/**
 * Teardown at any phase, as a fault: sends Teardown Requested for a database the moment it reaches a point of its
 * migration (its registry item enters a phase, or a handler finished its work for it), once per database.
 */
import type { LocalLakeshift } from '../../local-lakeshift.ts';
import { registryWriteOf } from '../registry-writes.ts';
import type { TeardownTrigger } from './plan.ts';

export interface ArmedTeardowns {
  /** Databases a teardown was sent for, in order. */
  readonly sent: readonly string[];
  /** Errors sending them (PutEvents refused); empty when every one went out. */
  readonly errors: readonly unknown[];
  disarm(): void;
}

export const armTeardowns = (
  aws: LocalLakeshift,
  triggers: readonly TeardownTrigger[],
  requestTeardown: (databaseIds: readonly string[]) => Promise<void>,
): ArmedTeardowns => {
  const sent: string[] = [];
  const errors: unknown[] = [];
  if (triggers.length === 0) return { sent, errors, disarm: () => undefined };
  const fire = (databaseId: string, reached: (trigger: TeardownTrigger) => boolean): void => {
    if (sent.includes(databaseId)) return;
    const due = triggers.some(
      (trigger) =>
        (trigger.databaseId === undefined || trigger.databaseId === databaseId) && reached(trigger),
    );
    if (!due) return;
    sent.push(databaseId);
    requestTeardown([databaseId]).catch((error: unknown) => errors.push(error));
  };
  const stopObserving = aws.dynamoDb.observe((exchange) => {
    const write = registryWriteOf(exchange, aws.stack.registryTableName);
    if (write) fire(write.databaseId, (trigger) => 'phase' in trigger.at && trigger.at.phase === write.phase);
  });
  const invoke = aws.lambda.invoke.bind(aws.lambda);
  const afterHandler = triggers.some((trigger) => 'afterHandler' in trigger.at);
  if (afterHandler) {
    aws.lambda.invoke = async (functionNameOrArn, payload, origin) => {
      const result = await invoke(functionNameOrArn, payload, origin);
      const databaseId = (payload as { databaseId?: unknown } | undefined)?.databaseId;
      if (result.FunctionError === undefined && typeof databaseId === 'string') {
        fire(
          databaseId,
          (trigger) =>
            'afterHandler' in trigger.at &&
            aws.lambda.handlerOf(functionNameOrArn) === trigger.at.afterHandler,
        );
      }
      return result;
    };
  }
  return {
    sent,
    errors,
    disarm: () => {
      stopObserving();
      if (afterHandler) aws.lambda.invoke = invoke;
    },
  };
};
