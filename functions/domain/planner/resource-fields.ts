/** Fields every resource section of the plan carries: its DMS identifier and its tags. */
import * as z from 'zod';

export const dmsIdentifier = z.string().min(1, 'must be a non-empty DMS identifier');

/** DMS tag shape, as the SDK takes it. */
export const resourceTagSchema = z.object({
  Key: z.string().min(1, 'must be a non-empty tag key'),
  Value: z.string(),
});
export type ResourceTag = z.infer<typeof resourceTagSchema>;

export const resourceTags = z.array(resourceTagSchema).min(1, 'must carry the lakeshift tags');
