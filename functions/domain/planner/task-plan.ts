import * as z from 'zod';
import { dmsIdentifier, resourceTags } from './resource-fields.ts';

/** `CreateReplicationTask` input without the ARNs, which exist only once the resources do. */
export const taskPlanSchema = z.object({
  ReplicationTaskIdentifier: dmsIdentifier,
  MigrationType: z.literal('full-load-and-cdc', { message: "must be 'full-load-and-cdc'" }),
  /** JSON string, as DMS takes it. */
  TableMappings: z.string().min(1, 'must be the table mappings JSON'),
  /** JSON string, as DMS takes it. */
  ReplicationTaskSettings: z.string().min(1, 'must be the task settings JSON'),
  Tags: resourceTags,
});
export type TaskPlan = z.infer<typeof taskPlanSchema>;
