/**
 * Completing a wait whose token the registry stores. The token leaves the registry only after Step Functions took
 * it, or answered that it is dead (timed out, completed before, never valid): a delivery that fails throws and
 * leaves the token for the next try (EventBridge's retry of the event, the reconciler's next sweep), so a wait is
 * never orphaned by a failed call. Two deliverers racing both send; the second learns it was too late.
 */

import type { RegistryKey, StoredTaskToken } from '#contracts/registry-item';
import type { Registry } from './registry.ts';

/** `delivered`: Step Functions took the completion; `dead`: the wait had already ended. */
export type DeliveryOutcome = 'delivered' | 'dead';

export const deliverStoredToken = async (
  registry: Registry,
  key: RegistryKey,
  stored: StoredTaskToken,
  send: (token: string) => Promise<boolean>,
  now: string,
): Promise<DeliveryOutcome> => {
  const delivered = await send(stored.token);
  await registry.clearTaskToken(key, { token: stored.token, now });
  return delivered ? 'delivered' : 'dead';
};
