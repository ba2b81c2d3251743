import * as z from 'zod';
import { INSTANCE_CLASS_NAMES } from '#domain/instance-classes';
import { dmsIdentifier, resourceTags } from './resource-fields.ts';

/** `CreateReplicationInstance` input. */
export const instancePlanSchema = z.object({
  ReplicationInstanceIdentifier: dmsIdentifier,
  /** The full-load class; the resize policy steps it down afterwards. */
  ReplicationInstanceClass: z.enum(INSTANCE_CLASS_NAMES, { message: 'must name an instance class' }),
  AllocatedStorage: z.number().int('must be a whole number of GB'),
  MultiAZ: z.boolean(),
  PubliclyAccessible: z.literal(false, { message: 'must be false' }),
  ReplicationSubnetGroupIdentifier: z.string().optional(),
  VpcSecurityGroupIds: z.array(z.string()).optional(),
  EngineVersion: z.string().optional(),
  Tags: resourceTags,
});
export type InstancePlan = z.infer<typeof instancePlanSchema>;
