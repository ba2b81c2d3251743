/** A service seen through the local AWS's injected faults: a call a rule picks fails before the service sees it. */
import type { AwsJsonService } from '../../http/service.ts';
import type { LocalAwsFaults } from './injector.ts';

export const faultyService = (service: AwsJsonService, faults: LocalAwsFaults): AwsJsonService => ({
  name: service.name,
  targetPrefix: service.targetPrefix,
  protocol: service.protocol,
  ...(service.queryCompatible === undefined ? {} : { queryCompatible: service.queryCompatible }),
  handle: async (operation, input) => {
    const fault = faults.beforeCall(service.name, operation);
    if (fault) throw fault;
    return service.handle(operation, input);
  },
});
