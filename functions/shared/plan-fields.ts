/**
 * The parts of a database plan that handlers receive from the state machine. Only what a handler relies on is
 * checked; the rest of each create input passes through to DMS as the planner wrote it.
 */
import * as z from 'zod';

const tag = z.object({ Key: z.string().min(1, 'must be a non-empty tag key'), Value: z.string() });
const identifier = z.string().min(1, 'must be a non-empty DMS identifier');

export const planTags = z.array(tag).min(1, 'must carry the lakeshift tags');

/** `CreateReplicationInstance` input. */
export const instancePlan = z.looseObject({
  ReplicationInstanceIdentifier: identifier,
  ReplicationInstanceClass: z.string().min(1, 'must name an instance class'),
  Tags: planTags,
});

/** `CreateEndpoint` input of one side. */
export const endpointPlan = <Type extends 'source' | 'target'>(type: Type) =>
  z.looseObject({
    EndpointIdentifier: identifier,
    EndpointType: z.literal(type, { message: `must be '${type}'` }),
    EngineName: z.string().min(1, 'must name the engine'),
    Tags: planTags,
  });

/** `CreateReplicationTask` input without the ARNs. */
export const taskPlan = z.looseObject({
  ReplicationTaskIdentifier: identifier,
  MigrationType: z.literal('full-load-and-cdc', { message: "must be 'full-load-and-cdc'" }),
  TableMappings: z.string().min(1, 'must be the table mappings JSON'),
  ReplicationTaskSettings: z.string().min(1, 'must be the task settings JSON'),
  Tags: planTags,
});
