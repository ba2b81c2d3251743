/**
 * A service seen from the endpoint: every call it answers is reported with the emulated time it arrived and, when it
 * failed, the AWS error code it failed with (throttling, busy, validation...). Benchmarks read request rates in
 * emulated time from it.
 */
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';

export interface ServiceCall {
  /** Emulated epoch milliseconds at arrival. */
  readonly at: number;
  readonly operation: string;
  /** The AWS error code of a failed call (`ThrottlingException`...); absent when the call succeeded. */
  readonly errorCode?: string;
}

/** What the HTTP layer answers for an error that is not an AWS error. */
const UNCLASSIFIED_ERROR = 'InternalFailure';

export const observedService = (
  service: AwsJsonService,
  clock: Clock,
  onCall: (call: ServiceCall) => void,
): AwsJsonService => ({
  name: service.name,
  targetPrefix: service.targetPrefix,
  protocol: service.protocol,
  ...(service.queryCompatible === undefined ? {} : { queryCompatible: service.queryCompatible }),
  handle: async (operation, input) => {
    const at = clock.now();
    try {
      const output = await service.handle(operation, input);
      onCall({ at, operation });
      return output;
    } catch (error) {
      onCall({
        at,
        operation,
        errorCode: error instanceof AwsServiceError ? error.type : UNCLASSIFIED_ERROR,
      });
      throw error;
    }
  },
});
