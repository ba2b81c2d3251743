/** Schemas of what crosses a boundary: the inspection result (handler input) and the plan's fidelity section. */
import * as z from 'zod';
import type { CapturedColumn } from './classify.ts';
import type { FidelityPlan } from './fidelity-plan.ts';
import { LOSSY_MAPPINGS } from './type-mapping.ts';

export const capturedColumnSchema = z.object({
  schema: z.string(),
  table: z.string(),
  column: z.string(),
  typeName: z.string(),
  typeType: z.string(),
  typeCategory: z.string(),
  declaredLength: z.number().int().nullable(),
  maxBytes: z.number().int().nonnegative().nullable(),
}) satisfies z.ZodType<CapturedColumn>;

/**
 * What the source inspection returns for one database: how many columns it saw, and those that DMS changes or
 * does not migrate (the exact ones are left out to keep the state small).
 */
export const sourceInspectionSchema = z.object({
  columnsInspected: z.number().int().nonnegative(),
  columns: z.array(capturedColumnSchema),
  /** Why the source could not be inspected; the plan then warns instead of remedying. */
  notInspected: z.string().optional(),
});
export type SourceInspection = z.infer<typeof sourceInspectionSchema>;

const lossyMapping = z.enum(LOSSY_MAPPINGS);

export const fidelityPlanSchema = z.object({
  columnsInspected: z.number().int().nonnegative(),
  adjustments: z.array(z.object({ column: z.string(), typeName: z.string(), how: z.string() })),
  lossy: z.array(z.object({ column: z.string(), mapping: lossyMapping, effect: z.string() })),
  warnings: z.array(
    z.object({
      column: z.string(),
      kind: z.enum(['not-migrated', 'unproven-remedy', 'lob-over-limit', 'not-inspected']),
      message: z.string(),
    }),
  ),
  rules: z.array(
    z.object({
      'rule-type': z.literal('transformation'),
      'rule-id': z.string(),
      'rule-name': z.string(),
      'rule-target': z.literal('column'),
      'object-locator': z.object({
        'schema-name': z.string(),
        'table-name': z.string(),
        'column-name': z.string(),
      }),
      'rule-action': z.literal('change-data-type'),
      'data-type': z.object({ type: z.literal('string'), length: z.number().int().positive() }),
    }),
  ),
  parquetTimestampInMillisecond: z.boolean(),
  lobMaxSizeKb: z.number().int().positive(),
}) satisfies z.ZodType<FidelityPlan>;
