/**
 * Reading the plan a registry item keeps (the planner's output, stored at registration): the parts handlers that
 * start from the registry (resize, alarms, teardown) rely on, checked so a damaged item fails with a named field.
 */
import * as z from 'zod';
import { InvalidInputError } from '#contracts/errors';
import { fidelityPlanSchema } from '#domain/fidelity/schemas';
import { caCertificateSourceSchema } from '#domain/planner/plan';
import type { RegistryItem } from '#domain/registry-item';
import { resizeSettingsSchema } from '#domain/request/resize-settings';
import { formatPath } from './field-path.ts';
import { type InstanceClass, isInstanceClass } from './instance-classes.ts';

const storedPlanSchema = z.looseObject({
  identifiers: z.looseObject({ instance: z.string().min(1), alarmPrefix: z.string().min(1) }),
  tags: z.array(z.object({ Key: z.string(), Value: z.string() })),
  resize: resizeSettingsSchema,
  source: z.object({
    secretArn: z.string().min(1),
    databaseName: z.string().min(1),
    caCertificate: caCertificateSourceSchema.optional(),
  }),
  sourceEndpoint: z.looseObject({ SslMode: z.enum(['none', 'require', 'verify-ca', 'verify-full']) }),
  /** Plans stored before the source inspection existed have none. */
  fidelity: fidelityPlanSchema.nullable().default(null),
});

export type StoredPlan = z.output<typeof storedPlanSchema>;

export const storedPlanOf = (item: RegistryItem): StoredPlan => {
  const parsed = storedPlanSchema.safeParse(item.plan);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `plan.${formatPath(issue.path)}: ${issue.message}`);
  throw new InvalidInputError(
    `registry item ${item.migrationId}/${item.databaseId} has a damaged plan: ${problems.join('; ')}`,
  );
};

/** The class the registry says the instance runs on. */
export const currentClassOf = (item: RegistryItem): InstanceClass => {
  if (!isInstanceClass(item.currentClass)) {
    throw new InvalidInputError(
      `registry item ${item.migrationId}/${item.databaseId}: currentClass "${item.currentClass}" is not a known instance class`,
    );
  }
  return item.currentClass;
};

/**
 * The class the plan created the instance on (the full-load class); undefined for a plan that does not say. A
 * retry may find the instance already stepped down from it.
 */
export const fullLoadClassOf = (item: RegistryItem): InstanceClass | undefined => {
  const planned: unknown = item.plan?.instance?.ReplicationInstanceClass;
  return typeof planned === 'string' && isInstanceClass(planned) ? planned : undefined;
};
